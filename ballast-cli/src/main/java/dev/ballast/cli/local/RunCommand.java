package dev.ballast.cli.local;

import dev.ballast.autoscaler.AutoscaleLoop;
import dev.ballast.cli.CliException;
import dev.ballast.cli.ExitCodes;
import dev.ballast.core.autoscale.AutoscaleDecision;
import dev.ballast.core.execute.Progress;
import dev.ballast.local.LocalWiring;
import dev.ballast.local.autoscale.LocalAutoscaling;
import dev.ballast.local.config.ClusterFileException;
import java.io.PrintWriter;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code ballast run}: the autoscaling loop of a local cluster, in the foreground. */
@Command(
    name = "run",
    mixinStandardHelpOptions = true,
    description = {
      "Autoscale a running local cluster: every syncPeriod read the members' metrics (the"
          + " cluster file's 'metrics', autoscaling/v2 syntax), decide with the HPA's arithmetic"
          + " and 'behavior', apply the policy (min/max, allowedReplicas, scaleDown.policy) and"
          + " change the size safely, one member at a time. Prints a line per decision and per"
          + " stage.",
      "With 'prediction' enabled in the cluster file, a forecast of the first metric's total"
          + " starts members before a repeating peak (the line shows 'predicted N'; the reasons"
          + " say when prediction decided), as long as its predicted rises have come (the"
          + " forecast gate); its observations are kept in the state directory"
          + " (forecast.jsonl) so that a restarted run keeps its season. 'ballast explain -f'"
          + " shows one decision in full.",
      "An interrupted operation is resumed first. Missing metrics hold the size (never a"
          + " shrink) and are recorded in the history. SIGINT/SIGTERM stop the loop after the"
          + " current stage; the journal stays consistent and 'ballast resume' or another 'run'"
          + " continues.",
      "Exit codes: 0 stopped by SIGINT or SIGTERM (after the current stage), 1 the loop failed,"
          + " 2 bad cluster file, 3 another ballast process drives the cluster. A second signal"
          + " exits at once with 130 (SIGINT) or 143 (SIGTERM); the journal is consistent either"
          + " way."
    })
public final class RunCommand implements Callable<Integer> {
  private static final DateTimeFormatter HMS =
      DateTimeFormatter.ofPattern("HH:mm:ss").withZone(ZoneId.systemDefault());

  @Mixin ClusterFileOption cluster;

  @Mixin ProgressOption progress;

  @Spec CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    try (LocalWiring wiring = cluster.exclusive();
        ProgressPrinter printer = progress.open(out, wiring.clock())) {
      AutoscaleLoop loop;
      try {
        loop =
            LocalAutoscaling.loop(
                wiring,
                printer,
                new AutoscaleLoop.Listener() {
                  @Override
                  public void onSync(AutoscaleLoop.SyncResult r) {
                    printer.line(line(r, wiring.clock().instant()));
                  }

                  @Override
                  public void onTick(Progress p) {
                    printer.onTick(p);
                  }
                });
      } catch (ClusterFileException e) {
        throw new CliException(
            ExitCodes.USAGE, String.join(System.lineSeparator() + "ballast: ", e.problems()), e);
      }
      printer.line(
          "autoscaling "
              + wiring.cluster().name()
              + " every "
              + wiring.cluster().syncPeriod().toMillis() / 1000.0
              + " s (Ctrl-C to stop)");
      // SIGINT and SIGTERM ask the loop to stop after its current stage; run() then returns and
      // the command exits 0, as a graceful stop should. A second signal exits at once (the
      // journal is saved before every action, so that is as safe as a kill).
      CountDownLatch stopped = new CountDownLatch(1);
      GracefulStop graceful = GracefulStop.install(loop::stop);
      Thread hook =
          new Thread(
              () -> {
                loop.stop();
                try {
                  stopped.await(2, TimeUnit.MINUTES);
                } catch (InterruptedException e) {
                  Thread.currentThread().interrupt();
                }
              },
              "ballast-run-shutdown");
      // Any other way the JVM is asked to exit (SIGHUP, System.exit elsewhere) still stops the
      // loop before it goes.
      Runtime.getRuntime().addShutdownHook(hook);
      try {
        loop.run();
      } finally {
        printer.close();
        out.println("autoscaling stopped; the journal is consistent");
        out.flush();
        stopped.countDown();
        graceful.restore();
      }
    }
    return ExitCodes.OK;
  }

  /**
   * The sync's line, stamped {@code now} (when printed, after the sync's reads): an operation the
   * sync started has printed its first line by then, and the times never go backwards.
   */
  static String line(AutoscaleLoop.SyncResult r, Instant now) {
    AutoscaleDecision d = r.decision();
    StringBuilder metrics = new StringBuilder();
    r.samples()
        .forEach(
            (name, sample) -> {
              double sum = sample.byOrdinal().values().stream().mapToDouble(v -> v).sum();
              double avg = r.members().isEmpty() ? Double.NaN : sum / r.members().size();
              metrics.append(String.format(Locale.ROOT, "%s %.1f/member  ", name, avg));
            });
    r.metricErrors().forEach(e -> metrics.append("unavailable: ").append(e).append("  "));
    return String.format(
        Locale.ROOT,
        "[%s] %shpa %d%s  desired %d  members %d%s%s",
        HMS.format(now),
        metrics,
        d.hpa().desiredReplicas(),
        r.prediction()
            .map(
                p ->
                    "  predicted "
                        + p.replicas()
                        + (p.gate().trusted() ? "" : " (forecast not trusted)"))
            .orElse(""),
        d.desiredReplicas(),
        d.currentReplicas(),
        r.inFlight().map(o -> "  | " + o.from() + "→" + o.to() + " " + o.stage()).orElse(""),
        d.rescale() ? "  (" + String.join("; ", d.reasons()) + ")" : "");
  }
}
