package dev.ballast.local.runtime;

import dev.ballast.core.port.Membership;
import dev.ballast.core.port.NoProtocolMembership;

/**
 * The {@code none} membership of a local cluster: the program has no membership protocol, so a
 * member belongs to the cluster while its process runs. Joining, draining and leaving are no-ops;
 * health is "the process runs".
 */
public final class ProcessOnlyMembership {
  private ProcessOnlyMembership() {}

  /** The membership of the members {@code runtime} runs. */
  public static Membership of(LocalProcessRuntime runtime) {
    return new NoProtocolMembership(
        runtime::isRunning,
        new NoProtocolMembership.Vocabulary(
            "running", "stopped", "process runs", "no process", "running", ordinal -> ""));
  }
}
