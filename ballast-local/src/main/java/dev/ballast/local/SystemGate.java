package dev.ballast.local;

import dev.ballast.core.execute.Operation;
import dev.ballast.local.config.SystemComponents;
import dev.ballast.local.io.StateFileException;
import dev.ballast.local.store.FileOperationStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Lets one component of a system change at a time: whoever changes a component holds the system's
 * lock (in the system's state directory) until it is done, so that another component's command
 * waits and says why; and a component whose operation was interrupted (its journal unfinished, its
 * driver gone) keeps every other component from changing until it is resumed.
 */
public final class SystemGate implements AutoCloseable {
  private static final Duration POLL = Duration.ofMillis(250);

  private final ClusterLock lock;

  private SystemGate(ClusterLock lock) {
    this.lock = lock;
  }

  /**
   * Waits until no other component of {@code system} changes, telling {@code waiting} why it waits
   * (once per reason), then holds the system until {@link #close}. Refused when another component
   * has an interrupted operation, unless {@code toStop} (stopping a component changes no
   * membership: {@code down} must always be possible).
   */
  public static SystemGate enter(SystemComponents system, Consumer<String> waiting, boolean toStop)
      throws ClusterOperationException {
    Objects.requireNonNull(waiting, "waiting");
    String told = null;
    while (true) {
      ClusterLock held;
      try {
        held = ClusterLock.acquire(system.stateDir());
      } catch (ClusterBusyException e) {
        String why =
            "waiting: "
                + changing(system)
                    .orElse(
                        "another component of system "
                            + system.system()
                            + " is being changed (ballast pid "
                            + e.holderPid()
                            + ")")
                + "; components of one system change one at a time";
        if (!why.equals(told)) {
          waiting.accept(why);
          told = why;
        }
        sleep();
        continue;
      }
      Optional<Busy> interrupted = toStop ? Optional.empty() : busy(system);
      if (interrupted.isPresent()) {
        held.close();
        throw ClusterOperationException.refused(
            interrupted.get().why()
                + " but nobody drives it; finish it first ('ballast resume -f FILE --component "
                + interrupted.get().component()
                + "'): components of one system change one at a time");
      }
      return new SystemGate(held);
    }
  }

  /** Another component whose journal holds an operation, and why it counts as changing. */
  private record Busy(String component, String why) {}

  /** "component meta has an operation in flight: op-2 (3 to 4, manual) at ...", if one has. */
  private static Optional<String> changing(SystemComponents system) {
    return busy(system).map(Busy::why);
  }

  private static Optional<Busy> busy(SystemComponents system) {
    for (Map.Entry<String, Path> e : system.stateDirs().entrySet()) {
      if (e.getKey().equals(system.component())) {
        continue;
      }
      Path journal = e.getValue().resolve(LocalWiring.OPERATION_FILE);
      if (!Files.exists(journal)) {
        continue;
      }
      Optional<Operation> op;
      try {
        op = new FileOperationStore(journal).load().filter(o -> !o.finished());
      } catch (StateFileException unreadable) {
        return Optional.of(
            new Busy(
                e.getKey(),
                "component "
                    + e.getKey()
                    + " has a journal that cannot be read ("
                    + journal
                    + ")"));
      }
      if (op.isPresent()) {
        return Optional.of(
            new Busy(
                e.getKey(),
                "component "
                    + e.getKey()
                    + " has an operation in flight: "
                    + LocalClusterControl.describe(op.get())));
      }
    }
    return Optional.empty();
  }

  private static void sleep() throws ClusterOperationException {
    try {
      Thread.sleep(POLL.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw ClusterOperationException.failed("interrupted while waiting for the system");
    }
  }

  @Override
  public void close() {
    lock.close();
  }
}
