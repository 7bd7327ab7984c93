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
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Renders a {@link PeerListSpec} into its file and tells the members, idempotently: the state file
 * ({@code version}, the rendered list, the members that have read this version, whether every
 * member has) is written before the peer file and after each member's reload or restart, so a crash
 * at any point re-writes the same version and goes on with the members that have not read it yet (a
 * rolling restart resumes at the member it stopped at), and publishing an unchanged list that every
 * member has read does nothing.
 */
public final class PeerListPublisher {
  private static final Logger LOG = LoggerFactory.getLogger(PeerListPublisher.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  private final PeerListSpec spec;
  private final HookRunner runner;
  private final Path stateFile;
  private final MemberRestarter restarter;

  /** A publisher whose list never asks for a restart ({@code afterChange} is not RESTART). */
  public PeerListPublisher(PeerListSpec spec, HookRunner runner, Path stateFile) {
    this(spec, runner, stateFile, null);
  }

  /** {@code restarter} restarts members for {@link PeerListSpec.AfterChange#RESTART}. */
  public PeerListPublisher(
      PeerListSpec spec, HookRunner runner, Path stateFile, MemberRestarter restarter) {
    if (spec.afterChange() == PeerListSpec.AfterChange.RESTART && restarter == null) {
      throw new IllegalArgumentException("afterChange RESTART needs a member restarter");
    }
    this.spec = spec;
    this.runner = runner;
    this.stateFile = stateFile;
    this.restarter = restarter;
  }

  /** What the members are told after a change of the list. */
  public PeerListSpec.AfterChange afterChange() {
    return spec.afterChange();
  }

  /**
   * Publishes {@code members}; returns one line per action for the record (empty when the list was
   * already published and every member has read it). Fails with a {@link MembershipException}
   * naming the member whose reload or restart failed, or that could not be restarted because
   * another member is down.
   */
  public List<String> publish(List<Member> members) {
    State state = readState();
    String list = render(members, "{version}");
    boolean changed = !state.list().equals(list);
    if (!changed && state.reloaded()) {
      return List.of();
    }
    int version = changed ? state.version() + 1 : state.version();
    Set<Integer> current = changed ? new TreeSet<>() : new TreeSet<>(state.current());
    writeState(new State(version, list, false, current));
    write(spec.file(), render(members, Integer.toString(version)));
    List<String> lines = new ArrayList<>();
    lines.add(wrote(version, members.size()));
    switch (spec.afterChange()) {
      case RELOAD -> reload(members, version, lines);
      case RESTART -> restart(members, version, list, current, lines);
      case NONE -> {}
    }
    writeState(new State(version, list, true, current));
    LOG.info(
        "action=publish-peers file={} version={} members={} afterChange={}",
        spec.file(),
        version,
        members.size(),
        spec.afterChange());
    return lines;
  }

  /**
   * Writes the list for {@code members} before the members {@code starting} start (they read it
   * then, so they are not reloaded nor restarted for this version); the next {@link #publish} tells
   * the others.
   */
  public List<String> beforeStart(List<Member> members, Collection<Integer> starting) {
    State state = readState();
    String list = render(members, "{version}");
    boolean changed = !state.list().equals(list);
    int version = changed ? state.version() + 1 : state.version();
    Set<Integer> current = changed ? new TreeSet<>() : new TreeSet<>(state.current());
    current.addAll(starting);
    writeState(new State(version, list, !changed && state.reloaded(), current));
    write(spec.file(), render(members, Integer.toString(version)));
    return List.of(wrote(version, members.size()));
  }

  /**
   * Writes the list for {@code members} before all of them start (a new cluster, or members
   * restarted by {@code up}); the next {@link #publish} tells nobody for this version.
   */
  public List<String> writeOnly(List<Member> members) {
    return beforeStart(members, members.stream().map(Member::ordinal).toList());
  }

  private String wrote(int version, int size) {
    return "wrote " + spec.file().getFileName() + " version " + version + " (" + size + " members)";
  }

  private void reload(List<Member> members, int version, List<String> lines) {
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
  }

  /**
   * The rolling restart: members that have not read {@code version} restart in ordinal order, one
   * at a time; each is recorded in the state file once healthy again, so a crash resumes with the
   * next one (or restarts the one it stopped at, found stopped or running).
   */
  private void restart(
      List<Member> members, int version, String list, Set<Integer> current, List<String> lines) {
    for (Member m : members) {
      if (current.contains(m.ordinal())) {
        continue;
      }
      Optional<String> refusal = restarter.refusal(m, members);
      if (refusal.isPresent()) {
        throw new MembershipException(
            "member "
                + m.ordinal()
                + " was not restarted to read the peer list version "
                + version
                + ": "
                + refusal.get());
      }
      String done = restarter.restart(m, members);
      current.add(m.ordinal());
      writeState(new State(version, list, false, current));
      lines.add("member " + m.ordinal() + " restarted for version " + version + ": " + done);
      LOG.info(
          "action=restart-for-peers member={} version={} outcome=healthy", m.ordinal(), version);
    }
  }

  /** The version last written, 0 before the first publish. */
  public int version() {
    return readState().version();
  }

  private String render(List<Member> members, String version) {
    List<String> lines = new ArrayList<>();
    for (Member m : members) {
      lines.add(Templates.fill(spec.member(), Templates.memberValues(m, "{ordinal}")));
    }
    Map<String, String> whole =
        Map.of("version", version, "count", Integer.toString(members.size()));
    return Templates.fill(spec.header(), whole)
        + String.join(spec.separator(), lines)
        + Templates.fill(spec.footer(), whole);
  }

  /** {@code current}: the members known to have read this version (started or restarted). */
  private record State(int version, String list, boolean reloaded, Set<Integer> current) {}

  private State readState() {
    if (!Files.exists(stateFile)) {
      return new State(0, "", true, Set.of());
    }
    try {
      var node = JSON.readTree(stateFile.toFile());
      Set<Integer> current = new TreeSet<>();
      node.path("current").forEach(n -> current.add(n.asInt()));
      return new State(
          node.path("version").asInt(),
          node.path("list").asText(),
          node.path("reloaded").asBoolean(),
          current);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + stateFile, e);
    }
  }

  private void writeState(State state) {
    ObjectNode node = JSON.createObjectNode();
    node.put("version", state.version());
    node.put("list", state.list());
    node.put("reloaded", state.reloaded());
    var current = node.putArray("current");
    state.current().forEach(current::add);
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
