package dev.ballast.sim;

import dev.ballast.report.Chart;
import dev.ballast.report.HtmlReport;
import dev.ballast.report.Table;
import java.util.List;
import java.util.Locale;

/**
 * The HTML page of a {@link Comparison}: the score table, a chart of demand against each policy's
 * serving capacity, and a chart of members per policy over time (zoomable, sharing the time axis).
 * Self-contained: one file with its scripts inline.
 */
public final class SimulationReport {
  private static final String[] COLORS = {
    "#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b", "#e377c2", "#17becf"
  };

  private SimulationReport() {}

  /** Builds the page. */
  public static HtmlReport of(Comparison c) {
    SimulationResult first = c.results().get(0);
    long[] times = first.times();
    Table table = Table.withHeaders(Comparison.tableHeaders()).caption("Scores per policy");
    for (List<String> row : c.tableRows()) {
      table.row(row.toArray(String[]::new));
    }
    Chart capacity =
        Chart.timeSeries("capacity", "Demand and serving capacity")
            .description(
                "Demand from the trace and, per policy, the capacity of the members serving"
                    + " (the smallest during each trace interval). Demand above a policy's line is"
                    + " time over capacity. Drag to zoom; double-click to reset.")
            .yLabel("demand")
            .yMin(0)
            .series("demand", times, first.demand())
            .seriesColor("demand", "#000000");
    Chart replicas =
        Chart.timeSeries("replicas", "Members per policy")
            .description(
                "Members existing (joining, serving or draining), the most during each trace"
                    + " interval.")
            .yLabel("members")
            .yMin(0);
    int i = 0;
    for (SimulationResult r : c.results()) {
      String color = COLORS[i++ % COLORS.length];
      capacity.stepSeries(r.name(), times, r.servingCapacity()).seriesColor(r.name(), color);
      replicas.stepSeries(r.name(), times, r.members()).seriesColor(r.name(), color);
    }
    return HtmlReport.builder()
        .title("ballast simulate: " + c.trace().name())
        .heading("Simulation of " + c.trace().name())
        .paragraph(c.describe())
        .paragraph(
            String.format(
                Locale.ROOT,
                "Over capacity: demand above the serving members' capacity. Above target:"
                    + " utilization above the target by more than the tolerance. hpa: plain HPA"
                    + " defaults for the first policy's target; fixed: %d members, sized for the"
                    + " peak at the target.",
                (int) c.result("fixed").members()[0]))
        .table(table)
        .chart(capacity)
        .chart(replicas)
        .build();
  }
}
