package dev.ballast.cli;

import picocli.AutoComplete;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code ballast} command: the root of every subcommand. Wiring only; each subcommand
 * translates its flags into calls on the core and the adapters.
 */
@Command(
    name = "ballast",
    mixinStandardHelpOptions = true,
    versionProvider = VersionProvider.class,
    description = "Safe scaling and autoscaling for stateful workloads.",
    subcommands = {
      // Keep one subcommand per line so that parallel work does not collide.
      AutoComplete.GenerateCompletion.class,
      RecommendCommand.class,
      ExplainCommand.class,
      SimulateCommand.class,
      dev.ballast.cli.local.UpCommand.class,
      dev.ballast.cli.local.StatusCommand.class,
      dev.ballast.cli.local.ScaleCommand.class,
      dev.ballast.cli.local.HistoryCommand.class,
      dev.ballast.cli.local.RollbackCommand.class,
      dev.ballast.cli.local.ResumeCommand.class,
      dev.ballast.cli.local.DownCommand.class,
      dev.ballast.cli.local.BenchCommand.class,
      dev.ballast.cli.local.DemoCommand.class,
      dev.ballast.cli.local.RunCommand.class,
      ImportHpaCommand.class,
    })
public final class BallastCommand implements Runnable {

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  /** Builds the command line with Ballast's exit codes and one-line error handling. */
  public static CommandLine commandLine() {
    CommandLine cl = new CommandLine(new BallastCommand());
    cl.setExitCodeExceptionMapper(ExitCodes::forException);
    cl.setParameterExceptionHandler(ExitCodes::handleParameterException);
    cl.setExecutionExceptionHandler(ExitCodes::handleExecutionException);
    return cl;
  }

  public static void main(String[] args) {
    System.exit(commandLine().execute(args));
  }
}
