package dev.ballast.local.demo;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.ballast.local.load.LoadResult;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** Turns what the demo recorded into its {@link DemoSummary} and checks the invariants. */
final class DemoSummaries {
  private static final ObjectMapper JSON =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private DemoSummaries() {}

  static DemoSummary summarize(
      DemoRecorder recorder,
      LoadResult writes,
      int finalSize,
      Duration elapsed,
      boolean aborted,
      boolean operationLeftInFlight) {
    List<Integer> path = new ArrayList<>(recorder.path());
    if (path.get(path.size() - 1) != finalSize) {
      path.add(finalSize);
    }
    int initial = path.get(0);
    int peak = path.stream().mapToInt(Integer::intValue).max().orElse(initial);
    List<DemoSummary.OperationSummary> ops =
        recorder.operations().stream()
            .map(
                o ->
                    new DemoSummary.OperationSummary(
                        o.id,
                        o.from,
                        o.to,
                        o.trigger,
                        o.outcome,
                        o.end == null ? -1 : Duration.between(o.start, o.end).toMillis() / 1000.0))
            .toList();

    List<String> failures = new ArrayList<>();
    if (aborted) {
      failures.add("the demo was interrupted before the story ended");
    }
    if (peak <= initial) {
      failures.add("the cluster never scaled up (peak " + peak + ")");
    }
    if (finalSize != initial) {
      failures.add(
          "the cluster did not scale back to " + initial + " (ended at " + finalSize + ")");
    }
    if (writes.lost() > 0 || writes.unverified() > 0) {
      failures.add(
          writes.lost()
              + " acknowledged writes lost and "
              + writes.unverified()
              + " could not be verified");
    }
    if (recorder.secondsWithoutQuorum() > 0) {
      failures.add(
          "the ensemble had no leader for " + recorder.secondsWithoutQuorum() + " s (sampled)");
    }
    if (recorder.maxConcurrentRemovals() > 1) {
      failures.add(recorder.maxConcurrentRemovals() + " members were leaving at once");
    }
    if (operationLeftInFlight) {
      failures.add("an operation is still in flight (run `ballast resume -f cluster.yaml`)");
    }
    ops.stream()
        .filter(o -> !o.outcome().equals("ScaledUp") && !o.outcome().equals("ScaledDown"))
        .forEach(o -> failures.add("operation " + o.id() + " ended " + o.outcome()));

    return new DemoSummary(
        initial,
        peak,
        finalSize,
        path,
        ops,
        writes.acknowledged(),
        writes.lost(),
        writes.unverified(),
        recorder.secondsWithoutQuorum(),
        recorder.maxConcurrentRemovals(),
        failures.isEmpty(),
        failures,
        elapsed.toMillis() / 1000.0,
        recorder.points().size());
  }

  static void writeJson(DemoSummary summary, Path file) throws IOException {
    Files.writeString(file, JSON.writeValueAsString(summary) + "\n");
  }
}
