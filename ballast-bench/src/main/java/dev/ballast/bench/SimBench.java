package dev.ballast.bench;

import dev.ballast.sim.Comparison;
import dev.ballast.sim.PolicyReader;
import dev.ballast.sim.SimPolicy;
import dev.ballast.sim.Trace;
import dev.ballast.sim.WorkloadModel;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Simulator throughput: a 30-day trace at 1-minute resolution (43,200 rows, a daily cycle with
 * noise from a seeded generator) replayed against a predictive policy plus the {@code hpa} and
 * {@code fixed} baselines, as {@code ballast simulate --compare hpa} does. The goal is under 10 s.
 * Run with JMH ({@code java -jar ballast-bench/target/benchmarks.jar SimBench}) or, for one cold
 * figure, {@code java -cp ballast-bench/target/benchmarks.jar dev.ballast.bench.SimBench}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 1)
@Measurement(iterations = 3)
@Fork(value = 1, jvmArgs = "-Xmx512m")
public class SimBench {
  private Trace trace;
  private SimPolicy policy;
  private WorkloadModel model;

  @Setup
  public void setUp() {
    trace = thirtyDays();
    policy =
        PolicyReader.parsePolicy(
            "bench",
            "predictive",
            "name: predictive\nmaxReplicas: 40\ntarget: {metric: cpu, averageUtilization: 70}\n"
                + "prediction: {enabled: true}\n");
    model = WorkloadModel.defaults().withJoinTime(Duration.ofMinutes(10));
  }

  /** 43,200 rows: a daily sine with a weekly swing and seeded noise. */
  static Trace thirtyDays() {
    int n = 30 * 1440;
    long[] t = new long[n];
    double[] v = new double[n];
    java.util.Random random = new java.util.Random(42);
    for (int i = 0; i < n; i++) {
      t[i] = 1_700_000_000L + 60L * i;
      double daily = Math.sin(2 * Math.PI * i / 1440.0);
      double weekly = 0.2 * Math.sin(2 * Math.PI * i / (7 * 1440.0));
      v[i] = Math.max(0, 1000 * (1 + 0.6 * daily + weekly) + 50 * random.nextGaussian());
    }
    return new Trace("synthetic-30d-1min", t, v);
  }

  @Benchmark
  public Comparison simulateThirtyDaysWithBaselines() {
    return Comparison.run(trace, List.of(policy), model, true);
  }

  /** Prints the wall-clock time of one cold run and of a second run in the same JVM. */
  public static void main(String[] args) {
    SimBench b = new SimBench();
    b.setUp();
    for (String label : new String[] {"cold", "warm"}) {
      long start = System.nanoTime();
      Comparison c = b.simulateThirtyDaysWithBaselines();
      double seconds = (System.nanoTime() - start) / 1e9;
      System.out.printf(
          Locale.ROOT,
          "%s: %d rows x %d policies (predictive, hpa, fixed) in %.2f s%n",
          label,
          c.trace().size(),
          c.results().size(),
          seconds);
    }
  }
}
