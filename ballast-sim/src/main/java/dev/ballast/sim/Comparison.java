package dev.ballast.sim;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * One trace replayed against several policies and the baselines, under one workload model: the
 * policies in the given order, then {@code hpa} (plain HPA defaults for the first policy's target
 * and bounds, when asked), then {@code fixed} (sized for the trace's peak at the first policy's
 * target). Gives the score table, the summary JSON and the data for the HTML report.
 */
public record Comparison(Trace trace, WorkloadModel model, List<SimulationResult> results) {
  private static final ObjectMapper JSON =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  public Comparison {
    Objects.requireNonNull(trace, "trace");
    Objects.requireNonNull(model, "model");
    results = List.copyOf(results);
  }

  /**
   * Runs the comparison. The model is {@code modelOverride} when given, else the policies' shared
   * {@code workload} section, else {@link WorkloadModel#defaults()}; policies whose sections differ
   * are refused, since their scores would not be comparable.
   */
  public static Comparison run(
      Trace trace, List<SimPolicy> policies, WorkloadModel modelOverride, boolean compareHpa) {
    if (policies.isEmpty()) {
      throw new InputException("give at least one --policy");
    }
    List<String> names = new ArrayList<>();
    for (SimPolicy p : policies) {
      if (names.contains(p.name())) {
        throw new InputException(
            "two policies are named '" + p.name() + "'; give each policy file a distinct name");
      }
      names.add(p.name());
    }
    WorkloadModel model = resolveModel(policies, modelOverride);
    Simulator.checkSize(trace, model);
    Simulator simulator = new Simulator();
    List<SimulationResult> out = new ArrayList<>();
    for (SimPolicy p : policies) {
      out.add(simulator.run(trace, p, model));
    }
    if (compareHpa) {
      out.add(simulator.run(trace, policies.get(0).plainHpa(), model));
    }
    out.add(Simulator.fixed(trace, policies.get(0), model));
    return new Comparison(trace, model, out);
  }

  private static WorkloadModel resolveModel(List<SimPolicy> policies, WorkloadModel override) {
    if (override != null) {
      return override;
    }
    WorkloadModel found = null;
    String from = null;
    for (SimPolicy p : policies) {
      if (p.workload() == null) {
        continue;
      }
      if (found != null && !found.equals(p.workload())) {
        throw new InputException(
            "policies '"
                + from
                + "' and '"
                + p.name()
                + "' have different workload sections; give one model to all with --model FILE");
      }
      found = p.workload();
      from = p.name();
    }
    return found != null ? found : WorkloadModel.defaults();
  }

  /** The result named {@code name}. */
  public SimulationResult result(String name) {
    return results.stream()
        .filter(r -> r.name().equals(name))
        .findFirst()
        .orElseThrow(() -> new IllegalArgumentException("no result named " + name));
  }

  /**
   * {@code {"trace": NAME, "policies": [{"name", "minutesOverCapacity", "minutesAboveTarget",
   * "replicaHours", "operations", "directionChanges", "peakReplicas"}]}}, numbers rounded to 2
   * decimals.
   */
  public String summaryJson() {
    ObjectNode root = JSON.createObjectNode();
    root.put("trace", trace.name());
    ArrayNode list = root.putArray("policies");
    for (SimulationResult r : results) {
      Score s = r.score();
      ObjectNode o = list.addObject();
      o.put("name", s.name());
      o.put("minutesOverCapacity", round(s.minutesOverCapacity()));
      o.put("minutesAboveTarget", round(s.minutesAboveTarget()));
      o.put("replicaHours", round(s.replicaHours()));
      o.put("operations", s.operations());
      o.put("directionChanges", s.directionChanges());
      o.put("peakReplicas", s.peakReplicas());
    }
    try {
      return JSON.writeValueAsString(root) + "\n";
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  private static BigDecimal round(double v) {
    return BigDecimal.valueOf(v).setScale(2, RoundingMode.HALF_UP).stripTrailingZeros();
  }

  /** The column headers of {@link #tableRows()}. */
  public static List<String> tableHeaders() {
    return List.of(
        "policy",
        "min over capacity",
        "min above target",
        "replica-hours",
        "operations",
        "direction changes",
        "peak replicas");
  }

  /** One row of formatted cells per result. */
  public List<List<String>> tableRows() {
    List<List<String>> rows = new ArrayList<>();
    for (SimulationResult r : results) {
      Score s = r.score();
      rows.add(
          List.of(
              s.name(),
              fmt(s.minutesOverCapacity()),
              fmt(s.minutesAboveTarget()),
              fmt(s.replicaHours()),
              Integer.toString(s.operations()),
              Integer.toString(s.directionChanges()),
              Integer.toString(s.peakReplicas())));
    }
    return rows;
  }

  private static String fmt(double v) {
    return String.format(Locale.ROOT, "%.1f", v);
  }

  /** The score table as aligned text, with a line on the trace and the model. */
  public String scoreTable() {
    List<String> headers = tableHeaders();
    List<List<String>> rows = tableRows();
    int[] width = new int[headers.size()];
    for (int c = 0; c < width.length; c++) {
      width[c] = headers.get(c).length();
      for (List<String> row : rows) {
        width[c] = Math.max(width[c], row.get(c).length());
      }
    }
    StringBuilder b = new StringBuilder();
    b.append(describe()).append('\n');
    appendRow(b, headers, width);
    for (List<String> row : rows) {
      appendRow(b, row, width);
    }
    return b.toString();
  }

  /** One line: the trace, its rows and gaps, and the model's parameters. */
  public String describe() {
    SimulationResult first = results.get(0);
    return String.format(
        Locale.ROOT,
        "trace %s: %d rows every %ds, %d gap(s); capacity/member %.4g, target %.0f%%, join %s%s,"
            + " drain %s, scrape %s, window %s, sync %s",
        trace.name(),
        trace.size(),
        trace.intervalSeconds(),
        trace.gaps(),
        first.capacityPerMember(),
        first.targetUtilization() * 100,
        DurationText.format(model.joinTime()),
        model.fillTime().isZero() ? "" : " + fill " + DurationText.format(model.fillTime()),
        DurationText.format(model.drainTime()),
        DurationText.format(model.scrapeInterval()),
        DurationText.format(model.metricWindow()),
        DurationText.format(model.syncPeriod()));
  }

  private static void appendRow(StringBuilder b, List<String> cells, int[] width) {
    for (int c = 0; c < cells.size(); c++) {
      String cell = cells.get(c);
      if (c == 0) {
        b.append(cell).append(" ".repeat(width[c] - cell.length()));
      } else {
        b.append("  ").append(" ".repeat(width[c] - cell.length())).append(cell);
      }
    }
    b.append('\n');
  }
}
