package dev.ballast.sim;

import java.util.List;

/**
 * Bad simulator input (a trace, a policy or a model file): every problem, each naming the file and
 * the line or field and what to fix. The CLI prints them and exits with code 2.
 */
public final class InputException extends RuntimeException {
  private static final long serialVersionUID = 1L;
  private final List<String> problems;

  public InputException(List<String> problems) {
    super(String.join("; ", problems));
    this.problems = List.copyOf(problems);
  }

  public InputException(String problem) {
    this(List.of(problem));
  }

  public List<String> problems() {
    return problems;
  }
}
