package dev.ballast.cli.local;

import dev.ballast.cli.CliException;
import dev.ballast.cli.ExitCodes;
import dev.ballast.core.execute.Progress;
import dev.ballast.local.ClusterBusyException;
import dev.ballast.local.config.ClusterFileException;
import dev.ballast.local.demo.Demo;
import dev.ballast.local.demo.DemoSettings;
import dev.ballast.local.demo.DemoSummary;
import dev.ballast.local.demo.EtcdDemo;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code ballast demo}: the embedded showcase, a real ZooKeeper ensemble autoscaled under load, or
 * (with {@code --system etcd}) a real etcd cluster scaled 3 → 5 → 3 under continuous writes.
 */
@Command(
    name = "demo",
    mixinStandardHelpOptions = true,
    description = {
      "Run a real 3-member ZooKeeper ensemble on this machine, put a rising and falling load on"
          + " it, and let Ballast autoscale it 3 → 5 → 3 safely (allowed sizes 3/5/7, one member"
          + " at a time through ZooKeeper's dynamic reconfiguration), printing a timeline line per"
          + " decision and a line per stage.",
      "At the end every acknowledged write is read back, every process the demo started is"
          + " stopped, and the state directory holds report.html (charts, decisions, stages),"
          + " summary.json, the cluster file, the journal and the history.",
      "With --system etcd: a real 3-member etcd cluster (the etcd that"
          + " scripts/install-test-tools builds), keys put continuously, and a scripted"
          + " 'ballast scale' to 5 then back to 3 (learner add, catch-up, promote; member"
          + " remove, stop), each change checked live through etcd (member list, every"
          + " endpoint's health); every acknowledged put is read back at the end. The load and"
          + " autoscaling options apply to zookeeper only.",
      "Exit codes: 0 the invariants held (scaled up, scaled back down, no write lost, quorum"
          + " kept, never two removals at once), 1 an invariant failed or the demo could not"
          + " run, 2 bad input."
    })
public final class DemoCommand implements Callable<Integer> {

  @Option(
      names = "--state-dir",
      defaultValue = "ballast-demo",
      paramLabel = "DIR",
      description =
          "Where the demo keeps everything it writes (default: ${DEFAULT-VALUE}); a previous"
              + " demo's directory is cleared first.")
  Path stateDir;

  @Option(
      names = "--duration",
      defaultValue = "140s",
      paramLabel = "DURATION",
      converter = DurationConverter.Positive.class,
      description =
          "How long the load runs (default: ${DEFAULT-VALUE}); about 40 s of start-up and"
              + " verification come on top. Shorter than 90s leaves too little time to shrink.")
  Duration duration;

  @Option(
      names = "--peak-rate",
      defaultValue = "400",
      paramLabel = "OPS",
      description = "Operations per second at the load's plateau (default: ${DEFAULT-VALUE}).")
  double peakRate;

  @Option(
      names = "--target",
      defaultValue = "100",
      paramLabel = "OPS",
      description =
          "Target requests per second per member, the Pods metric's averageValue (default:"
              + " ${DEFAULT-VALUE}).")
  double target;

  @Option(
      names = "--sync-period",
      defaultValue = "2s",
      paramLabel = "DURATION",
      converter = DurationConverter.Positive.class,
      description = "How often the autoscaler decides (default: ${DEFAULT-VALUE}).")
  Duration syncPeriod;

  @Option(
      names = "--summary-json",
      paramLabel = "FILE",
      description =
          "Also write the summary JSON here (it is always written to <state-dir>/summary.json).")
  Path summaryJson;

  @Option(
      names = "--system",
      defaultValue = "zookeeper",
      paramLabel = "SYSTEM",
      description =
          "zookeeper (autoscaled under load) or etcd (scripted scale; default:"
              + " ${DEFAULT-VALUE}).")
  String system;

  @Mixin ProgressOption progress;

  /** The options that shape the ZooKeeper demo's load and autoscaling. */
  private static final java.util.List<String> ZOOKEEPER_ONLY =
      java.util.List.of("--duration", "--peak-rate", "--target", "--sync-period", "--summary-json");

  @Spec CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    if (!system.equals("zookeeper") && !system.equals("etcd")) {
      throw CliException.usage("--system must be zookeeper or etcd, was " + system);
    }
    if (system.equals("etcd")) {
      for (String option : ZOOKEEPER_ONLY) {
        if (spec.commandLine().getParseResult().hasMatchedOption(option)) {
          throw CliException.usage(
              option + " applies to --system zookeeper only (the etcd demo is a scripted scale)");
        }
      }
      quietLogs();
      // jetcd's gRPC logs through java.util.logging ("Epoll available..."): not the demo's story.
      java.util.logging.Logger.getLogger("io.grpc").setLevel(java.util.logging.Level.WARNING);
      return etcd(out);
    }
    quietLogs();
    DemoSettings settings;
    try {
      settings =
          new DemoSettings(
              stateDir,
              duration,
              DemoSettings.DEFAULT_IDLE_RATE,
              peakRate,
              target,
              syncPeriod,
              DemoSettings.DEFAULT_STABILIZATION,
              DemoSettings.DEFAULT_SETTLE_TIMEOUT);
    } catch (IllegalArgumentException e) {
      throw CliException.usage(e.getMessage());
    }
    Clock clock = Clock.systemDefaultZone();
    ProgressPrinter printer = progress.open(out, clock);
    Demo demo =
        new Demo(
            settings,
            clock,
            new Demo.Output() {
              @Override
              public void line(String text) {
                printer.line(text);
              }

              @Override
              public void progress(Progress p) {
                printer.onTick(p);
              }
            },
            printer);

    // Ctrl-C: stop the loop after its current stage and let run() bring everything down.
    Demo.Result result = runDemo(demo::abort, printer, demo::run);
    if (summaryJson != null) {
      Files.copy(
          result.summaryJson(), summaryJson, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    }
    DemoSummary s = result.summary();
    out.println();
    out.println(
        "replica path: " + s.replicaPath() + "  (operations: " + s.operations().size() + ")");
    out.println(
        "writes acknowledged "
            + s.writesAcknowledged()
            + ", lost "
            + s.writesLost()
            + "; seconds without quorum "
            + s.secondsWithoutQuorum()
            + "; most members leaving at once "
            + s.maxConcurrentRemovals());
    out.println("report:  " + relative(result.report()));
    out.println("summary: " + relative(result.summaryJson()));
    if (s.invariantsHeld()) {
      out.println("invariants held: scaled up, scaled back down, nothing lost, quorum kept");
      out.flush();
      return ExitCodes.OK;
    }
    s.invariantFailures().forEach(f -> out.println("INVARIANT FAILED: " + f));
    out.flush();
    return ExitCodes.FAILED;
  }

  private int etcd(PrintWriter out) throws Exception {
    Clock clock = Clock.systemDefaultZone();
    ProgressPrinter printer = progress.open(out, clock);
    EtcdDemo demo = new EtcdDemo(stateDir, clock, printer::line, printer);
    // Ctrl-C: no further change starts; run() brings everything down.
    EtcdDemo.Result result = runDemo(demo::abort, printer, demo::run);
    out.println();
    out.println("replica path: " + result.replicaPath());
    out.println(
        "writes acknowledged " + result.writesAcknowledged() + ", lost " + result.writesLost());
    if (result.invariantsHeld()) {
      out.println(
          "invariants held: scaled up, scaled back down, nothing lost, every endpoint healthy");
      out.flush();
      return ExitCodes.OK;
    }
    result.failures().forEach(f -> out.println("INVARIANT FAILED: " + f));
    if (result.writesLost() > 0) {
      out.println("INVARIANT FAILED: " + result.writesLost() + " acknowledged write(s) lost");
    }
    out.flush();
    return ExitCodes.FAILED;
  }

  /** A demo's run. */
  private interface DemoRun<T> {
    T run() throws IOException, InterruptedException, ClusterFileException, ClusterBusyException;
  }

  /**
   * Runs a demo with a Ctrl-C hook that calls {@code abort} and waits (at most 60 s) for the demo
   * to bring everything down; its failures become the CLI's exit codes.
   */
  private static <T> T runDemo(Runnable abort, ProgressPrinter printer, DemoRun<T> demo)
      throws Exception {
    CountDownLatch finished = new CountDownLatch(1);
    Thread hook =
        new Thread(
            () -> {
              abort.run();
              try {
                finished.await(60, TimeUnit.SECONDS);
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
            },
            "ballast-demo-shutdown");
    Runtime.getRuntime().addShutdownHook(hook);
    try {
      return demo.run();
    } catch (IllegalArgumentException | ClusterFileException e) {
      throw CliException.usage(e.getMessage());
    } catch (ClusterBusyException e) {
      throw CliException.refused(e.getMessage());
    } catch (IOException e) {
      throw CliException.failed("the demo could not run: " + e.getMessage());
    } finally {
      printer.close();
      finished.countDown();
      try {
        Runtime.getRuntime().removeShutdownHook(hook);
      } catch (IllegalStateException e) {
        // Already shutting down: the hook is running and sees `finished`.
      }
    }
  }

  /**
   * The demo tells its story on stdout; the warnings the engine logs for the same events (a new
   * member not answering yet, a stage retried) would only repeat it. Errors still show, and {@code
   * -Dballast.log=INFO} shows everything.
   */
  private static void quietLogs() {
    if (System.getProperty("ballast.log") == null
        && org.slf4j.LoggerFactory.getILoggerFactory()
            instanceof ch.qos.logback.classic.LoggerContext ctx) {
      ctx.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME).setLevel(ch.qos.logback.classic.Level.ERROR);
    }
  }

  private static Path relative(Path p) {
    Path cwd = Path.of("").toAbsolutePath();
    Path abs = p.toAbsolutePath();
    return abs.startsWith(cwd) ? cwd.relativize(abs) : abs;
  }
}
