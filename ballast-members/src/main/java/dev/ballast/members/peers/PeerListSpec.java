package dev.ballast.members.peers;

import dev.ballast.members.hooks.Hook;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A peer list for applications that find their peers in a file (Nacos {@code cluster.conf}, Eureka
 * {@code defaultZone}): on every change of the member list, {@code file} is rewritten as {@code
 * header}, one {@code member} line per member joined by {@code separator}, and {@code footer};
 * {@code header} and {@code footer} may hold {@code {version}} (raised on every change) and {@code
 * {count}}; {@code member} holds the member's {@code {host}}, {@code {port:NAME}}, {@code
 * {ordinal}}, {@code {id}}. {@code reload} hooks then run once per member (with its values, {@code
 * {version}} and {@code {file}}), so that each re-reads the list; or, with {@code afterChange}
 * {@link AfterChange#RESTART}, the members are restarted one at a time instead, for applications
 * that read the list only when they start (Eureka's {@code defaultZone}).
 *
 * <p>{@code copyTo} (local members only) names each member's own copy of the file, e.g. {@code
 * {dataDir}/conf/cluster.conf} for a server that watches its own folder (Nacos): it holds the
 * member's values and {@code {dataDir}}, and is replaced atomically (a temporary file in its
 * folder, then renamed) before the member starts and at every change, before the follow-up.
 */
public record PeerListSpec(
    Path file,
    String header,
    String member,
    String separator,
    String footer,
    List<Hook> reload,
    AfterChange afterChange,
    Optional<String> copyTo) {

  /** What happens once a changed list is written. */
  public enum AfterChange {
    /** Each member runs the {@code reload} hooks (none: the file is only written). */
    RELOAD,
    /**
     * Each member that has not read this version is restarted, one at a time, the next one only
     * once the restarted member is healthy again and never while another member is down.
     */
    RESTART,
    /** The file is written; nobody is told. */
    NONE
  }

  /** A list whose members run the {@code reload} hooks after each change. */
  public PeerListSpec(
      Path file, String header, String member, String separator, String footer, List<Hook> reload) {
    this(file, header, member, separator, footer, reload, AfterChange.RELOAD);
  }

  /** A list without per-member copies. */
  public PeerListSpec(
      Path file,
      String header,
      String member,
      String separator,
      String footer,
      List<Hook> reload,
      AfterChange afterChange) {
    this(file, header, member, separator, footer, reload, afterChange, Optional.empty());
  }

  public PeerListSpec {
    Objects.requireNonNull(file, "file");
    Objects.requireNonNull(member, "member");
    afterChange = afterChange == null ? AfterChange.RELOAD : afterChange;
    if (afterChange != AfterChange.RELOAD && reload != null && !reload.isEmpty()) {
      throw new IllegalArgumentException("reload hooks run only with afterChange RELOAD");
    }
    header = header == null ? "" : header;
    separator = separator == null ? "\n" : separator;
    footer = footer == null ? "" : footer;
    reload = reload == null ? List.of() : List.copyOf(reload);
    copyTo = copyTo == null ? Optional.empty() : copyTo;
  }

  /** How the list is written, without where. */
  public PeerListTemplate template() {
    return new PeerListTemplate(header, member, separator, footer);
  }
}
