package dev.ballast.cli.kube;

import dev.ballast.cli.CliException;
import dev.ballast.cli.ExitCodes;
import dev.ballast.cli.local.HistoryCommand;
import dev.ballast.cli.local.Output;
import dev.ballast.cli.local.ProgressPrinter;
import dev.ballast.cli.local.StatusCommand;
import dev.ballast.core.execute.Operation;
import dev.ballast.core.execute.Progress;
import dev.ballast.core.execute.ScalingEvent;
import dev.ballast.core.history.HistoryRecord;
import dev.ballast.core.history.Outcome;
import dev.ballast.core.history.RecordKind;
import dev.ballast.core.plan.Planner;
import dev.ballast.crd.AutoscalerSettings;
import dev.ballast.crd.InvalidSpecException;
import dev.ballast.crd.v1alpha1.StatefulAutoscaler;
import dev.ballast.crd.v1alpha1.StatefulAutoscalerSpec;
import dev.ballast.crd.v1alpha1.StatefulAutoscalerStatus;
import dev.ballast.crd.v1alpha1.VerticalAdviceStatus;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.function.Function;

/**
 * The commands against a cluster: {@code status}, {@code history}, {@code scale}, {@code rollback}
 * and {@code explain} on a StatefulAutoscaler. They only read its status and write {@code
 * spec.replicas} through its {@code /scale} subresource; the operator makes every change, one
 * member at a time, and {@code --wait} follows it in the status with the same lines as a local
 * {@code ballast scale}.
 */
public final class KubeCommands {
  /** How often {@code --wait} and {@code --watch} read the StatefulAutoscaler. */
  static final Duration POLL = Duration.ofMillis(300);

  private KubeCommands() {}

  /** The bounded history in the status, oldest first. */
  public static List<HistoryRecord> history(AutoscalerRef ref) {
    try (KubeSession session = KubeSession.open(ref)) {
      return AutoscalerState.of(session.get()).history();
    }
  }

  /** Reads a StatefulAutoscaler for {@code ballast status}, once or at each --watch interval. */
  public static final class StatusReader implements AutoCloseable {
    private final KubeSession session;

    private StatusReader(KubeSession session) {
      this.session = session;
    }

    /** The status as the server has it now. */
    public StatusCommand.Snapshot read() {
      AutoscalerState state = AutoscalerState.of(session.get());
      return new StatusCommand.Snapshot(statusJson(session, state), statusLines(session, state));
    }

    @Override
    public void close() {
      session.close();
    }
  }

  public static StatusReader statusReader(AutoscalerRef ref) {
    return new StatusReader(KubeSession.open(ref));
  }

  /**
   * Asks for {@code replicas} through {@code /scale}, after the checks the local command makes
   * (policy, an operation in flight, a pause), or, when {@code replicas} is empty, for the size
   * before the last completed operation (rollback; the status's history says which); with {@code
   * wait}, follows the operation to its end.
   */
  public static int scale(
      AutoscalerRef ref,
      OptionalInt replicas,
      boolean wait,
      Duration timeout,
      Function<PrintWriter, ProgressPrinter> progress,
      PrintWriter out) {
    try (KubeSession session = KubeSession.open(ref)) {
      AutoscalerState state = AutoscalerState.of(session.get());
      if (replicas.isPresent()) {
        return request(session, state, replicas.getAsInt(), "scale", wait, timeout, progress, out);
      }
      OptionalInt target = state.rollbackTarget();
      if (target.isEmpty()) {
        throw CliException.refused(
            session.display()
                + ": nothing to roll back: no completed operation in its status history (it"
                + " keeps the last "
                + StatefulAutoscalerStatus.HISTORY_LIMIT
                + " records); use 'ballast scale' with the size wanted");
      }
      out.println(
          session.display()
              + ": rolling back to "
              + target.getAsInt()
              + " members, the size before the last completed operation");
      return request(session, state, target.getAsInt(), "rollback", wait, timeout, progress, out);
    }
  }

  private static int request(
      KubeSession session,
      AutoscalerState state,
      int replicas,
      String command,
      boolean wait,
      Duration timeout,
      Function<PrintWriter, ProgressPrinter> progress,
      PrintWriter out) {
    refusal(session, state, replicas)
        .ifPresent(
            why -> {
              throw CliException.refused(why);
            });
    StatefulAutoscalerSpec spec = state.resource().getSpec();
    if (Integer.valueOf(replicas).equals(spec.replicas) && state.replicas() == replicas) {
      out.println(session.display() + " is already at " + replicas + " members");
      return ExitCodes.OK;
    }
    List<HistoryRecord> before = state.history();
    session.scaleTo(replicas);
    out.println(
        session.display()
            + ": spec.replicas "
            + (spec.replicas == null ? "unset" : spec.replicas)
            + " -> "
            + replicas
            + " written through /scale");
    if (!wait) {
      out.println(
          "the operator changes the size one member at a time; follow it with 'ballast status -n "
              + session.namespace()
              + " "
              + session.name()
              + " --watch' (or run "
              + command
              + " with --wait)");
      return ExitCodes.OK;
    }
    out.flush();
    return follow(session, replicas, before, timeout, progress.apply(out), out);
  }

  /** Why the operator would not make this change, if it would not (the local command's checks). */
  private static Optional<String> refusal(
      KubeSession session, AutoscalerState state, int replicas) {
    StatefulAutoscaler sas = state.resource();
    if (sas.paused()) {
      return Optional.of(
          session.display()
              + " is paused (annotation "
              + StatefulAutoscaler.PAUSE_ANNOTATION
              + "=true); remove the annotation first");
    }
    if (state.autoscaling()) {
      return Optional.of(
          session.display()
              + " autoscales on spec.metrics, so they set its size, not spec.replicas; change"
              + " minReplicas/maxReplicas, or remove spec.metrics for a fixed size");
    }
    if (state.operation().isPresent()) {
      Operation op = state.operation().get();
      return Optional.of(
          "another operation is in progress ("
              + op.from()
              + " -> "
              + op.to()
              + ", "
              + op.position()
              + "); wait for it to end (ballast status -n "
              + session.namespace()
              + " "
              + session.name()
              + " --watch) and ask again");
    }
    StatefulAutoscalerSpec asked = Serialization.clone(sas).getSpec();
    asked.replicas = replicas;
    AutoscalerSettings settings;
    try {
      // The cpu request only divides a cpu utilization, which a size check does not compute.
      settings = AutoscalerSettings.from(asked, 1000);
    } catch (InvalidSpecException e) {
      return Optional.of(String.join("; ", e.problems()));
    }
    int current = state.replicas();
    if (current < 0) {
      return Optional.of(
          session.display()
              + " has no status.replicas yet: the operator has not reconciled it (is it"
              + " running?)");
    }
    return new Planner(settings.policy()).check(current, replicas).map(r -> r.message());
  }

  /**
   * Follows the StatefulAutoscaler's status until the operation asked for ends: prints each new
   * history record as the local command's line, and the in-flight stage on the status line.
   */
  private static int follow(
      KubeSession session,
      int replicas,
      List<HistoryRecord> before,
      Duration timeout,
      ProgressPrinter printer,
      PrintWriter out) {
    Instant deadline = Instant.now().plus(timeout);
    String operationId = null;
    boolean growing = true;
    List<HistoryRecord> seen = before;
    AutoscalerState state = null;
    HistoryRecord end = null;
    String problem = null;
    try (printer) {
      while (end == null && problem == null) {
        Optional<StatefulAutoscaler> read = session.getWhileWaiting();
        if (read.isEmpty()) {
          // The API server did not answer this time: the operator goes on; read again.
          sleep();
          continue;
        }
        state = AutoscalerState.of(read.get());
        List<HistoryRecord> fresh = HistoryEvents.added(seen, state.history());
        seen = state.history();
        for (HistoryRecord r : fresh) {
          if (operationId == null) {
            if (r.kind() == RecordKind.DECISION && r.operationId() != null && r.to() == replicas) {
              operationId = r.operationId();
              growing = r.to() > r.from();
            } else if (r.kind() == RecordKind.REFUSAL && r.to() == replicas) {
              problem = "the operator refused " + replicas + " members: " + r.message();
              break;
            } else {
              continue;
            }
          }
          if (!operationId.equals(r.operationId())) {
            continue;
          }
          for (ScalingEvent e : HistoryEvents.events(r, growing)) {
            printer.onEvent(e);
          }
          if (r.kind() == RecordKind.OPERATION) {
            end = r;
            break;
          }
        }
        if (end != null || problem != null) {
          break;
        }
        String id = operationId;
        Optional<Operation> op = state.operation().filter(o -> o.id().equals(id));
        op.ifPresent(o -> printer.onTick(new Progress(Optional.of(o), false, Duration.ZERO)));
        if (operationId == null) {
          problem = holdReason(session, state, replicas).orElse(null);
          if (problem != null) {
            break;
          }
        }
        if (Instant.now().isAfter(deadline)) {
          throw CliException.failed(
              "--timeout "
                  + timeout.toSeconds()
                  + "s passed: "
                  + (operationId == null
                      ? "the operator has not started the change"
                          + (state.observedCurrentSpec()
                              ? ""
                              : " (status.observedGeneration is behind the spec: is the operator"
                                  + " running?)")
                      : "the operation is still at "
                          + op.map(Operation::position).orElse("?")
                          + op.map(o -> o.lastError() == null ? "" : " (" + o.lastError() + ")")
                              .orElse(""))
                  + "; the operator goes on, follow it with 'ballast status -n "
                  + session.namespace()
                  + " "
                  + session.name()
                  + " --watch'");
        }
        sleep();
      }
    }
    if (problem != null) {
      throw CliException.refused(problem);
    }
    state = settled(session, state, operationId);
    statusLines(session, state).forEach(out::println);
    if (end.outcome() == Outcome.SUCCEEDED) {
      out.println(end.message());
      return ExitCodes.OK;
    }
    if (end.outcome() == Outcome.BLOCKED || end.outcome() == Outcome.REFUSED) {
      throw CliException.refused(end.message());
    }
    throw CliException.failed(end.message());
  }

  /**
   * The status once the operator has cleared the ended operation's journal (it records the end
   * first), so that the last lines show the cluster as it is left; {@code state} after a few
   * seconds without that.
   */
  private static AutoscalerState settled(
      KubeSession session, AutoscalerState state, String operationId) {
    Instant until = Instant.now().plusSeconds(5);
    AutoscalerState now = state;
    while (now.operation().filter(o -> o.id().equals(operationId)).isPresent()
        && Instant.now().isBefore(until)) {
      sleep();
      now = session.getWhileWaiting().map(AutoscalerState::of).orElse(now);
    }
    return now;
  }

  /**
   * Why the operator holds instead of starting the change asked for, once it has seen it: paused,
   * degraded (an invalid spec, a missing target), or short of capacity for one more member.
   */
  private static Optional<String> holdReason(
      KubeSession session, AutoscalerState state, int replicas) {
    if (!state.observedCurrentSpec()) {
      return Optional.empty();
    }
    if ("Paused".equals(state.status().phase)) {
      return Optional.of(session.display() + " is paused by its annotation");
    }
    Optional<Condition> degraded =
        state.condition("Degraded").filter(c -> "True".equals(c.getStatus()));
    if (degraded.isPresent()) {
      return Optional.of(
          "Degraded (" + degraded.get().getReason() + "): " + degraded.get().getMessage());
    }
    Optional<Condition> unable =
        state
            .condition("AbleToScale")
            .filter(c -> "False".equals(c.getStatus()))
            .filter(c -> "InsufficientCapacity".equals(c.getReason()));
    if (unable.isPresent() && state.replicas() < replicas) {
      return Optional.of("held, not enough capacity: " + unable.get().getMessage());
    }
    return Optional.empty();
  }

  private static void sleep() {
    try {
      Thread.sleep(POLL.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw CliException.failed("interrupted; the operator goes on with the operation");
    }
  }

  /** What the last decision was and why, from the status; the breakdown is not kept there. */
  public static void explain(AutoscalerRef ref, boolean json, PrintWriter out) throws Exception {
    try (KubeSession session = KubeSession.open(ref)) {
      AutoscalerState state = AutoscalerState.of(session.get());
      StatefulAutoscalerStatus s = state.status();
      if (json) {
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("autoscaler", session.namespace() + "/" + session.name());
        doc.put("reference", s.reference);
        doc.put("mode", state.autoscaling() ? "metrics" : "fixed");
        doc.put("specReplicas", state.resource().getSpec().replicas);
        doc.put("replicas", s.replicas);
        doc.put("desiredReplicas", s.desiredReplicas);
        doc.put("targets", s.targets);
        doc.put("currentMetrics", s.currentMetrics);
        doc.put("lastDecision", state.lastDecision().orElse(null));
        doc.put("lastOperation", state.lastOperation().orElse(null));
        doc.put("conditions", s.conditions);
        out.println(Output.JSON.writeValueAsString(doc));
        return;
      }
      out.println(session.display() + " -> " + orUnknown(s.reference));
      out.println(sizeRule(state));
      out.println(
          "current "
              + orUnknown(s.replicas)
              + " members, desired "
              + orUnknown(s.desiredReplicas)
              + (state.observedCurrentSpec() ? "" : " (the operator has not seen the last edit)"));
      Optional<HistoryRecord> decision = state.lastDecision();
      if (decision.isEmpty()) {
        out.println("last decision: none in the status history yet");
      } else {
        out.println("last decision: " + HistoryCommand.line(decision.get()));
        decision.get().reasons().forEach(r -> out.println("  reason: " + r));
      }
      state
          .lastOperation()
          .ifPresent(
              op ->
                  out.println(
                      "last operation: "
                          + HistoryCommand.line(op)
                          + " (took "
                          + seconds(op.duration())
                          + ")"));
      state
          .operation()
          .ifPresent(
              op ->
                  out.println("in flight: " + op.from() + " -> " + op.to() + ", " + op.position()));
      out.println("conditions:");
      conditionLines(state).forEach(out::println);
      out.println(
          "The status keeps each decision's outcome and reasons, not the per-metric arithmetic,"
              + " which the operator computes at every sync ('ballast explain -f FILE' prints it"
              + " for a local cluster; 'ballast explain --snapshot' for a snapshot).");
    }
  }

  private static String sizeRule(AutoscalerState state) {
    StatefulAutoscalerSpec spec = state.resource().getSpec();
    StatefulAutoscalerStatus s = state.status();
    String bounds =
        "min "
            + (spec.minReplicas == null ? 1 : spec.minReplicas)
            + ", max "
            + spec.maxReplicas
            + (spec.allowedReplicas == null || spec.allowedReplicas.isEmpty()
                ? ""
                : ", allowed " + spec.allowedReplicas)
            + (spec.scaleDown != null && spec.scaleDown.policy != null
                ? ", scale-down " + spec.scaleDown.policy
                : "");
    if (state.autoscaling()) {
      return "size: autoscaling on "
          + spec.metrics.size()
          + " metric(s), current/target "
          + orUnknown(s.targets)
          + "; "
          + bounds;
    }
    return "size: fixed, spec.replicas "
        + spec.replicas
        + " (no metrics: /scale sets it: ballast scale, kubectl scale, an HPA); "
        + bounds;
  }

  private static List<String> conditionLines(AutoscalerState state) {
    List<String> lines = new ArrayList<>();
    List<Condition> conditions = state.status().conditions;
    if (conditions == null || conditions.isEmpty()) {
      lines.add("  none yet");
      return lines;
    }
    for (Condition c : conditions) {
      lines.add(
          String.format(
              java.util.Locale.ROOT,
              "  %-15s %-5s %s%s",
              c.getType(),
              c.getStatus(),
              c.getReason(),
              c.getMessage() == null || c.getMessage().isEmpty() ? "" : ": " + c.getMessage()));
    }
    return lines;
  }

  static List<String> statusLines(KubeSession session, AutoscalerState state) {
    StatefulAutoscalerStatus s = state.status();
    List<String> lines = new ArrayList<>();
    lines.add(
        session.display()
            + " -> "
            + orUnknown(s.reference)
            + ", phase "
            + orUnknown(s.phase)
            + (state.resource().paused() ? " (paused by annotation)" : ""));
    lines.add(
        "replicas "
            + orUnknown(s.replicas)
            + ", desired "
            + orUnknown(s.desiredReplicas)
            + (s.lastScaleTime == null ? "" : ", last scaled " + s.lastScaleTime));
    lines.add(sizeRule(state));
    lines.add(
        "operation: "
            + state
                .operation()
                .map(
                    op ->
                        op.id()
                            + " "
                            + op.from()
                            + " -> "
                            + op.to()
                            + ", "
                            + op.position()
                            + (op.lastError() == null ? "" : " (" + op.lastError() + ")"))
                .orElse("none"));
    lines.add("conditions:");
    lines.addAll(conditionLines(state));
    if (!state.observedCurrentSpec()) {
      lines.add(
          "note: the status is for generation "
              + orUnknown(s.observedGeneration)
              + ", the spec is at "
              + state.generation()
              + ": the operator has not seen the last change yet");
    }
    if (s.verticalAdvice != null) {
      lines.addAll(verticalLines(s.verticalAdvice));
    }
    state.problems().forEach(p -> lines.add("problem: " + p));
    return lines;
  }

  /**
   * status.verticalAdvice as a table: per container the samples and since when, the cpu and memory
   * target with its bounds, and the current request beside it.
   */
  static List<String> verticalLines(VerticalAdviceStatus v) {
    List<String> lines = new ArrayList<>();
    lines.add(
        "vertical advice (never applied): "
            + orUnknown(v.reason)
            + (v.message == null ? "" : ": " + v.message));
    if (v.containers == null || v.containers.isEmpty()) {
      return lines;
    }
    String row = "  %-16s %8s  %-20s  %-24s %-8s  %-26s %-8s";
    lines.add(
        String.format(
                java.util.Locale.ROOT,
                row,
                "container",
                "samples",
                "since",
                "cpu target (low-up)",
                "request",
                "memory target (low-up)",
                "request")
            .stripTrailing());
    for (VerticalAdviceStatus.ContainerAdvice a : v.containers) {
      lines.add(
          String.format(
                  java.util.Locale.ROOT,
                  row,
                  a.containerName,
                  orUnknown(a.samples),
                  orUnknown(a.firstSampleTime),
                  advice(a, "cpu"),
                  request(a, "cpu"),
                  advice(a, "memory"),
                  request(a, "memory"))
              .stripTrailing());
    }
    return lines;
  }

  private static String advice(VerticalAdviceStatus.ContainerAdvice a, String resource) {
    if (a.target == null || !a.target.containsKey(resource)) {
      return "-";
    }
    return a.target.get(resource)
        + " ("
        + a.lowerBound.get(resource)
        + "-"
        + a.upperBound.get(resource)
        + ")";
  }

  private static String request(VerticalAdviceStatus.ContainerAdvice a, String resource) {
    return a.requests == null || !a.requests.containsKey(resource)
        ? "-"
        : a.requests.get(resource).toString();
  }

  private static Map<String, Object> statusJson(KubeSession session, AutoscalerState state) {
    StatefulAutoscalerStatus s = state.status();
    StatefulAutoscalerSpec spec = state.resource().getSpec();
    Map<String, Object> doc = new LinkedHashMap<>();
    doc.put("namespace", session.namespace());
    doc.put("name", session.name());
    doc.put("reference", s.reference);
    doc.put("phase", s.phase);
    doc.put("paused", state.resource().paused());
    doc.put("replicas", s.replicas);
    doc.put("desiredReplicas", s.desiredReplicas);
    Map<String, Object> size = new LinkedHashMap<>();
    size.put("mode", state.autoscaling() ? "metrics" : "fixed");
    size.put("replicas", spec.replicas);
    size.put("minReplicas", spec.minReplicas);
    size.put("maxReplicas", spec.maxReplicas);
    size.put("allowedReplicas", spec.allowedReplicas);
    doc.put("spec", size);
    doc.put("targets", s.targets);
    doc.put("lastScaleTime", s.lastScaleTime);
    doc.put("conditions", s.conditions);
    doc.put("operation", state.operation().orElse(null));
    doc.put("observedGeneration", s.observedGeneration);
    doc.put("generation", state.generation());
    if (s.verticalAdvice != null) {
      // The advice without its checkpoint (the histograms are the operator's own format).
      Map<String, Object> vertical = new LinkedHashMap<>();
      vertical.put("reason", s.verticalAdvice.reason);
      vertical.put("message", s.verticalAdvice.message);
      vertical.put("applied", false);
      vertical.put("containers", s.verticalAdvice.containers);
      doc.put("verticalAdvice", vertical);
    }
    doc.put("problems", state.problems());
    return doc;
  }

  private static String orUnknown(Object o) {
    return o == null ? "<unknown>" : o.toString();
  }

  private static String seconds(Duration d) {
    return String.format(java.util.Locale.ROOT, "%.1fs", d.toMillis() / 1000.0);
  }
}
