package dev.ballast.bench;

import dev.ballast.core.decide.DecisionEngine;
import dev.ballast.core.decide.model.Autoscaler;
import dev.ballast.core.decide.model.Behavior;
import dev.ballast.core.decide.model.CustomMetricValue;
import dev.ballast.core.decide.model.Decision;
import dev.ballast.core.decide.model.History;
import dev.ballast.core.decide.model.MetricSpec;
import dev.ballast.core.decide.model.MetricTarget;
import dev.ballast.core.decide.model.PodInfo;
import dev.ballast.core.decide.model.PodUsage;
import dev.ballast.core.decide.model.Recommendation;
import dev.ballast.core.decide.model.ScaleTarget;
import dev.ballast.core.decide.model.Snapshot;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
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
 * One HPA decision over 10,000 pods and 3 metrics (cpu utilization, memory average value, a per-pod
 * custom metric), with a few unready and missing pods and a behavior with history. Target: under 10
 * ms. Run: {@code java -jar ballast-bench/target/benchmarks.jar DecideBench}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(
    value = 1,
    jvmArgsAppend = {"-Xmx1g"})
public class DecideBench {
  private static final int PODS = 10_000;
  private static final long MI = 1024L * 1024L * 1000L;

  private final DecisionEngine engine = new DecisionEngine();
  private Snapshot snapshot;

  @Setup
  public void setUp() {
    snapshot = snapshot(new Random(42));
  }

  /** The snapshot decided by the benchmark; also used by the smoke test of the module. */
  public static Snapshot snapshot(Random random) {
    Instant now = Instant.parse("2026-01-01T12:00:00Z");
    List<PodInfo> pods = new ArrayList<>(PODS);
    List<PodUsage> usage = new ArrayList<>(PODS);
    List<CustomMetricValue> custom = new ArrayList<>(PODS);
    for (int i = 0; i < PODS; i++) {
      String name = "web-" + i;
      Instant start = now.minus(Duration.ofMinutes(30));
      PodInfo pod = PodInfo.running(name, start, Map.of("cpu", 500L, "memory", 512 * MI));
      if (i % 500 == 0) {
        pod = pod.withReady(PodInfo.ReadyCondition.notReady(start));
      }
      if (i % 997 == 0) {
        pod = pod.withPhase(PodInfo.Phase.PENDING);
      }
      pods.add(pod);
      if (i % 333 != 0) {
        usage.add(
            new PodUsage(
                name,
                now.minusSeconds(10),
                Duration.ofSeconds(30),
                List.of(
                    new PodUsage.ContainerUsage(
                        "app",
                        Map.of(
                            "cpu",
                            200L + random.nextInt(400),
                            "memory",
                            (200 + random.nextInt(300)) * MI)))));
        custom.add(
            CustomMetricValue.forPod(name, "http_requests", now, 50_000 + random.nextInt(100_000)));
      }
    }
    Autoscaler hpa =
        new Autoscaler(
            10,
            50_000,
            List.of(
                MetricSpec.cpuUtilization(60),
                MetricSpec.resourceAverageValueMilli("memory", 400 * MI),
                MetricSpec.pods("http_requests", MetricTarget.averageValue(80))),
            Behavior.defaults(),
            List.of());
    History history =
        History.of(
            List.of(
                new Recommendation(now.minusSeconds(120), PODS),
                new Recommendation(now.minusSeconds(60), PODS + 200)));
    return new Snapshot(
        now, null, hpa, ScaleTarget.of(PODS), pods, usage, custom, List.of(), history);
  }

  @Benchmark
  public Decision decide() {
    return engine.decide(snapshot);
  }
}
