package dev.ballast.members.peers;

import dev.ballast.core.port.Member;
import dev.ballast.core.port.MembershipException;
import dev.ballast.members.hooks.Hook;
import dev.ballast.members.hooks.HookResult;
import dev.ballast.members.hooks.HookRunner;
import dev.ballast.members.hooks.Templates;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Renders a peer list ({@link PeerListTemplate}) into its {@link PeerListStore} and runs its
 * follow-up (reload hooks, or the operator's rolling restart), idempotently: the state (version,
 * the rendered list, whether the follow-up ran) is saved before or with the list and after the
 * follow-up, so a crash at any point re-writes the same version and re-runs the follow-up, and
 * publishing an unchanged list whose follow-up ran does nothing.
 */
public final class PeerListPublisher {
  private static final Logger LOG = LoggerFactory.getLogger(PeerListPublisher.class);

  /** What runs after a new version was written, for the members that should read it. */
  @FunctionalInterface
  public interface FollowUp {
    /** Nothing: the members watch the list themselves. */
    FollowUp NONE = (members, version) -> List.of();

    /** Runs the follow-up for {@code version}; one line per action, for the record. */
    List<String> after(List<Member> members, int version);
  }

  private final PeerListTemplate template;
  private final PeerListStore store;
  private final FollowUp followUp;

  /** A peer list written by {@code store}, followed by {@code followUp}. */
  public PeerListPublisher(PeerListTemplate template, PeerListStore store, FollowUp followUp) {
    this.template = template;
    this.store = store;
    this.followUp = followUp;
  }

  /** A local peer list: the spec's file, its state in {@code stateFile}, its reload hooks. */
  public PeerListPublisher(PeerListSpec spec, HookRunner runner, Path stateFile) {
    this(
        spec.template(),
        new FilePeerListStore(spec.file(), stateFile),
        reloadHooks(spec.reload(), runner, spec.file().toString()));
  }

  /**
   * Runs {@code hooks} once per member, with its values, {@code {version}} and {@code {file}}; a
   * failure names the member that did not reload.
   */
  public static FollowUp reloadHooks(List<Hook> hooks, HookRunner runner, String file) {
    return (members, version) -> {
      List<String> lines = new ArrayList<>();
      for (Member m : members) {
        Map<String, String> values = new LinkedHashMap<>(Templates.memberValues(m, "{ordinal}"));
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
   * Publishes {@code members}; returns one line per action for the record (empty when the list was
   * already published and followed up). Fails with a {@link MembershipException} naming the member
   * whose follow-up failed.
   */
  public List<String> publish(List<Member> members) {
    return publish(members, true);
  }

  /**
   * Writes the list for {@code members} without the follow-up (before members start, when there is
   * nobody to reload yet); the next {@link #publish} runs it.
   */
  public List<String> writeOnly(List<Member> members) {
    return publish(members, false);
  }

  private List<String> publish(List<Member> members, boolean reload) {
    String list = template.render(members, "{version}");
    PeerListStore.State state = store.read();
    if (state.list().equals(list) && state.reloaded()) {
      return List.of();
    }
    int version = state.list().equals(list) ? state.version() : state.version() + 1;
    store.save(
        new PeerListStore.State(version, list, false),
        Optional.of(template.render(members, Integer.toString(version))));
    List<String> lines = new ArrayList<>();
    lines.add(
        "wrote " + store.describe() + " version " + version + " (" + members.size() + " members)");
    if (!reload) {
      return lines;
    }
    lines.addAll(followUp.after(members, version));
    store.save(new PeerListStore.State(version, list, true), Optional.empty());
    LOG.info(
        "action=publish-peers where=\"{}\" version={} members={}",
        store.describe(),
        version,
        members.size());
    return lines;
  }

  /** The version last written, 0 before the first publish. */
  public int version() {
    return store.read().version();
  }
}
