package dev.ballast.cli.local;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code ballast bench}: measurements that are not tests. */
@Command(
    name = "bench",
    mixinStandardHelpOptions = true,
    description = "Measure Ballast against a floor (see the subcommands).",
    subcommands = {BenchScaleCommand.class})
public final class BenchCommand implements Runnable {
  @Spec CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }
}
