package dev.ballast.members.peers;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ballast.core.port.Member;
import dev.ballast.core.port.MembershipException;
import dev.ballast.members.hooks.Hook;
import dev.ballast.members.hooks.HookResult;
import dev.ballast.members.hooks.HookRunner;
import dev.ballast.members.hooks.Templates;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Renders a {@link PeerListSpec} into its file and runs its reload hooks, idempotently: the state
 * file ({@code version}, the rendered list, whether every member reloaded it) is written before the
 * peer file and after the hooks, so a crash at any point re-writes the same version and re-runs the
 * reload hooks, and publishing an unchanged list that was reloaded does nothing.
 */
public final class PeerListPublisher {
  private static final Logger LOG = LoggerFactory.getLogger(PeerListPublisher.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  private final PeerListSpec spec;
  private final HookRunner runner;
  private final Path stateFile;

  public PeerListPublisher(PeerListSpec spec, HookRunner runner, Path stateFile) {
    this.spec = spec;
    this.runner = runner;
    this.stateFile = stateFile;
  }

  /**
   * Publishes {@code members}; returns one line per action for the record (empty when the list was
   * already published and reloaded). Fails with a {@link MembershipException} naming the member
   * whose reload hook failed.
   */
  public List<String> publish(List<Member> members) {
    return publish(members, true);
  }

  /**
   * Writes the list for {@code members} without running the reload hooks (before members start,
   * when there is nobody to reload yet); the next {@link #publish} runs them.
   */
  public List<String> writeOnly(List<Member> members) {
    return publish(members, false);
  }

  private List<String> publish(List<Member> members, boolean reload) {
    String list = render(members, "{version}");
    State state = readState();
    if (state.list().equals(list) && state.reloaded()) {
      return List.of();
    }
    int version = state.list().equals(list) ? state.version() : state.version() + 1;
    writeState(new State(version, list, false));
    String content = render(members, Integer.toString(version));
    write(spec.file(), content);
    List<String> lines = new ArrayList<>();
    lines.add(
        "wrote "
            + spec.file().getFileName()
            + " version "
            + version
            + " ("
            + members.size()
            + " members)");
    if (!reload) {
      return lines;
    }
    for (Member m : members) {
      Map<String, String> values = new LinkedHashMap<>(Templates.memberValues(m, "{ordinal}"));
      values.put("version", Integer.toString(version));
      values.put("file", spec.file().toString());
      for (Hook hook : spec.reload()) {
        HookResult r;
        try {
          r = runner.run(hook, values, List.of());
        } catch (MembershipException | IllegalArgumentException e) {
          throw new MembershipException(
              "member "
                  + m.ordinal()
                  + " did not reload the peer list version "
                  + version
                  + ": "
                  + e.getMessage(),
              e);
        }
        values.putAll(r.captured());
        lines.add("member " + m.ordinal() + " " + r.summary());
      }
    }
    writeState(new State(version, list, true));
    LOG.info(
        "action=publish-peers file={} version={} members={}", spec.file(), version, members.size());
    return lines;
  }

  /** The version last written, 0 before the first publish. */
  public int version() {
    return readState().version();
  }

  private String render(List<Member> members, String version) {
    return spec.template().render(members, version);
  }

  private record State(int version, String list, boolean reloaded) {}

  private State readState() {
    if (!Files.exists(stateFile)) {
      return new State(0, "", true);
    }
    try {
      var node = JSON.readTree(stateFile.toFile());
      return new State(
          node.path("version").asInt(),
          node.path("list").asText(),
          node.path("reloaded").asBoolean());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + stateFile, e);
    }
  }

  private void writeState(State state) {
    ObjectNode node = JSON.createObjectNode();
    node.put("version", state.version());
    node.put("list", state.list());
    node.put("reloaded", state.reloaded());
    try {
      write(stateFile, JSON.writerWithDefaultPrettyPrinter().writeValueAsString(node));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Replaces {@code target} atomically (a reader sees the old or the new list, never half). */
  private static void write(Path target, String content) {
    try {
      Path dir = target.toAbsolutePath().getParent();
      Files.createDirectories(dir);
      Path tmp = Files.createTempFile(dir, target.getFileName().toString(), ".tmp");
      Files.writeString(tmp, content, StandardCharsets.UTF_8);
      Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + target, e);
    }
  }
}
