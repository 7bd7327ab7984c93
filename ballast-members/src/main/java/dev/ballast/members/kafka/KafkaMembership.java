package dev.ballast.members.kafka;

import static dev.ballast.members.kafka.KafkaServerConfig.bootstrap;

import dev.ballast.core.port.ClusterView;
import dev.ballast.core.port.DrainProgress;
import dev.ballast.core.port.Member;
import dev.ballast.core.port.Membership;
import dev.ballast.core.port.MembershipException;
import dev.ballast.core.port.RebalanceProgress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.clients.admin.ListTopicsOptions;
import org.apache.kafka.clients.admin.NewPartitionReassignment;
import org.apache.kafka.clients.admin.PartitionReassignment;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.TopicPartitionInfo;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Kafka (KRaft) brokers as members, through the Admin client: a broker's ordinal is its node id. A
 * started broker registers with the controllers by itself; it is ready once the controllers list it
 * unfenced. It is then filled: partitions are reassigned so that it holds its share of the replicas
 * (replication factor kept), and the fill is done when no reassignment runs and its replicas are in
 * sync. A leaving broker is drained: every replica it holds is reassigned to the remaining brokers,
 * and the drain is done when it holds none and every partition has its full in-sync replica set
 * again. It leaves only when it holds no replica (else the removal stops and names the partitions),
 * is stopped, and is then unregistered from the controllers. The plans are recomputed from the
 * cluster's own state each time, so an action re-run after a crash resumes the move.
 */
public final class KafkaMembership implements Membership, AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(KafkaMembership.class);
  private static final int SHOWN = 8;

  /** KRaft's own metadata log, which every broker keeps and no reassignment moves. */
  private static final String METADATA_TOPIC = "__cluster_metadata";

  private final Duration timeout;
  private final Map<String, Admin> admins = new ConcurrentHashMap<>();

  /**
   * How long a move may look stalled (nothing reassigning, yet not finished) before it is submitted
   * again: a broker's metadata lags the controller's for a moment after each change.
   */
  private static final Duration STALL = Duration.ofSeconds(3);

  /** Since when (nanoTime) each member's fill or drain has looked stalled. */
  private final Map<Integer, Long> stalledSince = new ConcurrentHashMap<>();

  /** Members whose fill was seen complete: it stays complete (metadata reads may lag). */
  private final Set<Integer> filled = ConcurrentHashMap.newKeySet();

  /** The most partitions a drain has seen on each leaving broker, for its progress fraction. */
  private final Map<Integer, Integer> drainStart = new ConcurrentHashMap<>();

  /** A membership whose Admin calls each take at most {@code requestTimeout}. */
  public KafkaMembership(Duration requestTimeout) {
    this.timeout = Objects.requireNonNull(requestTimeout, "requestTimeout");
    if (requestTimeout.isNegative() || requestTimeout.isZero()) {
      throw new IllegalArgumentException("requestTimeout must be positive, was " + requestTimeout);
    }
  }

  // ------------------------------------------------------------------ add

  /** Nothing to prepare: a broker registers with the controllers when it starts. */
  @Override
  public Map<String, String> announce(Member joining, List<Member> current) {
    return Map.of();
  }

  @Override
  public boolean isReady(Member member, List<Member> current) {
    return notReady(member, current).isEmpty();
  }

  @Override
  public Optional<String> notReady(Member member, List<Member> current) {
    Map<Integer, Node> brokers;
    try {
      brokers = brokers(with(current, member));
    } catch (MembershipException e) {
      return Optional.of("the cluster does not answer (" + e.getMessage() + ")");
    }
    Node node = brokers.get(member.ordinal());
    if (node == null) {
      // A broker answers requests before the controllers know it: only their list counts.
      return Optional.of("it is not registered with the controllers yet");
    }
    if (node.isFenced()) {
      return Optional.of("it is registered but fenced (not caught up with the metadata yet)");
    }
    return Optional.empty();
  }

  /** A registered, unfenced broker is a full member; this checks that it is. */
  @Override
  public void join(Member joining, List<Member> current) {
    notReady(joining, current)
        .ifPresent(
            why -> {
              throw new MembershipException("broker " + joining.ordinal() + " cannot join: " + why);
            });
    LOG.info("stage=join member={} outcome=registered", joining.ordinal());
  }

  @Override
  public boolean fills() {
    return true;
  }

  @Override
  public void rebalance(Member joined, List<Member> current) {
    List<Member> all = with(current, joined);
    filled.remove(joined.ordinal());
    requireRegistered(all, "partitions move onto broker " + joined.ordinal());
    Map<TopicPartition, PartitionReassignment> ongoing = ongoing(all);
    if (!ongoing.isEmpty()) {
      LOG.info(
          "stage=rebalance member={} outcome=moving reassignments={}",
          joined.ordinal(),
          ongoing.size());
      return;
    }
    Map<TopicPartition, List<Integer>> moves =
        KafkaReassignments.fill(assignment(all), ordinals(all), joined.ordinal());
    submit(all, moves);
    LOG.info(
        "stage=rebalance member={} outcome=started partitions={}", joined.ordinal(), moves.size());
  }

  @Override
  public RebalanceProgress rebalanceProgress(Member joined, List<Member> current) {
    List<Member> all = with(current, joined);
    Map<TopicPartition, PartitionReassignment> ongoing = ongoing(all);
    // One broker list for both checks: each poll is a few round trips, this saves one.
    Set<Integer> up = serving(all);
    requireTargetsUp(up, ongoing, "filling broker " + joined.ordinal());
    if (!up.contains(joined.ordinal())) {
      throw new MembershipException(
          "filling broker "
              + joined.ordinal()
              + " stopped: broker(s) ["
              + joined.ordinal()
              + "] died or stopped (the controllers do not list it as serving); no data is lost:"
              + " every partition keeps its previous replicas or another in-sync one; bring the"
              + " broker back ('ballast up' restarts it), then run 'ballast resume'; or let the"
              + " step time out (the add is then rolled back: the moves are cancelled and what"
              + " moved is drained back off)");
    }
    Map<TopicPartition, TopicPartitionInfo> partitions = partitions(all);
    Map<TopicPartition, List<Integer>> assignment = replicas(partitions);
    int share = KafkaReassignments.share(assignment, all.size());
    long held =
        partitions.entrySet().stream()
            .filter(e -> !ongoing.containsKey(e.getKey()))
            .filter(e -> ids(e.getValue().isr()).contains(joined.ordinal()))
            .count();
    long moved = Math.min(held, share);
    String what = "partitions onto broker " + joined.ordinal();
    if (!ongoing.isEmpty()) {
      stalledSince.remove(joined.ordinal());
      return RebalanceProgress.moving(moved, share, what + ", " + ongoing.size() + " moving");
    }
    if (filled.contains(joined.ordinal())) {
      return RebalanceProgress.complete(share, what + " (replication factor kept)");
    }
    Map<TopicPartition, List<Integer>> remaining =
        KafkaReassignments.fill(assignment, ordinals(all), joined.ordinal());
    if (!remaining.isEmpty()) {
      // Nothing moves but the share is not reached: the metadata read lags the controller, or the
      // plan was cancelled; once that lasts, submit what remains.
      if (stalled(joined)) {
        submit(all, remaining);
      }
      return RebalanceProgress.moving(moved, share, what + ", " + remaining.size() + " to move");
    }
    stalledSince.remove(joined.ordinal());
    List<TopicPartition> behind = notInSyncOn(partitions, joined.ordinal());
    if (!behind.isEmpty()) {
      return RebalanceProgress.moving(
          moved,
          share,
          "broker "
              + joined.ordinal()
              + " is not in sync yet for "
              + KafkaReassignments.describe(behind, SHOWN));
    }
    filled.add(joined.ordinal());
    return RebalanceProgress.complete(share, what + " (replication factor kept)");
  }

  /** Whether the member's move has looked stalled for {@link #STALL} (then the clock restarts). */
  private boolean stalled(Member m) {
    long now = System.nanoTime();
    long since = stalledSince.computeIfAbsent(m.ordinal(), k -> now);
    if (now - since >= STALL.toNanos()) {
      stalledSince.put(m.ordinal(), now);
      return true;
    }
    return false;
  }

  @Override
  public void cancelRebalance(Member joined, List<Member> current) {
    filled.remove(joined.ordinal());
    cancel(with(current, joined), joined.ordinal(), true);
  }

  // ------------------------------------------------------------------ view

  @Override
  public ClusterView view(List<Member> members) {
    Map<Integer, Node> brokers;
    Map<TopicPartition, TopicPartitionInfo> partitions;
    try {
      brokers = brokers(members);
      partitions = partitions(members);
    } catch (MembershipException e) {
      List<ClusterView.MemberStatus> down =
          members.stream()
              .map(m -> new ClusterView.MemberStatus(m.ordinal(), "down", false, e.getMessage()))
              .toList();
      return new ClusterView(Set.of(), Optional.empty(), false, down, "no broker answered");
    }
    Set<Integer> voting = new TreeSet<>();
    List<ClusterView.MemberStatus> statuses = new ArrayList<>();
    for (Member m : members) {
      Node node = brokers.get(m.ordinal());
      if (node == null) {
        statuses.add(
            new ClusterView.MemberStatus(
                m.ordinal(), "down", false, "not registered with the controllers"));
        continue;
      }
      if (node.isFenced()) {
        statuses.add(
            new ClusterView.MemberStatus(
                m.ordinal(), "fenced", false, "fenced by the controllers"));
        continue;
      }
      voting.add(m.ordinal());
      List<TopicPartition> behind = notInSyncOn(partitions, m.ordinal());
      statuses.add(
          behind.isEmpty()
              ? new ClusterView.MemberStatus(m.ordinal(), "broker", true, "ok")
              : new ClusterView.MemberStatus(
                  m.ordinal(),
                  "broker",
                  false,
                  "not in sync for " + KafkaReassignments.describe(behind, SHOWN)));
    }
    Set<Integer> known = ordinals(members);
    List<Integer> strangers =
        brokers.keySet().stream().filter(id -> !known.contains(id)).sorted().toList();
    List<TopicPartition> under = underReplicated(partitions);
    List<String> detail = new ArrayList<>();
    if (!strangers.isEmpty()) {
      detail.add("brokers registered but not asked about: " + strangers);
    }
    if (!under.isEmpty()) {
      detail.add("under-replicated partitions: " + KafkaReassignments.describe(under, SHOWN));
    }
    return new ClusterView(voting, Optional.empty(), true, statuses, String.join("; ", detail));
  }

  /** Empty when every partition has its full in-sync replica set, else the ones that lack it. */
  @Override
  public Optional<String> notInSync(List<Member> members) {
    List<TopicPartition> under = underReplicated(partitions(members));
    return under.isEmpty()
        ? Optional.empty()
        : Optional.of(
            "under-replicated partitions (in-sync replicas below the replica set): "
                + KafkaReassignments.describe(under, SHOWN));
  }

  // ------------------------------------------------------------------ remove

  @Override
  public void drain(Member leaving, List<Member> remaining) {
    List<Member> all = with(remaining, leaving);
    Map<TopicPartition, PartitionReassignment> ongoing = ongoing(all);
    if (!ongoing.isEmpty()) {
      LOG.info(
          "stage=drain member={} outcome=moving reassignments={}",
          leaving.ordinal(),
          ongoing.size());
      return;
    }
    requireRegistered(remaining, "partitions move off broker " + leaving.ordinal());
    Map<TopicPartition, List<Integer>> moves = drainPlan(all, remaining, leaving);
    drainStart.merge(leaving.ordinal(), moves.size(), Math::max);
    submit(all, moves);
    LOG.info(
        "stage=drain member={} outcome=started partitions={}", leaving.ordinal(), moves.size());
  }

  @Override
  public DrainProgress drainProgress(Member leaving, List<Member> remaining) {
    List<Member> all = with(remaining, leaving);
    Map<TopicPartition, PartitionReassignment> ongoing = ongoing(all);
    // One broker list for the running moves' targets and the leaving broker's own log directories.
    Map<Integer, Node> brokers = brokers(all);
    requireTargetsUp(unfenced(brokers), ongoing, "draining broker " + leaving.ordinal());
    Map<TopicPartition, TopicPartitionInfo> partitions = partitions(all);
    List<TopicPartition> left = held(all, leaving, replicas(partitions), brokers);
    int start = drainStart.merge(leaving.ordinal(), left.size(), Math::max);
    double fraction = start == 0 ? 1.0 : 1.0 - (double) left.size() / start;
    if (!left.isEmpty()) {
      if (ongoing.isEmpty() && stalled(leaving)) {
        // Nothing moves but replicas are left (a plan made from lagging metadata, a cancel):
        // submit the moves again.
        requireRegistered(remaining, "partitions move off broker " + leaving.ordinal());
        submit(all, drainPlan(all, remaining, leaving));
      }
      return new DrainProgress(
          false,
          Math.min(fraction, 0.99),
          left.size()
              + " partition(s) left on broker "
              + leaving.ordinal()
              + ": "
              + KafkaReassignments.describe(left, SHOWN));
    }
    stalledSince.remove(leaving.ordinal());
    List<TopicPartition> under = underReplicated(partitions);
    if (!ongoing.isEmpty() || !under.isEmpty()) {
      return new DrainProgress(
          false,
          0.99,
          "waiting for full in-sync replica sets: " + KafkaReassignments.describe(under, SHOWN));
    }
    drainStart.remove(leaving.ordinal());
    return DrainProgress.complete(
        "broker " + leaving.ordinal() + " holds no partition; every partition is fully in sync");
  }

  @Override
  public void cancelDrain(Member leaving, List<Member> remaining) {
    cancel(with(remaining, leaving), leaving.ordinal(), false);
  }

  /**
   * Refuses while the broker still holds a replica (naming the partitions): it leaves only empty.
   * Its registration goes once it has stopped ({@link #forget}).
   */
  @Override
  public void leave(Member leaving, List<Member> remaining) {
    requireEmpty(leaving, remaining, "leave");
    LOG.info("stage=leave member={} outcome=holds-no-partition", leaving.ordinal());
  }

  @Override
  public boolean forgetsAfterStop() {
    return true;
  }

  @Override
  public void forget(Member gone, List<Member> remaining) {
    requireEmpty(gone, remaining, "be unregistered");
    if (!brokers(with(remaining, gone)).containsKey(gone.ordinal())) {
      LOG.info("stage=forget member={} outcome=not-registered", gone.ordinal());
      return;
    }
    try {
      get(
          "unregister broker " + gone.ordinal(),
          admin(remaining).unregisterBroker(gone.ordinal()).all());
    } catch (MembershipException e) {
      if (!brokers(with(remaining, gone)).containsKey(gone.ordinal())) {
        return; // the answer was lost but it took effect
      }
      throw e;
    }
    LOG.info("stage=forget member={} outcome=unregistered", gone.ordinal());
  }

  // ------------------------------------------------------------------ helpers

  private void requireEmpty(Member broker, List<Member> remaining, String what) {
    List<Member> all = with(remaining, broker);
    Map<Integer, Node> brokers;
    try {
      brokers = brokers(all);
    } catch (MembershipException e) {
      brokers = Map.of(); // judged by the metadata alone, as for a broker that does not answer
    }
    List<TopicPartition> held = held(all, broker, assignment(all), brokers);
    if (!held.isEmpty()) {
      throw new MembershipException(
          "broker "
              + broker.ordinal()
              + " still holds replicas of "
              + held.size()
              + " partition(s): "
              + KafkaReassignments.describe(held, SHOWN)
              + "; it cannot "
              + what
              + " until they are moved off (drain it first); it keeps running with its data");
    }
  }

  /**
   * The partitions {@code broker} holds: those the metadata gives it, and those whose logs it still
   * has on disk, as the broker itself says (a metadata read may lag the controller; the broker's
   * own log directories do not). A broker that does not answer, or that {@code brokers} (the
   * registered ones) does not list unfenced, is judged by the metadata alone.
   */
  private List<TopicPartition> held(
      List<Member> all,
      Member broker,
      Map<TopicPartition, List<Integer>> assignment,
      Map<Integer, Node> brokers) {
    Set<TopicPartition> held = new TreeSet<>(KafkaReassignments.ORDER);
    held.addAll(KafkaReassignments.heldBy(assignment, broker.ordinal()));
    try {
      Node node = brokers.get(broker.ordinal());
      if (node == null || node.isFenced()) {
        return List.copyOf(held); // it does not serve: the metadata is all there is to ask
      }
      get(
              "describe the log directories of broker " + broker.ordinal(),
              admin(all).describeLogDirs(List.of(broker.ordinal())).allDescriptions())
          .getOrDefault(broker.ordinal(), Map.of())
          .values()
          .forEach(
              d ->
                  d.replicaInfos().keySet().stream()
                      .filter(tp -> !tp.topic().equals(METADATA_TOPIC))
                      .forEach(held::add));
    } catch (MembershipException e) {
      LOG.debug("member={} action=describe-log-dirs outcome=failed", broker.ordinal());
    }
    return List.copyOf(held);
  }

  private Map<TopicPartition, List<Integer>> drainPlan(
      List<Member> all, List<Member> remaining, Member leaving) {
    try {
      return KafkaReassignments.drain(assignment(all), ordinals(remaining), leaving.ordinal());
    } catch (IllegalArgumentException e) {
      throw new MembershipException(
          "cannot drain broker " + leaving.ordinal() + ": " + e.getMessage());
    }
  }

  /** Fails naming the brokers of {@code members} the controllers do not list unfenced. */
  private void requireRegistered(List<Member> members, String what) {
    Set<Integer> up = serving(members);
    List<Integer> down =
        members.stream().map(Member::ordinal).filter(id -> !up.contains(id)).toList();
    if (!down.isEmpty()) {
      throw new MembershipException(
          "broker(s) "
              + down
              + " are not registered with the controllers (stopped or dead); nothing was moved"
              + " before "
              + what
              + "; bring them back ('ballast up' restarts them), then run 'ballast resume'");
    }
  }

  /**
   * Fails when a broker that a running reassignment adds replicas to is down: that reassignment
   * cannot finish. The partitions keep being served by their old replicas meanwhile.
   */
  private static void requireTargetsUp(
      Set<Integer> up, Map<TopicPartition, PartitionReassignment> ongoing, String what) {
    if (ongoing.isEmpty()) {
      return;
    }
    Map<Integer, List<TopicPartition>> stuck = new TreeMap<>();
    ongoing.forEach(
        (tp, r) ->
            r.addingReplicas().stream()
                .filter(id -> !up.contains(id))
                .forEach(id -> stuck.computeIfAbsent(id, k -> new ArrayList<>()).add(tp)));
    if (!stuck.isEmpty()) {
      throw new MembershipException(
          what
              + " stopped: broker(s) "
              + stuck.keySet()
              + " died while partitions moved onto them ("
              + KafkaReassignments.describe(
                  stuck.values().stream()
                      .flatMap(List::stream)
                      .sorted(KafkaReassignments.ORDER)
                      .toList(),
                  SHOWN)
              + "); no data is lost: those partitions stay served by their previous replicas until"
              + " the move finishes; bring the broker back ('ballast up' restarts it) and the move"
              + " finishes by itself, then run 'ballast resume'; or let the step time out (an add"
              + " is then rolled back)");
    }
  }

  /** Cancels the running reassignments that add to ({@code adding}) or remove from the broker. */
  private void cancel(List<Member> all, int broker, boolean adding) {
    Map<TopicPartition, Optional<NewPartitionReassignment>> cancels = new LinkedHashMap<>();
    ongoing(all)
        .forEach(
            (tp, r) -> {
              List<Integer> touched = adding ? r.addingReplicas() : r.removingReplicas();
              if (touched.contains(broker)) {
                cancels.put(tp, Optional.empty());
              }
            });
    if (cancels.isEmpty()) {
      return;
    }
    get(
        "cancel " + cancels.size() + " reassignment(s)",
        admin(all).alterPartitionReassignments(cancels).all());
    LOG.info("action=cancel-reassignments member={} partitions={}", broker, cancels.size());
  }

  private void submit(List<Member> all, Map<TopicPartition, List<Integer>> moves) {
    if (moves.isEmpty()) {
      return;
    }
    Map<TopicPartition, Optional<NewPartitionReassignment>> request = new LinkedHashMap<>();
    moves.forEach((tp, rs) -> request.put(tp, Optional.of(new NewPartitionReassignment(rs))));
    get(
        "reassign " + moves.size() + " partition(s)",
        admin(all).alterPartitionReassignments(request).all());
  }

  private Map<TopicPartition, PartitionReassignment> ongoing(List<Member> via) {
    return get(
        "list partition reassignments", admin(via).listPartitionReassignments().reassignments());
  }

  /** The ids of the brokers the controllers list unfenced: those that serve. */
  private Set<Integer> serving(List<Member> via) {
    return get("list the serving brokers", admin(via).describeCluster().nodes()).stream()
        .map(Node::id)
        .collect(Collectors.toSet());
  }

  /** The ids of {@code brokers} that are not fenced: those that serve. */
  private static Set<Integer> unfenced(Map<Integer, Node> brokers) {
    return brokers.values().stream()
        .filter(n -> !n.isFenced())
        .map(Node::id)
        .collect(Collectors.toSet());
  }

  /** Registered brokers by id, fenced ones included (see {@link Node#isFenced}). */
  private Map<Integer, Node> brokers(List<Member> via) {
    Map<Integer, Node> out = new HashMap<>();
    get(
            "list the brokers",
            admin(via)
                .describeCluster(new DescribeClusterOptions().includeFencedBrokers(true))
                .nodes())
        .forEach(n -> out.put(n.id(), n));
    return out;
  }

  private Map<TopicPartition, TopicPartitionInfo> partitions(List<Member> via) {
    Admin admin = admin(via);
    Set<String> topics =
        get("list topics", admin.listTopics(new ListTopicsOptions().listInternal(true)).names());
    Map<TopicPartition, TopicPartitionInfo> out = new TreeMap<>(KafkaReassignments.ORDER);
    if (topics.isEmpty()) {
      return out;
    }
    Map<String, TopicDescription> described =
        get("describe topics", admin.describeTopics(topics).allTopicNames());
    described.forEach(
        (name, d) ->
            d.partitions().forEach(p -> out.put(new TopicPartition(name, p.partition()), p)));
    return out;
  }

  private Map<TopicPartition, List<Integer>> assignment(List<Member> via) {
    return replicas(partitions(via));
  }

  private static Map<TopicPartition, List<Integer>> replicas(
      Map<TopicPartition, TopicPartitionInfo> partitions) {
    Map<TopicPartition, List<Integer>> out = new TreeMap<>(KafkaReassignments.ORDER);
    partitions.forEach((tp, p) -> out.put(tp, ids(p.replicas())));
    return out;
  }

  private static List<TopicPartition> underReplicated(
      Map<TopicPartition, TopicPartitionInfo> partitions) {
    return partitions.entrySet().stream()
        .filter(e -> !Set.copyOf(ids(e.getValue().isr())).containsAll(ids(e.getValue().replicas())))
        .map(Map.Entry::getKey)
        .toList();
  }

  /** The partitions that have a replica on {@code broker} that is not in their in-sync set. */
  private static List<TopicPartition> notInSyncOn(
      Map<TopicPartition, TopicPartitionInfo> partitions, int broker) {
    return partitions.entrySet().stream()
        .filter(e -> ids(e.getValue().replicas()).contains(broker))
        .filter(e -> !ids(e.getValue().isr()).contains(broker))
        .map(Map.Entry::getKey)
        .toList();
  }

  private static List<Integer> ids(List<Node> nodes) {
    return nodes.stream().map(Node::id).toList();
  }

  private static Set<Integer> ordinals(List<Member> members) {
    return members.stream().map(Member::ordinal).collect(Collectors.toCollection(TreeSet::new));
  }

  private static List<Member> with(List<Member> members, Member extra) {
    return Stream.concat(
            members.stream().filter(m -> m.ordinal() != extra.ordinal()), Stream.of(extra))
        .toList();
  }

  private <T> T get(String what, KafkaFuture<T> future) {
    try {
      return future.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      future.cancel(true);
      throw new MembershipException("cannot " + what + ": no answer within " + timeout, e);
    } catch (ExecutionException e) {
      Throwable cause = e.getCause() == null ? e : e.getCause();
      throw new MembershipException("cannot " + what + ": " + cause.getMessage(), cause);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new MembershipException("interrupted while trying to " + what, e);
    }
  }

  private Admin admin(List<Member> via) {
    if (via.isEmpty()) {
      throw new MembershipException("no broker to ask");
    }
    String servers =
        bootstrap(via.stream().sorted(java.util.Comparator.comparingInt(Member::ordinal)).toList());
    return admins.computeIfAbsent(
        servers,
        s -> {
          Properties p = new Properties();
          p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, s);
          p.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) timeout.toMillis());
          p.put(
              AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG,
              (int) Math.max(500, timeout.toMillis() / 2));
          p.put(AdminClientConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, 500);
          p.put(AdminClientConfig.CLIENT_ID_CONFIG, "ballast");
          return Admin.create(p);
        });
  }

  @Override
  public void close() {
    admins.values().forEach(a -> a.close(Duration.ofSeconds(1)));
    admins.clear();
  }
}
