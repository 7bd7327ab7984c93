package dev.ballast.members.hooks;

import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The {@code hooks} membership of a cluster: the hook lists run at each {@link HookPoint}, the
 * membership check (a hook whose JSON answer lists the members' ids at {@code listPath}), the
 * health hook asked of each member, and how a member is named in the application ({@code memberId},
 * a template such as {@code {host}:{port:cluster}}). Shared by the local cluster file and, later,
 * the StatefulAutoscaler resource.
 */
public record HooksSpec(
    String memberId,
    HttpSettings http,
    Map<HookPoint, List<Hook>> hooks,
    Optional<MembersCheck> members,
    Optional<Hook> health,
    Path workDir) {

  public HooksSpec {
    Objects.requireNonNull(memberId, "memberId");
    Objects.requireNonNull(http, "http");
    EnumMap<HookPoint, List<Hook>> copy = new EnumMap<>(HookPoint.class);
    hooks.forEach((k, v) -> copy.put(k, List.copyOf(v)));
    hooks = java.util.Collections.unmodifiableMap(copy);
    Objects.requireNonNull(members, "members");
    Objects.requireNonNull(health, "health");
    Objects.requireNonNull(workDir, "workDir");
  }

  /** The hooks at {@code point}, in order; empty when none are configured. */
  public List<Hook> at(HookPoint point) {
    return hooks.getOrDefault(point, List.of());
  }

  /**
   * The membership check: {@code request}'s JSON answer lists the ids of the cluster's members at
   * {@code listPath} (for example {@code $.nodes[*].id} of {@code GET /cluster/nodes}).
   */
  public record MembersCheck(Hook request, String listPath) {
    public MembersCheck {
      Objects.requireNonNull(request, "request");
      Objects.requireNonNull(listPath, "listPath");
      com.jayway.jsonpath.JsonPath.compile(listPath);
    }
  }

  /**
   * Settings of every HTTP hook: a PEM file of certificate authorities to trust (besides the
   * JDK's), a file holding a bearer token (read at each call, sent only in the Authorization header
   * and never logged or recorded), and the connect timeout.
   */
  public record HttpSettings(
      Optional<Path> caFile, Optional<Path> bearerTokenFile, Duration connectTimeout) {
    public HttpSettings {
      Objects.requireNonNull(caFile, "caFile");
      Objects.requireNonNull(bearerTokenFile, "bearerTokenFile");
      Objects.requireNonNull(connectTimeout, "connectTimeout");
    }

    /** Plain HTTP or the JDK's trusted authorities, no token, a 5 s connect timeout. */
    public static HttpSettings defaults() {
      return new HttpSettings(Optional.empty(), Optional.empty(), Duration.ofSeconds(5));
    }
  }
}
