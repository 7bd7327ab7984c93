package dev.ballast.crd;

import java.util.List;

/** A StatefulAutoscaler spec that cannot be mapped: every problem, each naming its field. */
public final class InvalidSpecException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final List<String> problems;

  public InvalidSpecException(List<String> problems) {
    super(String.join("; ", problems));
    this.problems = List.copyOf(problems);
  }

  /** Each problem, e.g. {@code spec.maxReplicas: required; set the largest size, e.g. 7}. */
  public List<String> problems() {
    return problems;
  }
}
