package dev.ballast.cli.vertical;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ballast.api.VerticalAdviceReader;
import dev.ballast.cli.CliException;
import dev.ballast.core.port.Member;
import dev.ballast.core.port.MetricSample;
import dev.ballast.core.vertical.VerticalRecommender;
import dev.ballast.core.vertical.VerticalSettings;
import dev.ballast.local.LocalWiring;
import dev.ballast.local.config.ClusterFile;
import dev.ballast.local.runtime.LocalProcessRuntime;
import dev.ballast.metrics.ProcessCpuSource;
import dev.ballast.metrics.ProcessMemorySource;
import java.io.PrintWriter;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * {@code ballast recommend --vertical -f FILE}: samples the CPU and resident memory of a running
 * local cluster's members for a while, then prints the VPA-like requests per member and for all
 * members ({@link VerticalRecommender}), without changing anything. The settings are the cluster
 * file's {@code spec.verticalAdvice} with the command's flags over them.
 */
public final class VerticalAdvice {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final double MIB = 1024.0 * 1024.0;

  private VerticalAdvice() {}

  /** The flag of each setting of {@code spec.verticalAdvice}. */
  private static final Map<String, String> FLAGS =
      Map.of(
          "targetPercentile", "--target-percentile",
          "lowerPercentile", "--lower-percentile",
          "upperPercentile", "--upper-percentile",
          "safetyMargin", "--safety-margin",
          "minCpu", "--min-cpu",
          "minMemory", "--min-memory",
          "halfLife", "--half-life");

  /**
   * The settings of the advice: the cluster file's {@code spec.verticalAdvice} (the defaults when
   * it has none) with the {@code flags} given (non-null) over them, checked by the operator's rules
   * ({@link VerticalAdviceReader#settings}); a problem is a usage error naming the flag.
   */
  public static VerticalSettings settings(ClusterFile file, VerticalAdviceReader.Values flags) {
    VerticalSettings base =
        file.verticalAdvice()
            .orElseThrow(
                () ->
                    CliException.usage(
                        "-f: spec.verticalAdvice.enabled is false in "
                            + file.file().getFileName()
                            + "; set it to true or remove it to get vertical advice"));
    VerticalAdviceReader.Values b = VerticalAdviceReader.Values.of(base);
    VerticalAdviceReader.Values merged =
        new VerticalAdviceReader.Values(
            true,
            or(flags.targetPercentile(), b.targetPercentile()),
            or(flags.lowerPercentile(), b.lowerPercentile()),
            or(flags.upperPercentile(), b.upperPercentile()),
            or(flags.safetyMargin(), b.safetyMargin()),
            or(flags.minCpu(), b.minCpu()),
            or(flags.minMemory(), b.minMemory()),
            or(flags.halfLife(), b.halfLife()));
    Map<String, Object> given = new java.util.HashMap<>();
    given.put("targetPercentile", flags.targetPercentile());
    given.put("lowerPercentile", flags.lowerPercentile());
    given.put("upperPercentile", flags.upperPercentile());
    given.put("safetyMargin", flags.safetyMargin());
    given.put("minCpu", flags.minCpu());
    given.put("minMemory", flags.minMemory());
    given.put("halfLife", flags.halfLife());
    List<String> problems = new ArrayList<>();
    // A setting not given as a flag comes from the file (already checked): when it collides with
    // a flag, the message still names the flag that would fix it.
    java.util.function.UnaryOperator<String> name =
        field ->
            given.get(field) != null
                ? FLAGS.get(field)
                : FLAGS.get(field) + " (not given: the file's or the default)";
    Optional<VerticalSettings> settings =
        VerticalAdviceReader.settings(merged, name, (f, m) -> problems.add(f + ": " + m));
    if (settings.isEmpty()) {
      throw CliException.usage(String.join("; ", problems));
    }
    return settings.get();
  }

  private static <T> T or(T flag, T file) {
    return flag != null ? flag : file;
  }

  /** Samples every {@code interval} during {@code duration}, then prints the advice. */
  public static void run(
      LocalWiring wiring,
      VerticalSettings settings,
      Duration duration,
      Duration interval,
      boolean json,
      PrintWriter out)
      throws InterruptedException {
    LocalProcessRuntime runtime = wiring.runtime();
    Clock clock = wiring.clock();
    List<Member> members =
        runtime.members().stream().filter(m -> runtime.isRunning(m.ordinal())).toList();
    if (members.isEmpty()) {
      throw CliException.usage(
          "-f: no member of "
              + wiring.cluster().name()
              + " is running; start it with 'ballast up'");
    }
    java.util.function.IntFunction<OptionalLong> pid =
        o -> runtime.process(o).map(p -> OptionalLong.of(p.pid())).orElse(OptionalLong.empty());
    ProcessCpuSource cpu = ProcessCpuSource.linux(pid, clock);
    ProcessMemorySource memory = ProcessMemorySource.linux(pid, clock);
    List<VerticalRecommender.Sample> samples = new ArrayList<>();
    cpu.read(ProcessCpuSource.METRIC, members); // the first read of a process has no rate yet
    long rounds = Math.max(1, duration.toMillis() / interval.toMillis());
    for (long i = 0; i < rounds; i++) {
      Thread.sleep(interval.toMillis());
      MetricSample c = cpu.read(ProcessCpuSource.METRIC, members);
      MetricSample m = memory.read(ProcessMemorySource.METRIC, members);
      for (Member member : members) {
        Double cores = c.byOrdinal().get(member.ordinal());
        Double bytes = m.byOrdinal().get(member.ordinal());
        if (cores != null && bytes != null) {
          samples.add(
              new VerticalRecommender.Sample(member.ordinal(), c.timestamp(), cores, bytes));
        }
      }
    }
    if (samples.isEmpty()) {
      throw CliException.usage("-f: no member could be sampled; are they still running?");
    }
    VerticalRecommender.Recommendation r = new VerticalRecommender(settings).recommend(samples);
    if (json) {
      out.println(toJson(wiring.cluster().name(), duration, r));
    } else {
      print(wiring.cluster().name(), duration, r, out);
    }
    out.flush();
  }

  static String toJson(String name, Duration duration, VerticalRecommender.Recommendation r) {
    ObjectNode root = JSON.createObjectNode();
    root.put("cluster", name);
    root.put("observedSeconds", duration.toMillis() / 1000.0);
    root.put("applied", false);
    VerticalSettings s = r.settings();
    ObjectNode settings = root.putObject("settings");
    settings.put("targetPercentile", s.targetPercentile());
    settings.put("lowerPercentile", s.lowerPercentile());
    settings.put("upperPercentile", s.upperPercentile());
    settings.put("safetyMargin", s.safetyMargin());
    settings.put("minCpuMilli", Math.round(s.minCpuCores() * 1000));
    settings.put("minMemoryBytes", Math.round(s.minMemoryBytes()));
    settings.put("halfLifeSeconds", s.halfLife().toSeconds());
    ArrayNode members = root.putArray("members");
    r.members().forEach(a -> members.add(advice(a)));
    root.set("all", advice(r.all()));
    return root.toString();
  }

  private static ObjectNode advice(VerticalRecommender.Advice a) {
    ObjectNode node = JSON.createObjectNode();
    if (a.ordinal() != null) {
      node.put("ordinal", a.ordinal());
    }
    node.put("samples", a.samples());
    ObjectNode cpu = node.putObject("cpu");
    cpu.put("targetMilli", Math.round(a.cpu().target() * 1000));
    cpu.put("lowerMilli", Math.round(a.cpu().lower() * 1000));
    cpu.put("upperMilli", Math.round(a.cpu().upper() * 1000));
    ObjectNode mem = node.putObject("memory");
    mem.put("targetBytes", Math.round(a.memory().target()));
    mem.put("lowerBytes", Math.round(a.memory().lower()));
    mem.put("upperBytes", Math.round(a.memory().upper()));
    return node;
  }

  private static void print(
      String name, Duration duration, VerticalRecommender.Recommendation r, PrintWriter out) {
    VerticalSettings s = r.settings();
    out.printf(
        Locale.ROOT,
        "vertical advice for %s from %ds of usage (not applied): target p%.0f, lower p%.0f, upper"
            + " p%.0f, +%.0f%% safety margin%n",
        name,
        duration.toSeconds(),
        s.targetPercentile() * 100,
        s.lowerPercentile() * 100,
        s.upperPercentile() * 100,
        s.safetyMargin() * 100);
    out.printf(
        Locale.ROOT,
        "%-8s %8s %28s %36s%n",
        "member",
        "samples",
        "cpu target (lower-upper)",
        "memory target (lower-upper)");
    for (VerticalRecommender.Advice a : r.members()) {
      line(Integer.toString(a.ordinal()), a, out);
    }
    line("all", r.all(), out);
  }

  private static void line(String who, VerticalRecommender.Advice a, PrintWriter out) {
    out.printf(
        Locale.ROOT,
        "%-8s %8d %28s %36s%n",
        who,
        a.samples(),
        String.format(
            Locale.ROOT,
            "%dm (%dm-%dm)",
            Math.round(a.cpu().target() * 1000),
            Math.round(a.cpu().lower() * 1000),
            Math.round(a.cpu().upper() * 1000)),
        String.format(
            Locale.ROOT,
            "%.0fMi (%.0fMi-%.0fMi)",
            a.memory().target() / MIB,
            a.memory().lower() / MIB,
            a.memory().upper() / MIB));
  }
}
