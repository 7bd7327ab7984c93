package dev.ballast.operator.controlplane;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ballast.crd.v1alpha1.StatefulAutoscaler;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.Watch;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Watches a StatefulAutoscaler's journal ({@code status.operation}) and completes as soon as the
 * operation in flight stands at one of the given stages: every status write is one watch event, so
 * no stage the operator journals can be missed.
 */
final class StageWatch implements AutoCloseable {
  private final CompletableFuture<String> reached = new CompletableFuture<>();
  private final Watch watch;

  /** Where an operation stands in {@code status.operation}: its step index and stage. */
  record Position(int stepIndex, String stage) {
    static Optional<Position> of(StatefulAutoscaler sas) {
      if (sas == null || sas.getStatus() == null) {
        return Optional.empty();
      }
      JsonNode op = sas.getStatus().operation;
      if (op == null || op.isNull() || !op.hasNonNull("stage")) {
        return Optional.empty();
      }
      return Optional.of(new Position(op.path("stepIndex").asInt(), op.get("stage").asText()));
    }
  }

  StageWatch(KubernetesClient client, String namespace, String name, Set<String> stages) {
    this.watch =
        client
            .resources(StatefulAutoscaler.class)
            .inNamespace(namespace)
            .withName(name)
            .watch(
                new Watcher<>() {
                  @Override
                  public void eventReceived(Action action, StatefulAutoscaler sas) {
                    Position.of(sas)
                        .filter(p -> stages.contains(p.stage()))
                        .ifPresent(p -> reached.complete(p.stage()));
                  }

                  @Override
                  public void onClose(WatcherException cause) {
                    if (cause != null) {
                      reached.completeExceptionally(cause);
                    }
                  }
                });
  }

  /** The first of the stages the journal reached, waiting at most {@code timeout}. */
  String await(Duration timeout) throws InterruptedException {
    try {
      return reached.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      throw new IllegalStateException("the watch of the autoscaler failed", e.getCause());
    } catch (TimeoutException e) {
      throw new AssertionError("no operation reached a watched stage within " + timeout, e);
    }
  }

  @Override
  public void close() {
    watch.close();
  }
}
