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

  @Option(
      names = "--component",
      paramLabel = "NAME",
      description =
          "For a file with spec.components (several components of one system, e.g. meta and"
              + " chunk servers): the component to address. Components change one at a time: a"
              + " command that would change one waits while another changes, and says why.")
  String component;

  /** The option set to {@code file}, for commands that take {@code -f} in a group of options. */
  public static ClusterFileOption of(Path file) {
    return of(file, null);
  }

  /** The options set to {@code file} and {@code component} (null: none named). */
  public static ClusterFileOption of(Path file, String component) {
    ClusterFileOption option = new ClusterFileOption();
    option.file = file;
    option.component = component;
    return option;
  }

  /** The validated cluster file; bad input becomes exit code 2 with one line per problem. */
  public ClusterFile load() {
    try {
      return ClusterFile.load(file, component);
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
    return exclusive(false);
  }

  /**
   * The cluster wired to stop it ({@code down}): like {@link #exclusive()}, but a component of a
   * system is not refused because another component has an interrupted operation.
   */
  public LocalWiring exclusiveToStop() {
    return exclusive(true);
  }

  private LocalWiring exclusive(boolean toStop) {
    ClusterFile cluster = load();
    java.util.function.Consumer<String> waiting =
        why -> {
          System.err.println("ballast: " + why);
          System.err.flush();
        };
    try {
      return toStop
          ? LocalWiring.exclusiveToStop(cluster, Clock.systemDefaultZone(), waiting)
          : LocalWiring.exclusive(cluster, Clock.systemDefaultZone(), waiting);
    } catch (ClusterBusyException e) {
      throw CliException.refused(e.getMessage());
    }
  }

  public Path path() {
    return file;
  }
}
