package dev.ballast.members.peers;

import dev.ballast.core.port.Member;
import dev.ballast.core.port.MembershipException;
import dev.ballast.members.hooks.Hook;
import dev.ballast.members.hooks.HookResult;
import dev.ballast.members.hooks.HookRunner;
import dev.ballast.members.hooks.Templates;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.function.IntConsumer;
import java.util.function.IntFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Renders a peer list ({@link PeerListTemplate}) into its {@link PeerListStore} and runs its
 * follow-up (reload hooks, a rolling restart of local members, or the operator's rolling restart of
 * pods), idempotently: the state (version, the rendered list, the members known to have read this
 * version, whether the follow-up ran) is saved before or with the list and after each member the
 * follow-up told, so a crash at any point re-writes the same version and goes on with the members
 * that have not read it yet (a rolling restart resumes at the member it stopped at), and publishing
 * an unchanged list whose follow-up ran does nothing.
 */
public final class PeerListPublisher {
  private static final Logger LOG = LoggerFactory.getLogger(PeerListPublisher.class);

  /** What runs after a new version was written, for the members that should read it. */
  @FunctionalInterface
  public interface FollowUp {
    /** Nothing: the members watch the list themselves. */
    FollowUp NONE = (members, version, alreadyRead, read) -> List.of();

    /**
     * Runs the follow-up for {@code version}. {@code alreadyRead} are the members known to have
     * read it (started with it, or told before a crash); a follow-up that tells one member at a
     * time skips them and calls {@code read} after each member it told, which saves the progress.
     * Returns one line per action, for the record.
     */
    List<String> after(
        List<Member> members, int version, Set<Integer> alreadyRead, IntConsumer read);
  }

  private final PeerListTemplate template;
  private final PeerListStore store;
  private final FollowUp followUp;
  private final PeerListSpec.AfterChange afterChange;
  private final Optional<Function<Member, Path>> copyOf;

  /** A peer list written by {@code store}, followed by {@code followUp}. */
  public PeerListPublisher(
      PeerListTemplate template,
      PeerListStore store,
      PeerListSpec.AfterChange afterChange,
      FollowUp followUp) {
    this(template, store, afterChange, followUp, Optional.empty());
  }

  private PeerListPublisher(
      PeerListTemplate template,
      PeerListStore store,
      PeerListSpec.AfterChange afterChange,
      FollowUp followUp,
      Optional<Function<Member, Path>> copyOf) {
    this.template = template;
    this.store = store;
    this.afterChange = afterChange;
    this.followUp = followUp;
    this.copyOf = copyOf;
  }

  /** A local peer list whose {@code afterChange} is not RESTART. */
  public PeerListPublisher(PeerListSpec spec, HookRunner runner, Path stateFile) {
    this(spec, runner, stateFile, null);
  }

  /**
   * A local peer list: the spec's file, its state in {@code stateFile}, its reload hooks, or {@code
   * restarter} for {@link PeerListSpec.AfterChange#RESTART}.
   */
  public PeerListPublisher(
      PeerListSpec spec, HookRunner runner, Path stateFile, MemberRestarter restarter) {
    this(spec, runner, stateFile, restarter, null);
  }

  /**
   * A local peer list whose members keep their data in {@code dataDirs} (by ordinal): the reload
   * hooks and {@link PeerListSpec#copyTo} may name it {@code {dataDir}}.
   */
  public PeerListPublisher(
      PeerListSpec spec,
      HookRunner runner,
      Path stateFile,
      MemberRestarter restarter,
      IntFunction<Path> dataDirs) {
    this(
        spec.template(),
        new FilePeerListStore(spec.file(), stateFile),
        spec.afterChange(),
        switch (spec.afterChange()) {
          case RELOAD ->
              reloadHooks(
                  spec.reload(), runner, spec.file().toString(), m -> localValues(m, dataDirs));
          case RESTART -> rollingRestart(requireRestarter(restarter));
          case NONE -> FollowUp.NONE;
        },
        spec.copyTo()
            .map(
                template -> {
                  if (dataDirs == null) {
                    throw new IllegalArgumentException("peers.copyTo needs the members' folders");
                  }
                  return m -> Path.of(Templates.fill(template, localValues(m, dataDirs)));
                }));
  }

  /** The member's values and, when known, {@code {dataDir}} (absolute). */
  private static Map<String, String> localValues(Member m, IntFunction<Path> dataDirs) {
    Map<String, String> values = new LinkedHashMap<>(Templates.memberValues(m, "{ordinal}"));
    if (dataDirs != null) {
      values.put("dataDir", dataDirs.apply(m.ordinal()).toAbsolutePath().toString());
    }
    return values;
  }

  private static MemberRestarter requireRestarter(MemberRestarter restarter) {
    if (restarter == null) {
      throw new IllegalArgumentException("afterChange RESTART needs a member restarter");
    }
    return restarter;
  }

  /** Whether each member gets its own copy of the list ({@link PeerListSpec#copyTo}). */
  public boolean copiesPerMember() {
    return copyOf.isPresent();
  }

  /** What the members are told after a change of the list. */
  public PeerListSpec.AfterChange afterChange() {
    return afterChange;
  }

  /**
   * Runs {@code hooks} once per member, with its values, {@code {version}} and {@code {file}}; a
   * failure names the member that did not reload. Every member reloads (a reload is idempotent).
   */
  public static FollowUp reloadHooks(List<Hook> hooks, HookRunner runner, String file) {
    return reloadHooks(hooks, runner, file, m -> Templates.memberValues(m, "{ordinal}"));
  }

  private static FollowUp reloadHooks(
      List<Hook> hooks,
      HookRunner runner,
      String file,
      Function<Member, Map<String, String>> memberValues) {
    return (members, version, alreadyRead, read) -> {
      List<String> lines = new ArrayList<>();
      for (Member m : members) {
        Map<String, String> values = new LinkedHashMap<>(memberValues.apply(m));
        values.put("version", Integer.toString(version));
        values.put("file", file);
        for (Hook hook : hooks) {
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
      return lines;
    };
  }

  /**
   * The local rolling restart: members that have not read the version restart in ordinal order, one
   * at a time, each only while every other member is up ({@link MemberRestarter#refusal}); each is
   * recorded once healthy again, so a crash resumes with the next one (or restarts the one it
   * stopped at, found stopped or running).
   */
  public static FollowUp rollingRestart(MemberRestarter restarter) {
    return (members, version, alreadyRead, read) -> {
      List<String> lines = new ArrayList<>();
      for (Member m : members) {
        if (alreadyRead.contains(m.ordinal())) {
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
        read.accept(m.ordinal());
        lines.add("member " + m.ordinal() + " restarted for version " + version + ": " + done);
        LOG.info(
            "action=restart-for-peers member={} version={} outcome=healthy", m.ordinal(), version);
      }
      return lines;
    };
  }

  /**
   * Publishes {@code members}; returns one line per action for the record (empty when the list was
   * already published and every member has read it). Fails with a {@link MembershipException}
   * naming the member whose follow-up failed, or that could not be restarted because another member
   * is down.
   */
  public List<String> publish(List<Member> members) {
    PeerListStore.State state = store.read();
    String list = template.render(members, "{version}");
    boolean changed = !state.list().equals(list);
    if (!changed && state.reloaded()) {
      return List.of();
    }
    int version = changed ? state.version() + 1 : state.version();
    Set<Integer> current = changed ? new TreeSet<>() : new TreeSet<>(state.current());
    String content = template.render(members, Integer.toString(version));
    store.save(new PeerListStore.State(version, list, false, current), Optional.of(content));
    List<String> lines = new ArrayList<>();
    lines.add(wrote(version, members.size()));
    // Before the follow-up, and again after a crash (the list is not marked read until the end).
    copy(members, content).ifPresent(lines::add);
    lines.addAll(
        followUp.after(
            members,
            version,
            Set.copyOf(current),
            ordinal -> {
              current.add(ordinal);
              store.save(new PeerListStore.State(version, list, false, current), Optional.empty());
            }));
    store.save(new PeerListStore.State(version, list, true, current), Optional.empty());
    LOG.info(
        "action=publish-peers where=\"{}\" version={} members={} afterChange={}",
        store.describe(),
        version,
        members.size(),
        afterChange);
    return lines;
  }

  /**
   * Writes the list for {@code members} before the members {@code starting} start (they read it
   * then, so they are not reloaded nor restarted for this version), and into their own copies; the
   * next {@link #publish} tells the others.
   */
  public List<String> beforeStart(List<Member> members, Collection<Integer> starting) {
    PeerListStore.State state = store.read();
    String list = template.render(members, "{version}");
    boolean changed = !state.list().equals(list);
    int version = changed ? state.version() + 1 : state.version();
    Set<Integer> current = changed ? new TreeSet<>() : new TreeSet<>(state.current());
    current.addAll(starting);
    String content = template.render(members, Integer.toString(version));
    store.save(
        new PeerListStore.State(version, list, !changed && state.reloaded(), current),
        Optional.of(content));
    List<String> lines = new ArrayList<>();
    lines.add(wrote(version, members.size()));
    copy(members.stream().filter(m -> starting.contains(m.ordinal())).toList(), content)
        .ifPresent(lines::add);
    return lines;
  }

  /** Replaces each member's own copy of the list (when configured); the line for the record. */
  private Optional<String> copy(List<Member> members, String content) {
    if (copyOf.isEmpty() || members.isEmpty()) {
      return Optional.empty();
    }
    for (Member m : members) {
      FilePeerListStore.write(copyOf.get().apply(m), content);
    }
    return Optional.of(
        "copied it to members "
            + members.stream().map(Member::ordinal).toList()
            + " ("
            + copyOf.get().apply(members.get(0)).getFileName()
            + ")");
  }

  /**
   * Writes the list for {@code members} before all of them start (a new cluster, or members
   * restarted by {@code up}); the next {@link #publish} tells nobody for this version.
   */
  public List<String> writeOnly(List<Member> members) {
    return beforeStart(members, members.stream().map(Member::ordinal).toList());
  }

  /** The version last written, 0 before the first publish. */
  public int version() {
    return store.read().version();
  }

  private String wrote(int version, int size) {
    return "wrote " + store.describe() + " version " + version + " (" + size + " members)";
  }
}
