package dev.ballast.local.runtime;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Test helper run in its own JVM by {@link LocalProcessRuntimeIT}: starts member 0 of a command
 * cluster ({@code sleep 300}) in the state directory given as the argument and exits at once, as a
 * {@code ballast up} does.
 */
public final class DetachedStartMain {
  private DetachedStartMain() {}

  public static void main(String[] args) {
    LocalProcessRuntime runtime =
        new LocalProcessRuntime(
            Path.of(args[0]),
            "127.0.0.1",
            List.of("client"),
            new CommandLauncher("t", List.of("sleep", "300"), Map.of()),
            Clock.systemUTC(),
            Duration.ofSeconds(2));
    runtime.start(runtime.prepare(0), Map.of());
    System.out.println(runtime.process(0).orElseThrow().pid());
  }
}
