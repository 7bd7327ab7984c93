package dev.ballast.cli.local;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ballast.api.DecisionWriter;
import dev.ballast.autoscaler.ScaleAheadFeed;
import dev.ballast.autoscaler.SyncEvaluator;
import dev.ballast.cli.CliException;
import dev.ballast.cli.ExitCodes;
import dev.ballast.cli.recommend.DecisionText;
import dev.ballast.core.autoscale.AutoscaleDecision;
import dev.ballast.core.autoscale.AutoscaleDecision.MetricsState;
import dev.ballast.core.execute.Operation;
import dev.ballast.core.policy.ScalingPolicy;
import dev.ballast.core.port.Member;
import dev.ballast.core.predict.PredictionSettings;
import dev.ballast.core.predict.ScaleAhead;
import dev.ballast.core.predict.ScaleAheadPredictor;
import dev.ballast.local.LocalWiring;
import dev.ballast.local.autoscale.LocalAutoscaling;
import dev.ballast.local.config.ClusterFileException;
import dev.ballast.local.config.Durations;
import java.io.IOException;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalDouble;

/**
 * {@code ballast explain -f}: one evaluation of a running local cluster, exactly as a sync of
 * {@code ballast run} makes it ({@link SyncEvaluator}, wired read-only: no operation, no history,
 * the forecast file only read), printed with every number: the HPA's breakdown ({@link
 * DecisionText}), the reactive and predictive proposals side by side, the failure policy, the
 * stateful rules and the desired size.
 */
public final class ClusterExplainer {
  private ClusterExplainer() {}

  /** Evaluates the cluster of {@code file} and prints the explanation, as text or JSON. */
  public static void explain(
      ClusterFileOption file, Duration rateInterval, boolean json, PrintWriter out)
      throws InterruptedException {
    try (LocalWiring wiring = file.readOnly()) {
      SyncEvaluator evaluator;
      try {
        evaluator = LocalAutoscaling.evaluator(wiring);
      } catch (ClusterFileException e) {
        throw new CliException(
            ExitCodes.USAGE, String.join(System.lineSeparator() + "ballast: ", e.problems()), e);
      }
      requireUp(wiring, file);
      if (!rateInterval.isZero()) {
        evaluator.primeMetrics();
        Thread.sleep(rateInterval.toMillis());
      }
      Optional<Operation> inFlight = wiring.operations().load();
      SyncEvaluator.Evaluation e = evaluator.evaluate(wiring.clock().instant(), inFlight);
      if (json) {
        out.println(json(wiring, evaluator, e, inFlight));
      } else {
        out.print(text(wiring, evaluator, e, inFlight));
      }
      out.flush();
    }
  }

  private static void requireUp(LocalWiring wiring, ClusterFileOption file) {
    List<Member> members = wiring.runtime().members();
    String up = "start it with 'ballast up -f " + file.path() + "'";
    if (members.isEmpty()) {
      throw CliException.usage(
          "cluster " + wiring.cluster().name() + " is not up: it has no members; " + up);
    }
    boolean anyRunning = members.stream().anyMatch(m -> wiring.runtime().isRunning(m.ordinal()));
    if (!anyRunning) {
      throw CliException.usage(
          "cluster "
              + wiring.cluster().name()
              + " is not up: none of its "
              + members.size()
              + " member processes runs; "
              + up);
    }
  }

  static String text(
      LocalWiring wiring,
      SyncEvaluator evaluator,
      SyncEvaluator.Evaluation e,
      Optional<Operation> inFlight) {
    AutoscaleDecision d = e.decision();
    ScalingPolicy policy = evaluator.policy();
    StringBuilder b = new StringBuilder();
    b.append(DecisionText.explain(wiring.cluster().name(), e.snapshot(), d.hpa()));
    if (!e.metricErrors().isEmpty()) {
      b.append("\nMetrics that could not be read:\n");
      e.metricErrors().forEach(m -> b.append("  ").append(m).append('\n'));
    }
    b.append('\n')
        .append("Cluster: ")
        .append(e.members().size())
        .append(" members, ")
        .append(
            e.view()
                .map(v -> v.votingMembers().size() + " voting")
                .orElse("membership not readable"))
        .append(
            inFlight
                .map(
                    op ->
                        "; in flight: "
                            + op.from()
                            + " → "
                            + op.to()
                            + " at "
                            + op.stage()
                            + " (prediction plans from "
                            + op.to()
                            + ")")
                .orElse("; no operation in flight"))
        .append('\n');

    b.append("\nReactive and predictive proposals:\n");
    Optional<ScaleAheadFeed> ahead = evaluator.scaleAhead();
    Optional<ScaleAheadPredictor.Prediction> p = e.prediction();
    String predictive =
        ahead.isEmpty()
            ? "off (spec.prediction)"
            : p.map(x -> x.replicas() + (x.gate().trusted() ? "" : " (not trusted: not counted)"))
                .orElse("no forecast yet");
    b.append(row("", "reactive (HPA)", "predictive (forecast)"));
    b.append(row("proposes", String.valueOf(d.hpa().desiredReplicas()), predictive));
    if (ahead.isPresent()) {
      ScaleAheadFeed a = ahead.get();
      PredictionSettings s = a.settings();
      OptionalDouble load = a.load(e.samples());
      String metric = a.metric().type() + " " + a.metric().name();
      b.append(row("looks at", "current metrics (above)", "the load: " + metric + " summed"));
      b.append(
          row(
              "load",
              load.isPresent() ? num(load.getAsDouble()) + " now" : "no value now",
              p.map(x -> "peak " + num(x.forecastPeak() + x.band()) + " within the horizon")
                  .orElse("-")));
      b.append(row("per-member target", "per metric (above)", num(a.targetPerMember())));
      b.append('\n');
      if (p.isPresent()) {
        ScaleAheadPredictor.Prediction x = p.get();
        b.append("  Predictive, step by step:\n");
        b.append("    join time: ")
            .append(Durations.format(x.joinTime().duration()))
            .append(" = ")
            .append(x.joinTime().source(s))
            .append('\n');
        b.append("    horizon = join time + syncPeriod = ")
            .append(Durations.format(x.joinTime().duration()))
            .append(" + ")
            .append(Durations.format(evaluator.spec().syncPeriod()))
            .append(" = ")
            .append(Durations.format(x.horizon()))
            .append('\n');
        b.append("    forecaster: ")
            .append(mode(x))
            .append(", ")
            .append(a.samples())
            .append(" samples of ")
            .append(Durations.format(s.sampleInterval()))
            .append(" (season ")
            .append(Durations.format(s.season()))
            .append(", ")
            .append(s.seasonLength())
            .append(" samples; ")
            .append(a.restoredSamples())
            .append(" observations read from ")
            .append(LocalWiring.FORECAST_FILE)
            .append(")\n");
        b.append("    forecast peak within ")
            .append(Durations.format(x.horizon()))
            .append(": ")
            .append(num(x.forecastPeak()))
            .append('\n');
        b.append("    band = errorMargin × mean absolute error = ")
            .append(num(x.errorMargin()))
            .append(" × ")
            .append(num(x.meanAbsoluteError()))
            .append(" = ")
            .append(num(x.band()))
            .append('\n');
        b.append("    members at the horizon = ceil((")
            .append(num(x.forecastPeak()))
            .append(" + ")
            .append(num(x.band()))
            .append(") / ")
            .append(num(x.targetPerMember()))
            .append(") = ")
            .append(x.nextJoinReplicas())
            .append(" (or the current size when within its tolerance of ")
            .append(evaluator.spec().controller().tolerance())
            .append(")\n");
        b.append("    serial look-ahead over up to ")
            .append(x.lookAheadSteps())
            .append(" joins (the j-th member serves j join times from now): ")
            .append(x.replicas())
            .append('\n');
        b.append("    gate: ")
            .append(x.gate().describe())
            .append('\n')
            .append(
                x.gate().trusted()
                    ? "      the forecast's predicted rises have materialised: its proposal counts\n"
                    : "      its predicted rises have not materialised: the reactive proposal decides"
                        + " alone until they do\n");
      } else {
        b.append("  Predictive: no forecast yet; the forecaster needs one completed sample")
            .append(" interval (")
            .append(Durations.format(ahead.get().settings().sampleInterval()))
            .append(") of observations from 'ballast run'\n");
      }
    }
    b.append("  combined: ")
        .append(
            d.prediction()
                .map(
                    c ->
                        "max("
                            + c.reactive()
                            + ", "
                            + c.predictive()
                            + ") = "
                            + c.replicas()
                            + (c.source() == ScaleAhead.Source.PREDICTIVE
                                ? ": prediction decides (starts members before the load arrives)"
                                : ": the reactive proposal decides"))
                .orElse(
                    d.hpa().desiredReplicas()
                        + " (reactive only"
                        + (d.metricsState() != MetricsState.AVAILABLE && p.isPresent()
                            ? ": prediction is not consulted on missing metrics"
                            : p.isPresent() && !p.get().gate().trusted()
                                ? ": the gate does not trust the forecast"
                                : "")
                        + ")"))
        .append('\n');

    b.append("\nFailure policy: onMetricFailure ")
        .append(display(policy.onMetricFailure().name()))
        .append(": ")
        .append(
            switch (d.metricsState()) {
              case AVAILABLE -> "not applied, every metric was read";
              case PARTIAL ->
                  "some metrics failed: scale up on the others, never down (proposal "
                      + d.proposedReplicas()
                      + ")";
              case UNAVAILABLE -> "no metric was read: proposes " + d.proposedReplicas();
            })
        .append('\n');

    b.append("\nStateful rules: minReplicas ")
        .append(policy.minReplicas())
        .append(", maxReplicas ")
        .append(policy.maxReplicas())
        .append(", allowedReplicas ")
        .append(
            policy.allowedReplicas().isEmpty() ? "any" : "[" + policy.allowedReplicasText() + "]")
        .append(", scaleDown.policy ")
        .append(display(policy.shrink().name()))
        .append('\n');
    b.append("  proposal ").append(d.proposedReplicas()).append('\n');
    if (d.sizing().clamps().isEmpty()) {
      b.append("  no rule changed it\n");
    }
    d.sizing()
        .clamps()
        .forEach(
            c ->
                b.append("  ")
                    .append(c.before())
                    .append(" → ")
                    .append(c.after())
                    .append("  ")
                    .append(c.message())
                    .append('\n'));
    b.append("\nDesired size: ")
        .append(d.currentReplicas())
        .append(" → ")
        .append(d.desiredReplicas())
        .append(
            d.desiredReplicas() > d.currentReplicas()
                ? " (scale up)"
                : d.desiredReplicas() < d.currentReplicas() ? " (scale down)" : " (no change)")
        .append('\n');
    for (String r : d.reasons()) {
      b.append("  ").append(r).append('\n');
    }
    return b.toString();
  }

  static String json(
      LocalWiring wiring,
      SyncEvaluator evaluator,
      SyncEvaluator.Evaluation e,
      Optional<Operation> inFlight) {
    JsonNodeFactory f = JsonNodeFactory.instance;
    AutoscaleDecision d = e.decision();
    ScalingPolicy policy = evaluator.policy();
    ObjectNode root = f.objectNode();
    root.put("cluster", wiring.cluster().name());
    root.put("time", e.time().toString());
    root.put("members", e.members().size());
    inFlight.ifPresentOrElse(
        op -> {
          ObjectNode o = root.putObject("inFlight");
          o.put("from", op.from());
          o.put("to", op.to());
          o.put("stage", String.valueOf(op.stage()));
        },
        () -> root.putNull("inFlight"));
    ObjectNode hpa = new DecisionWriter().toTree(d.hpa());
    ArrayNode lines = hpa.putArray("explanation");
    DecisionText.explain(wiring.cluster().name(), e.snapshot(), d.hpa())
        .lines()
        .forEach(lines::add);
    root.set("hpa", hpa);
    ArrayNode errors = root.putArray("metricErrors");
    e.metricErrors().forEach(errors::add);
    root.put("reactive", d.hpa().desiredReplicas());
    Optional<ScaleAheadFeed> ahead = evaluator.scaleAhead();
    root.put("predictionEnabled", ahead.isPresent());
    if (ahead.isPresent() && e.prediction().isPresent()) {
      ScaleAheadFeed a = ahead.get();
      ScaleAheadPredictor.Prediction x = e.prediction().get();
      ObjectNode p = root.putObject("prediction");
      p.put("replicas", x.replicas());
      p.put("metric", a.metric().name());
      OptionalDouble load = a.load(e.samples());
      if (load.isPresent()) {
        p.put("load", load.getAsDouble());
      } else {
        p.putNull("load");
      }
      p.put("forecastPeak", x.forecastPeak());
      p.put("errorMargin", x.errorMargin());
      p.put("meanAbsoluteError", x.meanAbsoluteError());
      p.put("band", x.band());
      p.put("targetPerMember", x.targetPerMember());
      p.put("horizonSeconds", x.horizon().toMillis() / 1000.0);
      p.put("joinTimeSeconds", x.joinTime().duration().toMillis() / 1000.0);
      p.put("joinTimeLearned", x.joinTime().learned());
      p.put("joinTimeSamples", x.joinTime().samples());
      p.put("joinTimeSource", x.joinTime().source(a.settings()));
      p.put("syncPeriodSeconds", evaluator.spec().syncPeriod().toMillis() / 1000.0);
      p.put("mode", x.mode().name());
      p.put("samples", a.samples());
      p.put("nextJoinReplicas", x.nextJoinReplicas());
      p.put("lookAheadSteps", x.lookAheadSteps());
      ObjectNode gate = p.putObject("gate");
      gate.put("enabled", x.gate().settings().enabled());
      gate.put("trusted", x.gate().trusted());
      gate.put("accuracy", x.gate().accuracy());
      gate.put("resolvedClaims", x.gate().resolvedClaims());
      gate.put("pendingClaims", x.gate().pendingClaims());
      gate.put("minAccuracy", x.gate().settings().minAccuracy());
      gate.put("resumeAccuracy", x.gate().settings().resumeAccuracy());
      gate.put("memory", x.gate().settings().memory());
    } else {
      root.putNull("prediction");
    }
    d.prediction()
        .ifPresentOrElse(
            c -> {
              ObjectNode o = root.putObject("combined");
              o.put("reactive", c.reactive());
              o.put("predictive", c.predictive());
              o.put("replicas", c.replicas());
              o.put("source", c.source().name());
            },
            () -> root.putNull("combined"));
    root.put("metricsState", d.metricsState().name());
    root.put("failurePolicy", display(policy.onMetricFailure().name()));
    ObjectNode rules = root.putObject("rules");
    rules.put("minReplicas", policy.minReplicas());
    rules.put("maxReplicas", policy.maxReplicas());
    ArrayNode allowed = rules.putArray("allowedReplicas");
    policy.allowedReplicas().forEach(allowed::add);
    rules.put("scaleDownPolicy", display(policy.shrink().name()));
    ArrayNode clamps = rules.putArray("clamps");
    d.sizing()
        .clamps()
        .forEach(
            c -> {
              ObjectNode o = clamps.addObject();
              o.put("rule", c.reason().name());
              o.put("before", c.before());
              o.put("after", c.after());
              o.put("message", c.message());
            });
    root.put("currentReplicas", d.currentReplicas());
    root.put("proposedReplicas", d.proposedReplicas());
    root.put("desiredReplicas", d.desiredReplicas());
    ArrayNode reasons = root.putArray("reasons");
    d.reasons().forEach(reasons::add);
    try {
      return Output.JSON.writeValueAsString(root);
    } catch (IOException ex) {
      throw new IllegalStateException(ex);
    }
  }

  private static String mode(ScaleAheadPredictor.Prediction x) {
    return switch (x.mode()) {
      case NONE -> "no sample yet";
      case LAST_VALUE -> "last value (one sample so far)";
      case HOLT_LINEAR -> "Holt linear (level and trend; less than two seasons seen)";
      case HOLT_WINTERS -> "Holt-Winters (level, trend and season)";
    };
  }

  private static String row(String label, String reactive, String predictive) {
    return String.format(Locale.ROOT, "  %-18s %-26s %s%n", label, reactive, predictive);
  }

  private static String num(double v) {
    if (v == Math.rint(v) && Math.abs(v) < 1e15) {
      return String.valueOf((long) v);
    }
    return String.format(Locale.ROOT, "%.3f", v).replaceAll("0+$", "");
  }

  /** Enum constants as the cluster file spells them: SCALE_TO_MAX → ScaleToMax. */
  private static String display(String name) {
    StringBuilder out = new StringBuilder();
    for (String part : name.toLowerCase(Locale.ROOT).split("_")) {
      out.append(Character.toUpperCase(part.charAt(0))).append(part.substring(1));
    }
    return out.toString();
  }
}
