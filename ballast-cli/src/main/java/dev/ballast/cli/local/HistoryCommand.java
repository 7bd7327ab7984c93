package dev.ballast.cli.local;

import dev.ballast.cli.ExitCodes;
import dev.ballast.cli.kube.KubeCommands;
import dev.ballast.core.history.HistoryRecord;
import dev.ballast.local.LocalWiring;
import java.io.PrintWriter;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code ballast history}: the scaling records of a local cluster or a StatefulAutoscaler. */
@Command(
    name = "history",
    mixinStandardHelpOptions = true,
    description = {
      "Show the scaling history of a local cluster (-f FILE) or of a StatefulAutoscaler ([-n"
          + " NAMESPACE] NAME), oldest first: decisions, refusals, every stage of every step, and"
          + " each operation's outcome.",
      "A StatefulAutoscaler keeps the last 20 records in its status (status.history); the"
          + " operator also made each one an Event (kubectl get events).",
      "JSON (-o json): an array of records, each with time, kind, trigger, from, to, outcome,"
          + " duration, reasons, message, operationId, ordinal, stage."
    })
public final class HistoryCommand implements Callable<Integer> {
  private static final DateTimeFormatter TIME =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss").withZone(ZoneId.systemDefault());

  @Mixin ClusterOrAutoscaler target;

  @Option(
      names = {"-o", "--output"},
      defaultValue = "text",
      paramLabel = "FORMAT",
      description = "Output format: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}).")
  Output.Format format;

  @Option(
      names = "--stages",
      description = "Also list every stage record (text output; JSON always has them).")
  boolean stages;

  @Spec CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    List<HistoryRecord> records;
    var autoscaler = target.autoscaler();
    if (autoscaler.isPresent()) {
      records = KubeCommands.history(autoscaler.get());
    } else {
      try (LocalWiring wiring = target.local().readOnly()) {
        records = wiring.history().list();
      }
    }
    if (format == Output.Format.json) {
      out.println(Output.JSON.writeValueAsString(records));
      return ExitCodes.OK;
    }
    lines(records, stages).forEach(out::println);
    return ExitCodes.OK;
  }

  /** One line per record, oldest first; stage records only when {@code stages}. */
  static List<String> lines(List<HistoryRecord> records, boolean stages) {
    if (records.isEmpty()) {
      return List.of("no history yet");
    }
    List<String> lines = new java.util.ArrayList<>();
    for (HistoryRecord r : records) {
      if (!stages && r.kind() == dev.ballast.core.history.RecordKind.STAGE) {
        continue;
      }
      lines.add(line(r));
    }
    return lines;
  }

  /** {@code 2026-12-06 10:00:01 operation manual 3 -> 5 SUCCEEDED scaled up ...}. */
  public static String line(HistoryRecord r) {
    return String.format(
        Locale.ROOT,
        "%s  %-10s %-8s %d -> %d  %-11s %s",
        TIME.format(r.time()),
        r.kind().name().toLowerCase(Locale.ROOT),
        r.trigger().name().toLowerCase(Locale.ROOT),
        r.from(),
        r.to(),
        r.outcome(),
        r.message());
  }
}
