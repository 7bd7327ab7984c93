package dev.ballast.members.peers;

import java.util.Optional;
import java.util.Set;

/**
 * Where a peer list and its state live: a file beside a state file (local), or a ConfigMap whose
 * annotations hold the state (Kubernetes). The state is the version, the list as rendered without
 * its version, whether the follow-up (reload hooks, a rolling restart) has run for it, and the
 * members known to have read it (started with it, or restarted for it).
 */
public interface PeerListStore {

  /** What was published last; version 0 and an empty list before the first publish. */
  State read();

  /**
   * Saves {@code state} and, when given, the rendered {@code content} with it (before the content,
   * or in the same write), so that a crash between the two re-publishes the same version.
   */
  void save(State state, Optional<String> content);

  /** Where the list goes, for records: a file name, or "ConfigMap NAME key KEY". */
  String describe();

  /** The published version, the list rendered with a placeholder version, and whether applied. */
  record State(int version, String list, boolean reloaded, Set<Integer> current) {
    public State {
      current = Set.copyOf(current);
    }

    /** Nothing published yet. */
    public static State initial() {
      return new State(0, "", true, Set.of());
    }
  }
}
