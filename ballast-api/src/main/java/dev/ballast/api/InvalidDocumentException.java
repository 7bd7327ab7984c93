package dev.ballast.api;

/**
 * A document (snapshot, policy, cluster file) that cannot be read: names the field by its path,
 * e.g. {@code snapshot.autoscaler.spec.metrics[1].resource.target}, and says what is expected.
 */
public final class InvalidDocumentException extends RuntimeException {
  private static final long serialVersionUID = 1L;
  private final String path;
  private final String problem;

  public InvalidDocumentException(String path, String problem) {
    super(path + ": " + problem);
    this.path = path;
    this.problem = problem;
  }

  /** The field's path, e.g. {@code snapshot.scale.spec.replicas}. */
  public String path() {
    return path;
  }

  /** What is wrong and what is expected. */
  public String problem() {
    return problem;
  }
}
