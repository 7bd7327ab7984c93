package dev.ballast.operator;

import dev.ballast.crd.v1alpha1.StatefulAutoscaler;
import dev.ballast.crd.v1alpha1.StatefulAutoscalerStatus;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.net.HttpURLConnection;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * Writes one StatefulAutoscaler's status with optimistic concurrency: each change is applied to the
 * latest copy this writer holds and replaced under its {@code resourceVersion}. On a conflict the
 * resource is read again and the change re-applied only when {@code stillValid} holds for the fresh
 * status; otherwise {@link ConflictException} is thrown and nothing is written, so a journal entry
 * that another writer (an older leader) has moved on from is never overwritten and the action it
 * guards never runs twice. A copy handed in by {@link #refresh} that is older than one this writer
 * wrote over (an informer cache that has not seen the last write yet) is ignored, so the journal
 * never steps back to a stage already acted on.
 */
public final class StatusWriter {
  private final KubernetesClient client;

  /** How many versions this writer wrote over are remembered to recognize a stale copy. */
  private static final int SUPERSEDED_LIMIT = 32;

  private StatefulAutoscaler current;
  // The resourceVersions this writer's writes replaced, newest last.
  private final Deque<String> superseded = new ArrayDeque<>();

  public StatusWriter(KubernetesClient client, StatefulAutoscaler resource) {
    this.client = Objects.requireNonNull(client, "client");
    this.current = Objects.requireNonNull(resource, "resource");
    if (current.getStatus() == null) {
      current.setStatus(new StatefulAutoscalerStatus());
    }
  }

  /** Another writer changed the status in a way this change cannot be applied over. */
  public static final class ConflictException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    ConflictException(String message) {
      super(message);
    }
  }

  /** The latest copy of the resource this writer holds. */
  public StatefulAutoscaler resource() {
    return current;
  }

  /** The latest status this writer holds (never null). */
  public StatefulAutoscalerStatus status() {
    return current.getStatus();
  }

  /**
   * Adopts a newer copy of the resource (a reconcile's read, from a cache); a copy at a version
   * this writer has already written over is stale and ignored.
   */
  public void refresh(StatefulAutoscaler fresh) {
    if (superseded.contains(fresh.getMetadata().getResourceVersion())) {
      return;
    }
    if (fresh.getStatus() == null) {
      fresh.setStatus(new StatefulAutoscalerStatus());
    }
    current = fresh;
  }

  private void supersede(String version) {
    if (version != null) {
      superseded.addLast(version);
      if (superseded.size() > SUPERSEDED_LIMIT) {
        superseded.removeFirst();
      }
    }
  }

  /** Applies {@code change} and writes it, re-applying once on a conflict. */
  public void update(Consumer<StatefulAutoscalerStatus> change) {
    update(change, s -> true);
  }

  /**
   * Applies {@code change} and writes it; on a conflict re-reads, and re-applies it only when
   * {@code stillValid} accepts the fresh status.
   */
  public void update(
      Consumer<StatefulAutoscalerStatus> change, Predicate<StatefulAutoscalerStatus> stillValid) {
    for (int attempt = 0; ; attempt++) {
      StatefulAutoscaler copy = io.fabric8.kubernetes.client.utils.Serialization.clone(current);
      change.accept(copy.getStatus());
      try {
        // Locked on the copy's resourceVersion: without the lock the client would fetch the latest
        // version and overwrite whatever another writer put there.
        StatefulAutoscaler written =
            client
                .resources(StatefulAutoscaler.class)
                .resource(copy)
                .lockResourceVersion(copy.getMetadata().getResourceVersion())
                .updateStatus();
        supersede(copy.getMetadata().getResourceVersion());
        current = written;
        if (current.getStatus() == null) {
          current.setStatus(new StatefulAutoscalerStatus());
        }
        return;
      } catch (KubernetesClientException e) {
        if (e.getCode() != HttpURLConnection.HTTP_CONFLICT || attempt >= 3) {
          throw e;
        }
        StatefulAutoscaler fresh =
            client
                .resources(StatefulAutoscaler.class)
                .inNamespace(current.getMetadata().getNamespace())
                .withName(current.getMetadata().getName())
                .get();
        if (fresh == null) {
          throw new ConflictException("the StatefulAutoscaler was deleted");
        }
        supersede(current.getMetadata().getResourceVersion());
        refresh(fresh);
        if (!stillValid.test(current.getStatus())) {
          throw new ConflictException(
              "another writer changed the status of "
                  + current.getMetadata().getNamespace()
                  + "/"
                  + current.getMetadata().getName()
                  + "; re-reading instead of acting twice");
        }
      }
    }
  }
}
