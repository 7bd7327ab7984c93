package dev.ballast.operator;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.ballast.api.StoreJson;
import dev.ballast.core.execute.Operation;
import dev.ballast.core.history.HistoryRecord;
import dev.ballast.core.history.Outcome;
import dev.ballast.core.history.Trigger;
import dev.ballast.core.port.OperationStore;
import dev.ballast.crd.v1alpha1.StatefulAutoscaler;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.api.model.coordination.v1.LeaseBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import java.net.HttpURLConnection;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One change at a time per system ({@code spec.system}): the StatefulAutoscalers of one namespace
 * that name the same system are its components, and only one of them runs an operation at a time.
 *
 * <p>The claim is a {@code coordination.k8s.io} Lease {@code ballast-system-<system>} in their
 * namespace whose holder is a StatefulAutoscaler (its name, and its uid in an annotation), not an
 * operator pod: it is taken, under the Lease's {@code resourceVersion}, before the first journal
 * save of a new operation ({@link #guard}), so of two reconciles racing for it exactly one wins and
 * the other's operation never starts ({@link BusyException}); it is released after the journal is
 * cleared. An operator restart or a new leader finds the journal in the holder's status and the
 * Lease still naming the holder, so the holder resumes and ends its operation while the others go
 * on waiting. A claim is free only when released, or when its holder was deleted (uid) or no longer
 * names the system; a holder whose journal holds nothing frees a claim it left behind (a crash
 * between the journal's end and the release) itself, after {@link #STALE_AFTER}.
 *
 * <p>Before an idle component decides, {@link #check} tells whether it must wait: a sibling whose
 * status journal (read from the informer cache) holds an unfinished operation, or a live sibling
 * holding the Lease.
 */
final class SystemClaim {
  private static final Logger LOG = LoggerFactory.getLogger(SystemClaim.class);

  /** The annotation on the Lease carrying the holder's uid. */
  static final String HOLDER_UID = "ballast.dev/holder-uid";

  /** The label on the Lease carrying the system's name. */
  static final String SYSTEM_LABEL = "ballast.dev/system";

  /** The condition a component of a busy system shows while it waits. */
  static final String CONDITION = "SystemBusy";

  /** How long a holder with an empty journal keeps a claim before freeing it (crash leftovers). */
  static final Duration STALE_AFTER = Duration.ofMinutes(1);

  /** How often a waiting component looks again. */
  static final Duration WAIT_POLL = Duration.ofSeconds(2);

  private final KubernetesClient client;
  private final Clock clock;
  private final KubernetesEvents events;

  SystemClaim(KubernetesClient client, Clock clock, KubernetesEvents events) {
    this.client = Objects.requireNonNull(client, "client");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.events = Objects.requireNonNull(events, "events");
  }

  /**
   * The reconciler's gate, asked before an idle {@code c} decides (syncs or asks for
   * spec.replicas): empty when it may go on; else the wait has been reported (condition {@link
   * #CONDITION}, Event {@code WaitingForSystem} and a history record, once per wait) and the
   * reconcile is to be rescheduled after the returned delay. {@code context} may be null (tests):
   * the namespace is then listed from the API server instead of the informer cache.
   */
  Optional<Duration> hold(
      ManagedCluster c, StatefulAutoscaler sas, Context<StatefulAutoscaler> context, int current) {
    String ns = sas.getMetadata().getNamespace();
    OptionalInt fixed = c.settings.fixedReplicas();
    boolean mayChange =
        system(sas).isPresent()
            && (c.settings.autoscaling() || (fixed.isPresent() && fixed.getAsInt() != current));
    if (system(sas).isPresent() && !mayChange) {
      freeStale(sas);
    }
    Optional<Wait> wait =
        mayChange
            ? check(
                sas,
                context == null
                    ? client
                        .resources(StatefulAutoscaler.class)
                        .inNamespace(ns)
                        .list()
                        .getItems()
                        .stream()
                    : context.getPrimaryCache().list(ns))
            : Optional.empty();
    Instant now = clock.instant();
    Optional<Condition> shown =
        Optional.ofNullable(c.writer.status().conditions).stream()
            .flatMap(List::stream)
            .filter(x -> CONDITION.equals(x.getType()) && "True".equals(x.getStatus()))
            .findFirst();
    if (wait.isEmpty()) {
      if (shown.isPresent()) {
        c.writer.update(s -> s.conditions = put(s.conditions, false, "SystemFree", "", now));
      }
      return Optional.empty();
    }
    String message = wait.get().message();
    // Told once per sibling waited for (the condition remembers it across operator restarts), not
    // at each stage of the sibling's operation.
    if (shown.filter(x -> x.getMessage().startsWith(wait.get().prefix())).isEmpty()) {
      LOG.info(
          "action=system-wait system={} sibling=\"{}\"", wait.get().system(), wait.get().sibling());
      events.emit(sas, KubernetesEvents.Reason.WAITING_FOR_SYSTEM, message);
      int to = c.settings.autoscaling() ? current : fixed.orElse(current);
      c.history.append(
          HistoryRecord.decision(
              now,
              c.settings.autoscaling() ? Trigger.AUTO : Trigger.MANUAL,
              current,
              to,
              Outcome.HELD,
              List.of(),
              message));
      c.writer.update(
          s -> s.conditions = put(s.conditions, true, "WaitingForSibling", message, now));
    }
    return Optional.of(WAIT_POLL);
  }

  private static List<Condition> put(
      List<Condition> conditions, boolean status, String reason, String message, Instant now) {
    return StatusMapper.put(
        conditions, StatusMapper.condition(conditions, CONDITION, status, reason, message, now));
  }

  /** Whom a component waits for, and why ("meta has operation op-1 (3 to 4) in flight..."). */
  record Wait(String system, String sibling, String why) {
    /** The start of {@link #message}: the same for the whole wait on one sibling. */
    String prefix() {
      return "waiting for " + sibling + ":";
    }

    /** The message of the condition, the Event and the history record. */
    String message() {
      return prefix() + " " + why + "; components of system " + system + " change one at a time";
    }
  }

  /** A sibling won the claim between the check and the start of this component's operation. */
  static final class BusyException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    BusyException(String message) {
      super(message);
    }
  }

  /** The Lease name of {@code system}. */
  static String leaseName(String system) {
    return "ballast-system-" + system;
  }

  /** {@code sas}'s system, if it names one. */
  static Optional<String> system(StatefulAutoscaler sas) {
    return Optional.ofNullable(sas.getSpec()).map(s -> s.system).filter(s -> !s.isBlank());
  }

  /**
   * Whether idle {@code sas} must wait before it may start an operation: empty when it may (or it
   * names no system). {@code namespace} is what the informer cache holds of its namespace. Frees a
   * stale claim {@code sas} itself holds.
   */
  Optional<Wait> check(StatefulAutoscaler sas, Stream<StatefulAutoscaler> namespace) {
    Optional<String> system = system(sas);
    if (system.isEmpty()) {
      return Optional.empty();
    }
    String name = sas.getMetadata().getName();
    Optional<Wait> journal =
        namespace
            .filter(s -> !name.equals(s.getMetadata().getName()))
            .filter(s -> system.equals(system(s)))
            .flatMap(s -> unfinished(s).map(why -> new Wait(system.get(), name(s), why)).stream())
            .findFirst();
    if (journal.isPresent()) {
      return journal;
    }
    Lease lease = lease(sas.getMetadata().getNamespace(), system.get());
    if (lease == null || holder(lease).isEmpty()) {
      return Optional.empty();
    }
    if (heldBy(lease, sas)) {
      freeStale(sas, lease);
      return Optional.empty();
    }
    return live(lease, system.get())
        .map(
            h ->
                new Wait(
                    system.get(),
                    name(h),
                    "it holds Lease "
                        + leaseName(system.get())
                        + " since "
                        + lease.getSpec().getAcquireTime()));
  }

  /** Frees a claim {@code sas} holds with nothing in its journal for {@link #STALE_AFTER}. */
  private void freeStale(StatefulAutoscaler sas) {
    Lease lease = lease(sas.getMetadata().getNamespace(), system(sas).orElseThrow());
    if (lease != null) {
      freeStale(sas, lease);
    }
  }

  private void freeStale(StatefulAutoscaler sas, Lease lease) {
    if (heldBy(lease, sas) && unfinished(sas).isEmpty() && stale(lease)) {
      LOG.warn(
          "action=system-release-stale lease={} since={}",
          lease.getMetadata().getName(),
          lease.getSpec().getAcquireTime());
      release(sas);
    }
  }

  /**
   * {@code journal} guarded by {@code sas}'s system: the claim is taken before a new operation's
   * first save (or {@link BusyException} is thrown and nothing is saved), and released after the
   * journal is cleared. Without a system, {@code journal} itself.
   */
  OperationStore guard(StatefulAutoscaler sas, OperationStore journal) {
    if (system(sas).isEmpty()) {
      return journal;
    }
    return new OperationStore() {
      @Override
      public Optional<Operation> load() {
        return journal.load();
      }

      @Override
      public void save(Operation operation) {
        boolean starts =
            !operation.finished() && journal.load().filter(o -> !o.finished()).isEmpty();
        if (starts) {
          acquire(sas);
        }
        try {
          journal.save(operation);
        } catch (RuntimeException e) {
          if (starts) {
            release(sas);
          }
          throw e;
        }
      }

      @Override
      public void clear() {
        journal.clear();
        release(sas);
      }
    };
  }

  /** Takes the claim for {@code sas}, or throws {@link BusyException} naming the live holder. */
  void acquire(StatefulAutoscaler sas) {
    String system = system(sas).orElseThrow();
    String ns = sas.getMetadata().getNamespace();
    for (int attempt = 0; ; attempt++) {
      Lease lease = lease(ns, system);
      try {
        if (lease == null) {
          client.leases().inNamespace(ns).resource(held(new Lease(), sas, system)).create();
        } else if (heldBy(lease, sas)) {
          return;
        } else {
          Optional<StatefulAutoscaler> holder =
              holder(lease).isEmpty() ? Optional.empty() : live(lease, system);
          if (holder.isPresent()) {
            throw new BusyException(
                "system "
                    + system
                    + " is held by "
                    + name(holder.get())
                    + " (Lease "
                    + leaseName(system)
                    + "); components of one system change one at a time");
          }
          client
              .leases()
              .inNamespace(ns)
              .resource(held(lease, sas, system))
              .lockResourceVersion(lease.getMetadata().getResourceVersion())
              .update();
        }
        LOG.info("action=system-claim system={} holder={}", system, name(sas));
        return;
      } catch (KubernetesClientException e) {
        if (e.getCode() != HttpURLConnection.HTTP_CONFLICT || attempt >= 3) {
          throw e;
        }
        // Another reconcile wrote the Lease in between: read it again and decide again.
      }
    }
  }

  /** Frees the claim if {@code sas} holds it; a failure is logged (the holder retries later). */
  void release(StatefulAutoscaler sas) {
    Optional<String> system = system(sas);
    if (system.isEmpty()) {
      return;
    }
    String ns = sas.getMetadata().getNamespace();
    try {
      for (int attempt = 0; attempt < 4; attempt++) {
        Lease lease = lease(ns, system.get());
        if (lease == null || !heldBy(lease, sas)) {
          return;
        }
        Lease freed = new LeaseBuilder(lease).build();
        freed.getSpec().setHolderIdentity(null);
        if (freed.getMetadata().getAnnotations() != null) {
          freed.getMetadata().getAnnotations().remove(HOLDER_UID);
        }
        try {
          client
              .leases()
              .inNamespace(ns)
              .resource(freed)
              .lockResourceVersion(lease.getMetadata().getResourceVersion())
              .update();
          LOG.info("action=system-release system={} holder={}", system.get(), name(sas));
          return;
        } catch (KubernetesClientException e) {
          if (e.getCode() != HttpURLConnection.HTTP_CONFLICT) {
            throw e;
          }
        }
      }
    } catch (KubernetesClientException e) {
      LOG.warn("action=system-release system={} error=\"{}\"", system.get(), e.getMessage());
    }
  }

  private Lease held(Lease base, StatefulAutoscaler sas, String system) {
    ZonedDateTime now = ZonedDateTime.ofInstant(clock.instant(), ZoneOffset.UTC);
    int transitions =
        base.getSpec() == null || base.getSpec().getLeaseTransitions() == null
            ? 0
            : base.getSpec().getLeaseTransitions() + 1;
    return new LeaseBuilder(base)
        .editOrNewMetadata()
        .withName(leaseName(system))
        .withNamespace(sas.getMetadata().getNamespace())
        .addToLabels(SYSTEM_LABEL, system)
        .addToAnnotations(HOLDER_UID, String.valueOf(sas.getMetadata().getUid()))
        .endMetadata()
        .editOrNewSpec()
        .withHolderIdentity(sas.getMetadata().getName())
        .withAcquireTime(now)
        .withRenewTime(now)
        .withLeaseTransitions(transitions)
        .endSpec()
        .build();
  }

  private Lease lease(String ns, String system) {
    return client.leases().inNamespace(ns).withName(leaseName(system)).get();
  }

  private static Optional<String> holder(Lease lease) {
    return Optional.ofNullable(lease.getSpec())
        .map(s -> s.getHolderIdentity())
        .filter(h -> !h.isBlank());
  }

  private static boolean heldBy(Lease lease, StatefulAutoscaler sas) {
    return holder(lease).filter(sas.getMetadata().getName()::equals).isPresent()
        && Objects.equals(holderUid(lease), String.valueOf(sas.getMetadata().getUid()));
  }

  private static String holderUid(Lease lease) {
    return lease.getMetadata().getAnnotations() == null
        ? null
        : lease.getMetadata().getAnnotations().get(HOLDER_UID);
  }

  /** The holder, read from the API server, when it still exists (same uid) and names the system. */
  private Optional<StatefulAutoscaler> live(Lease lease, String system) {
    StatefulAutoscaler h =
        client
            .resources(StatefulAutoscaler.class)
            .inNamespace(lease.getMetadata().getNamespace())
            .withName(holder(lease).orElseThrow())
            .get();
    if (h == null
        || !Objects.equals(holderUid(lease), String.valueOf(h.getMetadata().getUid()))
        || !Optional.of(system).equals(system(h))) {
      return Optional.empty();
    }
    return Optional.of(h);
  }

  private boolean stale(Lease lease) {
    ZonedDateTime since = lease.getSpec().getAcquireTime();
    return since == null || since.toInstant().plus(STALE_AFTER).isBefore(clock.instant());
  }

  /** "has operation op-1 (3 to 4) in flight at ..." when {@code sas}'s journal holds one. */
  private static Optional<String> unfinished(StatefulAutoscaler sas) {
    JsonNode node = sas.getStatus() == null ? null : sas.getStatus().operation;
    if (node == null || node.isNull()) {
      return Optional.empty();
    }
    try {
      Operation op = StoreJson.mapper().treeToValue(node, Operation.class);
      return op.finished()
          ? Optional.empty()
          : Optional.of(
              "it has operation "
                  + op.id()
                  + " ("
                  + op.from()
                  + " to "
                  + op.to()
                  + ") in flight at "
                  + op.position());
    } catch (JsonProcessingException e) {
      return Optional.of("its journal (status.operation) cannot be read");
    }
  }

  private static String name(StatefulAutoscaler sas) {
    return "StatefulAutoscaler " + sas.getMetadata().getName();
  }
}
