package dev.ballast.k8s.testkit;

import java.time.Duration;
import java.util.Optional;

/** The running member of one pod, as its {@link PodRunner} started it. */
public interface PodProcess {

  boolean isAlive();

  /**
   * Empty when the member is ready to serve (the pod's Ready condition), else why not: the runner's
   * readiness probe, asked every few hundred milliseconds while the process runs.
   */
  Optional<String> notReady();

  /** Asks the member to stop and waits up to {@code grace}, then kills it. */
  void stop(Duration grace);

  /** Kills the member at once, as a crash would. */
  void kill();

  /** The process id (shown as the container id). */
  long pid();
}
