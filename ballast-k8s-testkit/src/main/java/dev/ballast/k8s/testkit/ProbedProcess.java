package dev.ballast.k8s.testkit;

import java.time.Duration;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * A pod's member as one {@link ManagedProcess} and a readiness probe: the shape every {@link
 * PodRunner} returns. Not ready while the process is gone; else what the probe says.
 */
public final class ProbedProcess implements PodProcess {
  private final ManagedProcess process;
  private final Supplier<Optional<String>> probe;

  /** {@code probe} is empty when the member serves, else why not. */
  public ProbedProcess(ManagedProcess process, Supplier<Optional<String>> probe) {
    this.process = process;
    this.probe = probe;
  }

  @Override
  public boolean isAlive() {
    return process.isAlive();
  }

  @Override
  public Optional<String> notReady() {
    if (!process.isAlive()) {
      return Optional.of("the server exited");
    }
    return probe.get();
  }

  @Override
  public void stop(Duration grace) {
    process.stop(grace);
  }

  @Override
  public void kill() {
    process.kill();
  }

  @Override
  public long pid() {
    return process.pid();
  }
}
