package dev.ballast.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ballast.api.DecisionWriter;
import dev.ballast.api.InvalidDocumentException;
import dev.ballast.api.SnapshotReader;
import dev.ballast.api.VerticalAdviceReader;
import dev.ballast.cli.recommend.DecisionText;
import dev.ballast.core.decide.DecisionEngine;
import dev.ballast.core.decide.model.Decision;
import dev.ballast.core.decide.model.Snapshot;
import dev.ballast.core.vertical.VerticalSettings;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code ballast recommend}: what the Kubernetes HPA decides for a snapshot (or a directory of
 * them), as a summary, JSON, or a step-by-step explanation.
 */
@Command(
    name = "recommend",
    mixinStandardHelpOptions = true,
    description = {
      "What the Kubernetes HPA (autoscaling/v2) decides for a snapshot, and why.",
      "A snapshot is a JSON or YAML document of the autoscaler, its target's scale, the pods and"
          + " their metric samples (see docs: the decision snapshot).",
      "With a directory, every *.json/*.yaml file is evaluated and one JSON line is printed per"
          + " file; a bad file gives an \"error\" line and exit code 2, the others still run."
    },
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {"0:decided", "2:bad usage or a bad snapshot (one line names the field)"})
public final class RecommendCommand implements Callable<Integer> {

  /** Output formats of {@code -o}. */
  enum Format {
    text,
    json
  }

  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Option(
      names = "--snapshot",
      paramLabel = "FILE|DIR",
      description = "A snapshot file (.json, .yaml) or a directory of them.")
  Path snapshot;

  @Option(
      names = "--vertical",
      description =
          "Per-member CPU and memory requests from the observed usage of a running local cluster"
              + " (-f), as the Vertical Pod Autoscaler's recommender computes them; nothing is"
              + " changed.")
  boolean vertical;

  @Option(
      names = {"-f", "--file"},
      paramLabel = "FILE",
      description = "With --vertical: the local cluster file of the running cluster to observe.")
  Path cluster;

  @Option(
      names = "--duration",
      paramLabel = "DURATION",
      defaultValue = "30s",
      converter = dev.ballast.cli.local.DurationConverter.class,
      description = "With --vertical: how long to observe (default: ${DEFAULT-VALUE}).")
  java.time.Duration duration;

  @Option(
      names = "--interval",
      paramLabel = "DURATION",
      defaultValue = "1s",
      converter = dev.ballast.cli.local.DurationConverter.class,
      description = "With --vertical: time between two samples (default: ${DEFAULT-VALUE}).")
  java.time.Duration interval;

  @Option(
      names = "--target-percentile",
      paramLabel = "P",
      description =
          "With --vertical: the usage percentile (0..1] the target request covers (default: the"
              + " file's spec.verticalAdvice.targetPercentile, else 0.9).")
  Double targetPercentile;

  @Option(
      names = "--lower-percentile",
      paramLabel = "P",
      description =
          "With --vertical: the percentile of the lower bound (default: the file's"
              + " lowerPercentile, else 0.5).")
  Double lowerPercentile;

  @Option(
      names = "--upper-percentile",
      paramLabel = "P",
      description =
          "With --vertical: the percentile of the upper bound (default: the file's"
              + " upperPercentile, else 0.95).")
  Double upperPercentile;

  @Option(
      names = "--safety-margin",
      paramLabel = "M",
      description =
          "With --vertical: added to each percentile, 0.15 is +15%% (default: the file's"
              + " safetyMargin, else 0.15).")
  Double safetyMargin;

  @Option(
      names = "--min-cpu",
      paramLabel = "QUANTITY",
      description =
          "With --vertical: the smallest cpu advised, e.g. 25m (default: the file's minCpu, else"
              + " 25m).")
  String minCpu;

  @Option(
      names = "--min-memory",
      paramLabel = "QUANTITY",
      description =
          "With --vertical: the smallest memory advised, e.g. 250Mi (default: the file's"
              + " minMemory, else 250Mi).")
  String minMemory;

  @Option(
      names = "--half-life",
      paramLabel = "DURATION",
      converter = dev.ballast.cli.local.DurationConverter.class,
      description =
          "With --vertical: a sample loses half its weight every DURATION (default: the file's"
              + " halfLife, else 24h).")
  java.time.Duration halfLife;

  @Option(
      names = {"-o", "--output"},
      paramLabel = "FORMAT",
      defaultValue = "text",
      description = "text (default) or json. A directory always prints JSON lines.")
  Format output;

  @Option(
      names = "--explain",
      description =
          "Print every number: each metric's formula, each pod's class, each rule that changed the"
              + " value, the conditions.")
  boolean explain;

  private final DecisionEngine engine = new DecisionEngine();
  private final DecisionWriter writer = new DecisionWriter();

  @Override
  public Integer call() throws InterruptedException {
    PrintWriter out = spec.commandLine().getOut();
    if (vertical) {
      if (cluster == null || snapshot != null) {
        throw CliException.usage(
            "--vertical: give the running cluster with -f FILE (and no --snapshot)");
      }
      if (interval.isZero() || interval.isNegative() || duration.compareTo(interval) < 0) {
        throw CliException.usage(
            "--interval: must be positive and at most --duration (" + duration + ")");
      }
      try (var wiring = dev.ballast.cli.local.ClusterFileOption.of(cluster).readOnly()) {
        VerticalSettings settings =
            dev.ballast.cli.vertical.VerticalAdvice.settings(
                wiring.cluster(),
                new VerticalAdviceReader.Values(
                    null,
                    targetPercentile,
                    lowerPercentile,
                    upperPercentile,
                    safetyMargin,
                    quantity(minCpu, "--min-cpu", "25m"),
                    quantity(minMemory, "--min-memory", "250Mi"),
                    halfLife));
        dev.ballast.cli.vertical.VerticalAdvice.run(
            wiring, settings, duration, interval, output == Format.json, out);
      }
      return ExitCodes.OK;
    }
    if (snapshot == null) {
      throw CliException.usage(
          "--snapshot: required (a snapshot file or directory), or --vertical -f FILE");
    }
    if (cluster != null) {
      throw CliException.usage("-f: only with --vertical");
    }
    if (targetPercentile != null
        || lowerPercentile != null
        || upperPercentile != null
        || safetyMargin != null
        || minCpu != null
        || minMemory != null
        || halfLife != null) {
      throw CliException.usage(
          "--target-percentile, --lower-percentile, --upper-percentile, --safety-margin,"
              + " --min-cpu, --min-memory, --half-life: only with --vertical");
    }
    if (Files.isDirectory(snapshot)) {
      return directory(out);
    }
    if (!Files.isRegularFile(snapshot)) {
      throw CliException.usage("--snapshot: no such file or directory: " + snapshot);
    }
    printOne(snapshot, output, explain, out);
    return ExitCodes.OK;
  }

  private static Double quantity(String text, String flag, String example) {
    List<String> problems = new java.util.ArrayList<>();
    Double value =
        VerticalAdviceReader.quantity(text, flag, example, (f, m) -> problems.add(f + ": " + m));
    if (!problems.isEmpty()) {
      throw CliException.usage(problems.get(0));
    }
    return value;
  }

  /**
   * Prints the decision for one snapshot file: a summary, the explanation ({@code explain}), as
   * text or JSON (with the explanation's lines under {@code "explanation"}). Shared with {@code
   * ballast explain --snapshot}.
   */
  static void printOne(Path file, Format format, boolean explain, PrintWriter out) {
    Snapshot s = read(file);
    Decision d = new DecisionEngine().decide(s);
    String source = file.toString();
    DecisionWriter writer = new DecisionWriter();
    if (format == Format.json) {
      ObjectNode tree = writer.toTree(d);
      if (explain) {
        ArrayNode lines = tree.putArray("explanation");
        DecisionText.explain(source, s, d).lines().forEach(lines::add);
      }
      out.println(pretty(tree));
    } else if (explain) {
      out.print(DecisionText.explain(source, s, d));
    } else {
      out.print(DecisionText.summary(source, d));
    }
    out.flush();
  }

  static String pretty(ObjectNode tree) {
    try {
      return new ObjectMapper().writerWithDefaultPrettyPrinter().writeValueAsString(tree);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  private int directory(PrintWriter out) {
    List<Path> files;
    try (Stream<Path> list = Files.list(snapshot)) {
      files = list.filter(RecommendCommand::isSnapshotFile).sorted().toList();
    } catch (IOException e) {
      throw CliException.usage("--snapshot: cannot list " + snapshot + ": " + e.getMessage());
    }
    if (files.isEmpty()) {
      throw CliException.usage(
          "--snapshot: " + snapshot + " has no *.json or *.yaml files to evaluate");
    }
    boolean anyBad = false;
    ObjectMapper mapper = new ObjectMapper();
    for (Path f : files) {
      ObjectNode line = mapper.createObjectNode();
      line.put("file", f.toString());
      try {
        Snapshot s = read(f);
        line.setAll(writer.toTree(engine.decide(s)));
      } catch (CliException e) {
        anyBad = true;
        line.put("error", e.getMessage());
      }
      out.println(writer.toJsonLine(line));
      out.flush();
    }
    return anyBad ? ExitCodes.USAGE : ExitCodes.OK;
  }

  private static boolean isSnapshotFile(Path p) {
    String n = p.getFileName().toString().toLowerCase(Locale.ROOT);
    return Files.isRegularFile(p)
        && (n.endsWith(".json") || n.endsWith(".yaml") || n.endsWith(".yml"));
  }

  private static Snapshot read(Path file) {
    try {
      return new SnapshotReader().read(file);
    } catch (InvalidDocumentException e) {
      throw CliException.usage(file + ": " + e.getMessage());
    } catch (IOException e) {
      throw CliException.usage(file + ": cannot read: " + e.getMessage());
    }
  }
}
