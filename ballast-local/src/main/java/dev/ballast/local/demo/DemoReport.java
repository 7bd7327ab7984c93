package dev.ballast.local.demo;

import dev.ballast.local.load.LoadResult;
import dev.ballast.report.Chart;
import dev.ballast.report.HtmlReport;
import dev.ballast.report.Table;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;

/**
 * Writes the demo's {@code report.html}: one self-contained page with the load, the scaling metric
 * against its target, desired and actual members over time with the operations marked, the
 * decisions with their reasons, the stages of every operation, and the summary.
 */
final class DemoReport {
  private DemoReport() {}

  static void write(
      Path file,
      DemoSettings settings,
      DemoRecorder recorder,
      DemoSummary summary,
      LoadResult writes)
      throws IOException {
    List<DemoRecorder.Point> points = recorder.points();
    long[] t = new long[points.size()];
    double[] target = new double[points.size()];
    double[] achieved = new double[points.size()];
    double[] metric = new double[points.size()];
    double[] hpa = new double[points.size()];
    double[] desired = new double[points.size()];
    double[] current = new double[points.size()];
    for (int i = 0; i < points.size(); i++) {
      DemoRecorder.Point p = points.get(i);
      t[i] = p.time().getEpochSecond();
      target[i] = p.targetRate();
      achieved[i] = p.achievedRate();
      metric[i] = p.metricPerMember();
      hpa[i] = p.hpaDesired();
      desired[i] = p.desired();
      current[i] = p.current();
    }

    Chart load =
        Chart.timeSeries("load", "Load on the ensemble")
            .yLabel("operations per second")
            .unit("ops/s")
            .syncGroup("demo")
            .series("aimed", t, target)
            .series("achieved", t, achieved);
    Chart scalingMetric =
        Chart.timeSeries("metric", "Scaling metric per member against its target")
            .description(
                DemoSettings.METRIC + ", averaged over members as the HPA averages a Pods metric")
            .yLabel("requests per second per member")
            .unit("/s")
            .syncGroup("demo")
            .series("per member", t, metric)
            .targetLine(settings.targetPerMember(), "target");
    Chart replicas =
        Chart.timeSeries("replicas", "Members: desired and actual")
            .yLabel("members")
            .yMin(0)
            .syncGroup("demo")
            .stepSeries("HPA proposal", t, hpa)
            .stepSeries("desired (after allowed sizes)", t, desired)
            .stepSeries("actual", t, current);
    for (DemoRecorder.Op op : recorder.operations()) {
      long end =
          op.end == null
              ? t.length == 0 ? op.start.getEpochSecond() : t[t.length - 1]
              : op.end.getEpochSecond();
      replicas.span(op.start.getEpochSecond(), end, op.from + "→" + op.to + " " + op.outcome);
    }

    Table decisions = Table.withHeaders("time", "members", "desired", "reasons");
    for (DemoRecorder.DecisionRow d : recorder.decisions()) {
      decisions.row(
          clock(points, d.time()),
          String.valueOf(d.current()),
          String.valueOf(d.desired()),
          d.reasons());
    }
    Table operations =
        Table.withHeaders("operation", "from", "to", "trigger", "outcome", "seconds");
    for (DemoSummary.OperationSummary o : summary.operations()) {
      operations.row(
          o.id(),
          String.valueOf(o.from()),
          String.valueOf(o.to()),
          o.trigger(),
          o.outcome(),
          String.format(Locale.ROOT, "%.1f", o.durationSeconds()));
    }
    Table stages = Table.withHeaders("time", "operation", "member", "stage", "event");
    for (DemoRecorder.StageRow s : recorder.stages()) {
      stages.row(
          clock(points, s.time()),
          String.valueOf(s.operationId()),
          String.valueOf(s.ordinal()),
          s.stage(),
          s.what());
    }
    Table facts = Table.withHeaders("check", "value");
    facts
        .row("replica path", summary.replicaPath().toString())
        .row("writes acknowledged", String.valueOf(writes.acknowledged()))
        .row("writes lost", String.valueOf(writes.lost()))
        .row("seconds without quorum (sampled)", String.valueOf(summary.secondsWithoutQuorum()))
        .row("most members leaving at once", String.valueOf(summary.maxConcurrentRemovals()))
        .row("invariants held", String.valueOf(summary.invariantsHeld()));
    for (String f : summary.invariantFailures()) {
      facts.row(Table.cell("failed", "bad"), Table.cell(f, "bad"));
    }

    HtmlReport.builder()
        .title("Ballast demo: ZooKeeper autoscaled " + pathText(summary.replicaPath()))
        .paragraph(
            "A real ZooKeeper ensemble on this machine under a load that rose and fell. Ballast"
                + " decided with the Kubernetes HPA's arithmetic, rounded to the allowed sizes"
                + " 3/5/7, and changed the ensemble one member at a time through ZooKeeper's"
                + " dynamic reconfiguration, verifying every step.")
        .table(facts)
        .chart(load)
        .chart(scalingMetric)
        .chart(replicas)
        .heading("Operations")
        .table(operations)
        .heading("Decisions that changed or held the size")
        .table(decisions)
        .heading("Stages")
        .table(stages)
        .build()
        .writeTo(file);
  }

  private static String pathText(List<Integer> path) {
    return String.join(" → ", path.stream().map(String::valueOf).toList());
  }

  /** Seconds since the first point, as m:ss. */
  private static String clock(List<DemoRecorder.Point> points, Instant time) {
    Instant start = points.isEmpty() ? time : points.get(0).time();
    long s = Math.max(0, Duration.between(start, time).toSeconds());
    return String.format(Locale.ROOT, "%d:%02d", s / 60, s % 60);
  }
}
