package dev.ballast.local.runtime;

import java.util.List;
import java.util.Map;

/** The program line and extra environment a local member is started with. */
public record LaunchCommand(List<String> argv, Map<String, String> env) {
  public LaunchCommand {
    if (argv.isEmpty()) {
      throw new IllegalArgumentException("a launch command needs a program");
    }
    argv = List.copyOf(argv);
    env = Map.copyOf(env);
  }
}
