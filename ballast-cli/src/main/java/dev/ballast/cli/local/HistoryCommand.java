package dev.ballast.cli.local;

import dev.ballast.cli.ExitCodes;
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

/** {@code ballast history}: the scaling records of a local cluster. */
@Command(
    name = "history",
    mixinStandardHelpOptions = true,
    description = {
      "Show the scaling history of a local cluster, oldest first: decisions, refusals, every"
          + " stage of every step, and each operation's outcome.",
      "JSON (-o json): an array of records, each with time, kind, trigger, from, to, outcome,"
          + " duration, reasons, message, operationId, ordinal, stage."
    })
public final class HistoryCommand implements Callable<Integer> {
  private static final DateTimeFormatter TIME =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss").withZone(ZoneId.systemDefault());

  @Mixin ClusterFileOption cluster;

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
    try (LocalWiring wiring = cluster.readOnly()) {
      records = wiring.history().list();
    }
    if (format == Output.Format.json) {
      out.println(Output.JSON.writeValueAsString(records));
      return ExitCodes.OK;
    }
    if (records.isEmpty()) {
      out.println("no history yet");
    }
    for (HistoryRecord r : records) {
      if (!stages && r.kind() == dev.ballast.core.history.RecordKind.STAGE) {
        continue;
      }
      out.println(
          String.format(
              Locale.ROOT,
              "%s  %-10s %-8s %d -> %d  %-11s %s",
              TIME.format(r.time()),
              r.kind().name().toLowerCase(Locale.ROOT),
              r.trigger().name().toLowerCase(Locale.ROOT),
              r.from(),
              r.to(),
              r.outcome(),
              r.message()));
    }
    return ExitCodes.OK;
  }
}
