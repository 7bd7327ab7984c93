package dev.ballast.cli.local;

import dev.ballast.cli.CliException;
import dev.ballast.cli.ExitCodes;
import dev.ballast.local.ClusterBusyException;
import dev.ballast.local.LocalWiring;
import dev.ballast.local.config.ClusterFile;
import dev.ballast.local.config.ClusterFileException;
import java.nio.file.Path;
import java.time.Clock;
import picocli.CommandLine.Option;

/** The {@code -f FILE} option every local-cluster command takes, and how it opens the cluster. */
public final class ClusterFileOption {
  @Option(
      names = {"-f", "--file"},
      required = true,
      paramLabel = "FILE",
      description =
          "The local cluster file (YAML, kind LocalCluster), e.g. examples/local/zookeeper.yaml.")
  Path file;

  /** The option set to {@code file}, for commands that take {@code -f} in a group of options. */
  public static ClusterFileOption of(Path file) {
    ClusterFileOption option = new ClusterFileOption();
    option.file = file;
    return option;
  }

  /** The validated cluster file; bad input becomes exit code 2 with one line per problem. */
  public ClusterFile load() {
    try {
      return ClusterFile.load(file);
    } catch (ClusterFileException e) {
      throw new CliException(
          ExitCodes.USAGE, String.join(System.lineSeparator() + "ballast: ", e.problems()), e);
    }
  }

  /** The cluster wired for looking only (no lock). */
  public LocalWiring readOnly() {
    return LocalWiring.readOnly(load(), Clock.systemDefaultZone());
  }

  /** The cluster wired to change it, holding its lock; refused (exit 3) while another holds it. */
  public LocalWiring exclusive() {
    ClusterFile cluster = load();
    try {
      return LocalWiring.exclusive(cluster, Clock.systemDefaultZone());
    } catch (ClusterBusyException e) {
      throw CliException.refused(e.getMessage());
    }
  }

  public Path path() {
    return file;
  }
}
