package dev.ballast.core.policy;

import java.util.List;

/**
 * A scaling policy that breaks its rules. {@link #problems()} lists every problem at once, each as
 * one line naming the field and the fix.
 */
public class PolicyValidationException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;

  private final List<String> problems;

  public PolicyValidationException(List<String> problems) {
    super(String.join("; ", problems));
    this.problems = List.copyOf(problems);
  }

  /** One line per problem: {@code field: what is wrong; the fix}. */
  public List<String> problems() {
    return problems;
  }
}
