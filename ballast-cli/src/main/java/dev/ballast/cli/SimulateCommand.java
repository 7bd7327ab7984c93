package dev.ballast.cli;

import dev.ballast.sim.Comparison;
import dev.ballast.sim.InputException;
import dev.ballast.sim.PolicyReader;
import dev.ballast.sim.SimPolicy;
import dev.ballast.sim.SimulationReport;
import dev.ballast.sim.Trace;
import dev.ballast.sim.TraceReader;
import dev.ballast.sim.WorkloadModel;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code ballast simulate}: replays a workload trace against one or more policies with the
 * production decision path on a virtual clock, and prints the scores (plus the plain-HPA and
 * fixed-size baselines); optionally writes the summary JSON and an HTML report.
 */
@Command(
    name = "simulate",
    mixinStandardHelpOptions = true,
    description = {
      "Replay a workload trace against policies and compare them.",
      "Prints a score table; the fixed-size baseline (sized for the peak) is always included."
    })
public final class SimulateCommand implements Callable<Integer> {

  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Option(
      names = "--trace",
      required = true,
      paramLabel = "FILE",
      description =
          "Trace: CSV 'timestamp_seconds,value' with that header, or a Prometheus query_range"
              + " JSON export (one series).")
  Path trace;

  @Option(
      names = "--policy",
      required = true,
      paramLabel = "FILE",
      description = "Policy YAML (see examples/policies); repeat to compare several.")
  List<Path> policies = new ArrayList<>();

  @Option(
      names = "--model",
      paramLabel = "FILE",
      description =
          "Workload model YAML (capacityPerMember or membersAtPeak, joinTime, drainTime,"
              + " scrapeInterval, metricWindow, syncPeriod); overrides the policies' workload"
              + " sections.")
  Path model;

  @Option(
      names = "--compare",
      paramLabel = "BASELINE",
      description = "Add a baseline: 'hpa' (plain HPA defaults for the first policy's target).")
  List<String> compare = new ArrayList<>();

  @Option(
      names = "--report",
      paramLabel = "FILE",
      description = "Write a self-contained HTML report.")
  Path report;

  @Option(
      names = "--summary-json",
      paramLabel = "FILE",
      description = "Write the scores as JSON ('-' for stdout instead of the table).")
  String summaryJson;

  @Option(
      names = "--bench",
      hidden = true,
      description = "Print how long the simulation took (wall clock), for the README figure.")
  boolean bench;

  @Override
  public Integer call() {
    boolean compareHpa = false;
    for (String c : compare) {
      if (!c.equals("hpa")) {
        throw CliException.usage(
            "--compare: unknown baseline '" + c + "'; the only one is 'hpa' (fixed is always on)");
      }
      compareHpa = true;
    }
    Comparison result;
    long started = System.nanoTime();
    try {
      Trace t = TraceReader.read(trace);
      List<SimPolicy> ps = new ArrayList<>();
      for (Path p : policies) {
        ps.add(PolicyReader.readPolicy(p));
      }
      WorkloadModel m = model == null ? null : PolicyReader.readModel(model);
      result = Comparison.run(t, ps, m, compareHpa);
    } catch (InputException e) {
      throw CliException.usage(String.join("\n", e.problems()));
    }
    long elapsed = System.nanoTime() - started;

    var out = spec.commandLine().getOut();
    if ("-".equals(summaryJson)) {
      out.print(result.summaryJson());
    } else {
      out.print(result.scoreTable());
      if (summaryJson != null) {
        write(Path.of(summaryJson), result.summaryJson());
      }
    }
    if (report != null) {
      try {
        SimulationReport.of(result).writeTo(report);
      } catch (IOException e) {
        throw CliException.failed("cannot write the report to " + report + ": " + e.getMessage());
      }
    }
    if (bench) {
      spec.commandLine()
          .getErr()
          .printf(
              Locale.ROOT,
              "bench: %d rows, %d simulations, %.2f s (read + simulate)%n",
              result.trace().size(),
              result.results().size(),
              elapsed / 1e9);
    }
    out.flush();
    return ExitCodes.OK;
  }

  private static void write(Path file, String text) {
    try {
      Path parent = file.toAbsolutePath().getParent();
      if (parent != null) {
        Files.createDirectories(parent);
      }
      Files.writeString(file, text, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw CliException.failed("cannot write " + file + ": " + e.getMessage());
    }
  }
}
