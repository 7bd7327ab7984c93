package dev.ballast.local.config;

import java.util.List;

/**
 * A cluster file that cannot be used, with every problem found, each one line naming the file, the
 * field and the fix (e.g. {@code cluster.yaml: spec.allowedReplicas[1]: must be a positive
 * integer}).
 */
public final class ClusterFileException extends Exception {
  private static final long serialVersionUID = 1L;
  private final List<String> problems;

  public ClusterFileException(List<String> problems) {
    super(String.join(System.lineSeparator(), problems));
    this.problems = List.copyOf(problems);
  }

  public List<String> problems() {
    return problems;
  }
}
