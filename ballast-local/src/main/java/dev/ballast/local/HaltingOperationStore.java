package dev.ballast.local;

import dev.ballast.core.execute.Operation;
import dev.ballast.core.execute.Phase;
import dev.ballast.core.plan.Stage;
import dev.ballast.core.port.OperationStore;
import java.util.Locale;
import java.util.Optional;

/**
 * TEST ONLY: an operation store that kills the JVM ({@code Runtime.halt(137)}, as a SIGKILL would)
 * right after the journal for one chosen stage boundary is saved, so that crash-safety tests can
 * stop ballast deterministically at every boundary. Enabled by the system property {@value
 * #PROPERTY}{@code =<stepIndex>:<STAGE>[:<PHASE>]} (phase {@code FORWARD} by default) or {@code
 * =end} (the save of the ended operation, before the journal is cleared). Never set it in
 * production.
 */
final class HaltingOperationStore implements OperationStore {
  /** The system property that arms the crash. */
  static final String PROPERTY = "ballast.test.haltAfter";

  /** The exit status of a process killed by SIGKILL, which the halt imitates. */
  static final int EXIT_STATUS = 137;

  private final OperationStore delegate;
  private final String spec;

  HaltingOperationStore(OperationStore delegate, String spec) {
    this.delegate = delegate;
    this.spec = spec.trim().toUpperCase(Locale.ROOT);
  }

  /** {@code store} wrapped when the property is set, else {@code store} itself. */
  static OperationStore wrapIfArmed(OperationStore store) {
    String spec = System.getProperty(PROPERTY);
    return spec == null || spec.isBlank() ? store : new HaltingOperationStore(store, spec);
  }

  @Override
  public Optional<Operation> load() {
    return delegate.load();
  }

  @Override
  public void save(Operation operation) {
    delegate.save(operation);
    if (matches(operation)) {
      System.err.println("ballast: test hook " + PROPERTY + "=" + spec + ": halting");
      System.err.flush();
      Runtime.getRuntime().halt(EXIT_STATUS);
    }
  }

  boolean matches(Operation op) {
    if (spec.equals("END")) {
      return op.finished();
    }
    String[] parts = spec.split(":");
    Phase phase = parts.length > 2 ? Phase.valueOf(parts[2]) : Phase.FORWARD;
    return !op.finished()
        && op.stepIndex() == Integer.parseInt(parts[0])
        && op.stage() == Stage.valueOf(parts[1])
        && op.phase() == phase;
  }

  @Override
  public void clear() {
    delegate.clear();
  }
}
