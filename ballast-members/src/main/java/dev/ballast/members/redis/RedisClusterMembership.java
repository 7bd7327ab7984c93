package dev.ballast.members.redis;

import static dev.ballast.members.redis.RedisServerConfig.CLIENT_PORT;
import static dev.ballast.members.redis.RedisServerConfig.SLOTS;

import dev.ballast.core.port.ClusterView;
import dev.ballast.core.port.DrainProgress;
import dev.ballast.core.port.Member;
import dev.ballast.core.port.Membership;
import dev.ballast.core.port.MembershipException;
import dev.ballast.core.port.RebalanceProgress;
import dev.ballast.members.redis.RedisNodes.Node;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.MigrateArgs;
import io.lettuce.core.Range;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.output.StatusOutput;
import io.lettuce.core.protocol.CommandArgs;
import io.lettuce.core.protocol.CommandType;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Redis Cluster membership (masters only) through Lettuce. A new master is started empty, met
 * ({@code CLUSTER MEET}) and waited for until every node lists it; its fill moves its fair share of
 * the 16384 hash slots onto it, one slot at a time ({@code SETSLOT IMPORTING} on the target, {@code
 * MIGRATING} on the source, {@code GETKEYSINSLOT} and {@code MIGRATE} in batches, {@code SETSLOT
 * NODE} on every master). A leaving master is drained the same way onto the remaining masters, then
 * forgotten ({@code CLUSTER FORGET}) by every remaining node. Slot moves run on a background thread
 * and are recomputed from the cluster's own state, so a move interrupted by a crash is resumed (a
 * half-migrated slot is finished, not restarted). Replicas are refused.
 */
public final class RedisClusterMembership implements Membership, AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(RedisClusterMembership.class);

  /** Slots whose move steps are sent together. */
  private static final int SLOTS_AT_ONCE = 128;

  /** Keys moved by one {@code MIGRATE}. */
  private static final int BATCH = 100;

  private static final Duration RETRY_PAUSE = Duration.ofMillis(100);

  /** What a cluster with replicas is told. */
  static final String NO_REPLICAS =
      "Redis Cluster replicas (--cluster-replicas) are not supported yet by Ballast; run masters"
          + " only";

  private final Duration timeout;
  private final Duration changeWait;
  private final RedisClient client;
  private final Map<String, StatefulRedisConnection<String, String>> connections =
      new ConcurrentHashMap<>();
  private final ExecutorService mover =
      Executors.newSingleThreadExecutor(
          r -> {
            Thread t = new Thread(r, "redis-slot-mover");
            t.setDaemon(true);
            return t;
          });
  private final Map<Integer, Move> moves = new ConcurrentHashMap<>();

  /**
   * A membership whose network calls each take at most {@code requestTimeout}, and which waits at
   * most {@code changeWait} for every node to agree on a change (a meet, a forget).
   */
  public RedisClusterMembership(Duration requestTimeout, Duration changeWait) {
    this.timeout = Objects.requireNonNull(requestTimeout, "requestTimeout");
    this.changeWait = Objects.requireNonNull(changeWait, "changeWait");
    if (requestTimeout.isNegative() || requestTimeout.isZero()) {
      throw new IllegalArgumentException("requestTimeout must be positive, was " + requestTimeout);
    }
    this.client = RedisClient.create();
    // A node that went away is reconnected on the next call, not retried in the background.
    this.client.setOptions(ClientOptions.builder().autoReconnect(false).build());
  }

  /** A membership whose calls take at most {@code requestTimeout}, changes waited 6 times that. */
  public RedisClusterMembership(Duration requestTimeout) {
    this(requestTimeout, requestTimeout.multipliedBy(6));
  }

  // ------------------------------------------------------------------ create

  /**
   * Makes a new cluster of {@code members} (all started, all empty masters): every node meets the
   * first, and each gets an even range of the hash slots ({@code CLUSTER ADDSLOTSRANGE}). A cluster
   * whose nodes already own slots is left as it is (it was created before).
   */
  public void create(List<Member> members) {
    if (members.isEmpty()) {
      return;
    }
    awaitAnswering(members);
    boolean anySlots =
        members.stream().anyMatch(m -> nodes(m).all().stream().anyMatch(n -> n.slotCount() > 0));
    if (anySlots) {
      LOG.info("stage=create outcome=exists members={}", members.size());
      return;
    }
    Member first = members.get(0);
    for (Member m : members.subList(1, members.size())) {
      call(first, "meet member " + m.ordinal(), c -> meet(c, m));
    }
    awaitAllKnow(members, members);
    int n = members.size();
    for (int i = 0; i < n; i++) {
      int lo = i * SLOTS / n;
      int hi = (i + 1) * SLOTS / n - 1;
      call(
          members.get(i),
          "add slots " + lo + "-" + hi,
          c -> c.clusterAddSlotsRange(Range.create(lo, hi)));
    }
    LOG.info("stage=create outcome=created masters={}", n);
  }

  // ------------------------------------------------------------------ add

  /** Nothing to launch with: a new node starts empty and is met once it runs. */
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
    RedisNodes own;
    try {
      own = nodes(member);
    } catch (MembershipException e) {
      return Optional.of("it does not answer on " + address(member) + " (" + e.getMessage() + ")");
    }
    if (own.all().stream().anyMatch(Node::replica)) {
      return Optional.of(NO_REPLICAS);
    }
    if (own.all().size() > 1 || own.myself().slotCount() > 0) {
      String state = clusterState(member);
      if (!"ok".equals(state)) {
        return Optional.of("cluster_state is " + state);
      }
    }
    return Optional.empty();
  }

  /** Meets the new node and waits until every node lists it, and it lists every node. */
  @Override
  public void join(Member joining, List<Member> current) {
    RedisNodes own = nodes(joining);
    if (own.myself().slotCount() > 0 && own.all().size() == 1) {
      throw new MembershipException(
          "member "
              + joining.ordinal()
              + " owns hash slots of a cluster of its own; not meeting it (start it empty)");
    }
    List<Member> all = new ArrayList<>(current);
    all.add(joining);
    String id = own.myself().id();
    boolean known = current.stream().allMatch(m -> nodes(m).byId(id).isPresent());
    if (!known) {
      onAny(current, "meet member " + joining.ordinal(), c -> meet(c, joining));
    }
    awaitAllKnow(all, all);
    LOG.info("stage=join member={} id={} outcome=known-by-all", joining.ordinal(), id);
  }

  @Override
  public boolean fills() {
    return true;
  }

  @Override
  public void rebalance(Member joined, List<Member> current) {
    start(joined, () -> fill(joined, current));
  }

  @Override
  public RebalanceProgress rebalanceProgress(Member joined, List<Member> current) {
    try {
      return fillProgress(joined, current);
    } catch (MemberDown e) {
      forget(joined); // a move that failed the same way is reported once, here
      throw stoppedBy(e, joined, "fill");
    }
  }

  private RebalanceProgress fillProgress(Member joined, List<Member> current) {
    List<Member> all = with(current, joined);
    int share = SLOTS / all.size();
    int owned = nodes(joined).myself().slotCount();
    boolean open = !openSlots(all).isEmpty();
    if (owned >= share && !open) {
      forget(joined);
      return RebalanceProgress.complete(share, "hash slots");
    }
    failure(joined).filter(t -> !backUp(t, all)).ifPresent(t -> rethrow(t, joined, "fill"));
    if (!running(joined)) {
      rebalance(joined, current); // resumed after a restart: the move is recomputed
    }
    return RebalanceProgress.moving(Math.min(owned, share), share, "hash slots");
  }

  @Override
  public void cancelRebalance(Member joined, List<Member> current) {
    stopMove(joined);
  }

  // ------------------------------------------------------------------ remove

  @Override
  public void drain(Member leaving, List<Member> remaining) {
    start(leaving, () -> empty(leaving, remaining));
  }

  @Override
  public DrainProgress drainProgress(Member leaving, List<Member> remaining) {
    try {
      return emptyProgress(leaving, remaining);
    } catch (MemberDown e) {
      forget(leaving); // a move that failed the same way is reported once, here
      throw stoppedBy(e, leaving, "drain");
    }
  }

  private DrainProgress emptyProgress(Member leaving, List<Member> remaining) {
    RedisNodes view = nodes(leaving);
    int owned = view.myself().slotCount();
    long keys = call(leaving, "count keys", RedisCommands::dbsize);
    boolean open = !view.myself().openSlots().isEmpty();
    if (owned == 0 && keys == 0 && !open) {
      forget(leaving);
      return DrainProgress.complete("member " + leaving.ordinal() + " owns no hash slot");
    }
    failure(leaving)
        .filter(t -> !backUp(t, with(remaining, leaving)))
        .ifPresent(t -> rethrow(t, leaving, "drain"));
    if (!running(leaving)) {
      drain(leaving, remaining);
    }
    int share = SLOTS / (remaining.size() + 1);
    double fraction = Math.max(0, Math.min(1, 1.0 - (double) owned / Math.max(share, owned)));
    return new DrainProgress(
        false,
        owned == 0 ? 0.99 : Math.min(fraction, 0.99),
        owned + " hash slots and " + keys + " keys left");
  }

  @Override
  public void cancelDrain(Member leaving, List<Member> remaining) {
    stopMove(leaving);
  }

  /**
   * {@code CLUSTER FORGET} of the leaving node on every remaining node, then waits until none lists
   * it. Refused while it owns a slot or holds a key.
   */
  @Override
  public void leave(Member leaving, List<Member> remaining) {
    Optional<Node> node = find(remaining, leaving.ordinal());
    if (node.isEmpty()) {
      LOG.info("stage=leave member={} outcome=not-a-member", leaving.ordinal());
      return;
    }
    if (node.get().slotCount() > 0) {
      throw new MembershipException(
          "member "
              + leaving.ordinal()
              + " still owns "
              + node.get().slotCount()
              + " hash slots; drain it first");
    }
    try {
      long keys = call(leaving, "count keys", RedisCommands::dbsize);
      if (keys > 0) {
        throw new MembershipException(
            "member " + leaving.ordinal() + " still holds " + keys + " keys; not forgetting it");
      }
    } catch (MembershipException e) {
      if (e.getMessage().contains("keys")) {
        throw e;
      }
      // it does not answer: it owns no slot, so no client is served from it
    }
    String id = node.get().id();
    long deadline = System.nanoTime() + changeWait.toNanos();
    while (true) {
      List<Member> listing = new ArrayList<>();
      for (Member m : remaining) {
        if (nodes(m).byId(id).isPresent()) {
          listing.add(m);
          try {
            call(m, "forget member " + leaving.ordinal(), c -> c.clusterForget(id));
          } catch (MembershipException e) {
            if (!e.getMessage().contains("Unknown node")) {
              throw e;
            }
          }
        }
      }
      if (listing.isEmpty()) {
        LOG.info("stage=leave member={} id={} outcome=forgotten", leaving.ordinal(), id);
        return;
      }
      if (System.nanoTime() > deadline) {
        throw new MembershipException(
            "members "
                + listing.stream().map(Member::ordinal).toList()
                + " still list member "
                + leaving.ordinal()
                + " after "
                + changeWait.toSeconds()
                + "s of CLUSTER FORGET");
      }
      pause();
    }
  }

  @Override
  public Optional<String> notInSync(List<Member> members) {
    List<String> problems = new ArrayList<>();
    for (Member m : members) {
      try {
        String state = clusterState(m);
        if (!"ok".equals(state)) {
          problems.add("member " + m.ordinal() + " reports cluster_state:" + state);
        }
      } catch (MembershipException e) {
        problems.add("member " + m.ordinal() + " does not answer (" + e.getMessage() + ")");
      }
    }
    return problems.isEmpty() ? Optional.empty() : Optional.of(String.join("; ", problems));
  }

  // ------------------------------------------------------------------ view

  /**
   * Voting members are the masters the first answering node lists (by the ordinal their node ID
   * names); a member is healthy when it answers, reports {@code cluster_state:ok} with all 16384
   * slots assigned and none half-migrated, and has no replica; consistent when every answering node
   * lists the same masters with the same slots.
   */
  @Override
  public ClusterView view(List<Member> members) {
    List<ClusterView.MemberStatus> statuses = new ArrayList<>();
    Map<Integer, RedisNodes> answered = new java.util.TreeMap<>();
    for (Member m : members) {
      try {
        RedisNodes nodes = nodes(m);
        answered.put(m.ordinal(), nodes);
        statuses.add(health(m, nodes));
      } catch (MembershipException e) {
        statuses.add(new ClusterView.MemberStatus(m.ordinal(), "down", false, e.getMessage()));
      }
    }
    if (answered.isEmpty()) {
      return new ClusterView(Set.of(), Optional.empty(), false, statuses, "no member answered");
    }
    RedisNodes first = answered.values().iterator().next();
    Set<Integer> voting = new TreeSet<>();
    List<String> strangers = new ArrayList<>();
    for (Node n : first.all()) {
      if (n.replica() || n.handshake()) {
        continue;
      }
      RedisServerConfig.ordinalOf(n.id()).ifPresentOrElse(voting::add, () -> strangers.add(n.id()));
    }
    boolean consistent =
        answered.values().stream().map(RedisNodes::signature).distinct().count() == 1;
    String detail =
        (consistent ? "" : "nodes disagree about the masters or their slots")
            + (strangers.isEmpty()
                ? ""
                : (consistent ? "" : "; ") + "masters Ballast does not know: " + strangers);
    return new ClusterView(voting, Optional.empty(), consistent, statuses, detail);
  }

  private ClusterView.MemberStatus health(Member m, RedisNodes nodes) {
    List<String> problems = new ArrayList<>();
    if (nodes.all().stream().anyMatch(Node::replica)) {
      problems.add(NO_REPLICAS);
    }
    Map<String, String> info = info(m);
    if (!"ok".equals(info.get("cluster_state"))) {
      problems.add("cluster_state:" + info.get("cluster_state"));
    }
    if (!Integer.toString(SLOTS).equals(info.get("cluster_slots_ok"))) {
      problems.add(
          "cluster_slots_ok:" + info.get("cluster_slots_ok") + " (not all " + SLOTS + " covered)");
    }
    if (!nodes.myself().openSlots().isEmpty()) {
      problems.add("half-migrated slots " + nodes.myself().openSlots().keySet());
    }
    String role = nodes.myself().replica() ? "replica" : "master";
    return new ClusterView.MemberStatus(
        m.ordinal(),
        role,
        problems.isEmpty(),
        problems.isEmpty()
            ? "ok, " + nodes.myself().slotCount() + " slots"
            : String.join("; ", problems));
  }

  // ------------------------------------------------------------------ slot moves

  /** A slot move running (or ended) on the mover thread for one member. */
  private record Move(Future<?> future, AtomicBoolean stop) {}

  private final ThreadLocal<AtomicBoolean> stopFlag = new ThreadLocal<>();

  private synchronized void start(Member member, Runnable work) {
    if (running(member)) {
      return;
    }
    AtomicBoolean stop = new AtomicBoolean();
    Future<?> f =
        mover.submit(
            () -> {
              stopFlag.set(stop);
              try {
                work.run();
              } finally {
                stopFlag.remove();
              }
            });
    moves.put(member.ordinal(), new Move(f, stop));
  }

  private boolean running(Member member) {
    Move m = moves.get(member.ordinal());
    return m != null && !m.future().isDone();
  }

  private Optional<Throwable> failure(Member member) {
    Move m = moves.get(member.ordinal());
    if (m == null || !m.future().isDone()) {
      return Optional.empty();
    }
    try {
      m.future().get();
      return Optional.empty();
    } catch (java.util.concurrent.ExecutionException e) {
      moves.remove(member.ordinal());
      return Optional.of(e.getCause());
    } catch (InterruptedException | java.util.concurrent.CancellationException e) {
      moves.remove(member.ordinal());
      return Optional.empty();
    }
  }

  private void rethrow(Throwable t, Member member, String what) {
    if (t instanceof MemberDown down) {
      throw stoppedBy(down, member, what);
    }
    throw new MembershipException(
        "moving hash slots stopped ("
            + what
            + " of member "
            + member.ordinal()
            + "): "
            + t.getMessage()
            + "; no key was deleted: each is on its source or on the target, and a slot moved half"
            + " stays IMPORTING on the target and MIGRATING on the source (see 'redis-cli cluster"
            + " nodes'), finished when the step is resumed; fix the cause, then run 'ballast"
            + " resume'",
        t);
  }

  /** What a move stopped by a member that does not answer tells: where the keys are, what to do. */
  private MembershipException stoppedBy(MemberDown down, Member member, String what) {
    return new MembershipException(
        "member "
            + down.ordinal()
            + " does not answer, so the "
            + what
            + " of member "
            + member.ordinal()
            + " stopped ("
            + down.getMessage()
            + "); no key was deleted: the keys moved so far are on their new master (in its"
            + " append-only file), the others on their source, and a slot moved half stays"
            + " IMPORTING on the target and MIGRATING on the source; the slots of member "
            + down.ordinal()
            + " are not served until it is back: start it again ('ballast up' starts the members"
            + " an operation needs), then run 'ballast resume' to finish the move",
        down);
  }

  /** Whether {@code t} is a member not answering that answers again (the move is restarted). */
  private boolean backUp(Throwable t, List<Member> all) {
    if (!(t instanceof MemberDown down)) {
      return false;
    }
    try {
      all.stream().filter(m -> m.ordinal() == down.ordinal()).findFirst().ifPresent(this::nodes);
      return true;
    } catch (MembershipException e) {
      return false;
    }
  }

  private void forget(Member member) {
    Move m = moves.get(member.ordinal());
    if (m != null && m.future().isDone()) {
      moves.remove(member.ordinal());
    }
  }

  private void stopMove(Member member) {
    Move m = moves.get(member.ordinal());
    if (m == null) {
      return;
    }
    m.stop().set(true);
    try {
      m.future().get(changeWait.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
    } catch (Exception e) {
      LOG.info("action=stop-move member={} outcome=\"{}\"", member.ordinal(), e.toString());
    }
    moves.remove(member.ordinal());
  }

  private boolean stopped() {
    AtomicBoolean s = stopFlag.get();
    return s != null && s.get();
  }

  /** Moves the joined master's fair share of slots onto it, from the masters with the most. */
  private void fill(Member joined, List<Member> current) {
    List<Member> all = with(current, joined);
    finishOpenSlots(all);
    // Each master's own line is authoritative for its slots: a node that just joined may not have
    // learnt the others' slots by gossip yet.
    String target = nodes(joined).myself().id();
    int share = SLOTS / all.size();
    Map<String, TreeSet<Integer>> owned = new HashMap<>();
    for (Member m : all) {
      Node n = nodes(m).myself();
      owned.put(n.id(), new TreeSet<>(n.slots()));
    }
    int need = share - owned.get(target).size();
    List<int[]> plan = new ArrayList<>(); // {slot, source index}
    List<String> ids = new ArrayList<>(owned.keySet());
    for (int i = 0; i < need; i++) {
      String source =
          owned.entrySet().stream()
              .filter(e -> !e.getKey().equals(target))
              .max(
                  Comparator.comparingInt(
                      (Map.Entry<String, TreeSet<Integer>> e) -> e.getValue().size()))
              .orElseThrow()
              .getKey();
      plan.add(new int[] {owned.get(source).pollLast(), ids.indexOf(source)});
    }
    plan.sort(Comparator.comparingInt((int[] x) -> x[1]).thenComparingInt(x -> x[0]));
    int moved = 0;
    for (List<int[]> batch : batches(plan)) {
      if (stopped()) {
        break;
      }
      String source = ids.get(batch.get(0)[1]);
      moveSlots(all, batch.stream().map(x -> x[0]).toList(), source, target);
      moved += batch.size();
    }
    LOG.info("stage=rebalance member={} outcome=moved slots={}", joined.ordinal(), moved);
  }

  /** Moves every slot of the leaving master onto the remaining master with the fewest. */
  private void empty(Member leaving, List<Member> remaining) {
    List<Member> all = with(remaining, leaving);
    finishOpenSlots(all);
    RedisNodes view = nodes(leaving);
    String source = view.myself().id();
    Map<String, Integer> counts = new HashMap<>();
    for (Member m : remaining) {
      Node n = nodes(m).myself();
      counts.put(n.id(), n.slotCount());
    }
    List<int[]> plan = new ArrayList<>(); // {slot, target index}
    List<String> ids = new ArrayList<>(counts.keySet());
    if (ids.isEmpty() && !view.myself().slots().isEmpty()) {
      throw new MembershipException("no remaining master to move slots to");
    }
    for (int slot : new TreeSet<>(view.myself().slots())) {
      String target = counts.entrySet().stream().min(Map.Entry.comparingByValue()).get().getKey();
      counts.merge(target, 1, Integer::sum);
      plan.add(new int[] {slot, ids.indexOf(target)});
    }
    plan.sort(Comparator.comparingInt((int[] x) -> x[1]).thenComparingInt(x -> x[0]));
    int moved = 0;
    for (List<int[]> batch : batches(plan)) {
      if (stopped()) {
        break;
      }
      String target = ids.get(batch.get(0)[1]);
      moveSlots(all, batch.stream().map(x -> x[0]).toList(), source, target);
      moved += batch.size();
    }
    LOG.info("stage=drain member={} outcome=moved slots={}", leaving.ordinal(), moved);
  }

  /**
   * Finishes every slot some node shows as migrating or importing, towards its target, once the
   * target is ready to take it; then checks who owns it.
   */
  private void finishOpenSlots(List<Member> all) {
    for (Map.Entry<Integer, String[]> e : openSlots(all).entrySet()) {
      String[] fromTo = e.getValue();
      LOG.info(
          "action=finish-half-migrated slot={} from={} to={}", e.getKey(), fromTo[0], fromTo[1]);
      Member dst = byId(all, fromTo[1]);
      awaitReadyToMove(all, byId(all, fromTo[0]), dst);
      moveSlot(all, e.getKey(), fromTo[0], fromTo[1]);
      verifyOwners(all, dst, List.of(e.getKey()));
    }
  }

  /** Slot to {source id, target id} for every slot a node of {@code all} migrates or imports. */
  private Map<Integer, String[]> openSlots(List<Member> all) {
    Map<Integer, String[]> open = new java.util.TreeMap<>();
    for (Member m : all) {
      Node me = nodes(m).myself();
      me.openSlots()
          .forEach(
              (slot, other) -> {
                boolean migrating = other.startsWith(">");
                String peer = other.substring(1);
                open.putIfAbsent(
                    slot, migrating ? new String[] {me.id(), peer} : new String[] {peer, me.id()});
              });
    }
    return open;
  }

  /**
   * Moves one slot from {@code source} to {@code target}: the steps of {@code redis-cli --cluster
   * reshard}, each safe to repeat, skipping those a previous (interrupted) attempt already did.
   */
  private void moveSlot(List<Member> all, int slot, String source, String target) {
    moveSlot(all, slot, source, target, false);
  }

  /** Runs of at most {@link #SLOTS_AT_ONCE} consecutive plan entries with the same peer. */
  private static List<List<int[]>> batches(List<int[]> plan) {
    List<List<int[]>> out = new ArrayList<>();
    List<int[]> run = new ArrayList<>();
    for (int[] x : plan) {
      if (!run.isEmpty() && (run.get(0)[1] != x[1] || run.size() == SLOTS_AT_ONCE)) {
        out.add(run);
        run = new ArrayList<>();
      }
      run.add(x);
    }
    if (!run.isEmpty()) {
      out.add(run);
    }
    return out;
  }

  /**
   * Moves {@code slots} (each owned by {@code source}, none half-migrated) to {@code target}, each
   * step sent for all of them at once (pipelined) and awaited before the next step starts:
   * importing on the target, migrating on the source, keys moved, then the new owner set on the
   * target, the source and every other master, in that order.
   */
  private void moveSlots(List<Member> all, List<Integer> slots, String source, String target) {
    Member src = byId(all, source);
    Member dst = byId(all, target);
    awaitReadyToMove(all, src, dst);
    await(dst, slots, s -> connection(dst).async().clusterSetSlotImporting(s, source), "import");
    await(src, slots, s -> connection(src).async().clusterSetSlotMigrating(s, target), "migrate");
    List<List<String>> keys =
        await(
            src,
            slots,
            s -> connection(src).async().clusterGetKeysInSlot(s, BATCH),
            "list keys of");
    for (int i = 0; i < slots.size(); i++) {
      if (!keys.get(i).isEmpty()) {
        moveSlot(all, slots.get(i), source, target, true, true);
      }
    }
    await(dst, slots, s -> connection(dst).async().clusterSetSlotNode(s, target), "assign");
    await(src, slots, s -> connection(src).async().clusterSetSlotNode(s, target), "assign");
    for (Member m : all) {
      if (m != src && m != dst) {
        await(m, slots, s -> connection(m).async().clusterSetSlotNode(s, target), "assign");
      }
    }
    verifyOwners(all, dst, slots);
  }

  /**
   * Waits, at most the change wait, until the slots can be moved to {@code target} safely (see
   * {@link SlotMoveChecks#notReadyToMove}); nothing is changed before.
   */
  private void awaitReadyToMove(List<Member> all, Member source, Member target) {
    long deadline = System.nanoTime() + changeWait.toNanos();
    while (true) {
      Map<String, String> info = info(target);
      long currentEpoch = Long.parseLong(info.getOrDefault("cluster_current_epoch", "0"));
      Optional<String> why =
          SlotMoveChecks.notReadyToMove(views(all), target.ordinal(), currentEpoch);
      for (Member m : List.of(source, target)) {
        String state = m == target ? info.get("cluster_state") : clusterState(m);
        if (why.isEmpty() && !"ok".equals(state)) {
          // A master just restarted takes MIGRATE only once its cluster is ok again.
          why = Optional.of("member " + m.ordinal() + " reports cluster_state:" + state);
        }
      }
      if (why.isEmpty()) {
        return;
      }
      if (System.nanoTime() > deadline) {
        throw new MembershipException(
            "not moving slots to member "
                + target.ordinal()
                + " after "
                + changeWait.toSeconds()
                + "s of waiting: "
                + why.get());
      }
      pause();
    }
  }

  /**
   * Checks on every master that {@code target} owns {@code slots}, and only it; a slot no node
   * claims or two claim stops the move (the keys stay where they are).
   */
  private void verifyOwners(List<Member> all, Member target, List<Integer> slots) {
    SlotMoveChecks.ownershipProblems(views(all), target.ordinal(), slots)
        .ifPresent(
            why -> {
              throw new MembershipException(
                  "after moving slots "
                      + SlotMoveChecks.shown(slots)
                      + " to member "
                      + target.ordinal()
                      + " the masters disagree on their owner: "
                      + why
                      + "; their keys were moved to member "
                      + target.ordinal()
                      + "; compare 'redis-cli -p PORT cluster nodes' on each member before resuming");
            });
  }

  /** Each member's own {@code CLUSTER NODES}, by ordinal. */
  private Map<Integer, RedisNodes> views(List<Member> all) {
    Map<Integer, RedisNodes> views = new java.util.TreeMap<>();
    for (Member m : all) {
      views.put(m.ordinal(), nodes(m));
    }
    return views;
  }

  /** Sends {@code op} to {@code m} for every slot at once, then awaits each answer. */
  private <T> List<T> await(
      Member m,
      List<Integer> slots,
      java.util.function.IntFunction<RedisFuture<T>> op,
      String what) {
    List<T> out = new ArrayList<>();
    int i = 0;
    try {
      List<RedisFuture<T>> futures = slots.stream().map(op::apply).toList();
      for (; i < futures.size(); i++) {
        out.add(futures.get(i).get(timeout.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS));
      }
    } catch (Exception e) {
      if (e instanceof InterruptedException) {
        Thread.currentThread().interrupt();
      }
      throw callFailed(m, "cannot " + what + " slot " + slots.get(i), e);
    }
    return out;
  }

  /**
   * Moves one slot from {@code source} to {@code target}: the steps of {@code redis-cli --cluster
   * reshard}. A slot known to be owned by the source with no move open ({@code clean}) goes
   * straight through; otherwise each step is checked first, so that one an interrupted attempt
   * already did is skipped (every step is safe to repeat).
   */
  private void moveSlot(List<Member> all, int slot, String source, String target, boolean clean) {
    moveSlot(all, slot, source, target, clean, false);
  }

  private void moveSlot(
      List<Member> all, int slot, String source, String target, boolean clean, boolean keysOnly) {
    Member src = byId(all, source);
    Member dst = byId(all, target);
    boolean owned = false;
    boolean importing = false;
    boolean migrating = false;
    if (!clean) {
      Node dstSelf = nodes(dst).myself();
      owned = dstSelf.slots().contains(slot);
      importing = dstSelf.openSlots().containsKey(slot);
      Node srcSelf = nodes(src).myself();
      migrating = !srcSelf.slots().contains(slot) || srcSelf.openSlots().containsKey(slot);
    }
    if (!owned) {
      if (!importing && !keysOnly) {
        call(dst, "import slot " + slot, c -> c.clusterSetSlotImporting(slot, source));
      }
      if (!migrating && !keysOnly) {
        call(src, "migrate slot " + slot, c -> c.clusterSetSlotMigrating(slot, target));
      }
      while (true) {
        List<String> keys =
            call(src, "list keys of slot " + slot, c -> c.clusterGetKeysInSlot(slot, BATCH));
        if (keys.isEmpty()) {
          break;
        }
        String ok;
        try {
          ok = migrate(src, dst, slot, keys, false);
        } catch (MembershipException e) {
          if (!String.valueOf(e.getMessage()).contains("BUSYKEY")) {
            throw e;
          }
          // The target holds a copy of a key the source still has: a MIGRATE cut short (the
          // source stopped after the target restored the key, before deleting its own). The
          // source's copy is the current one: while the slot is MIGRATING, a key the source
          // holds is written on the source only. So the target's copy is replaced.
          LOG.info("action=migrate-replace slot={} keys={}", slot, keys.size());
          ok = migrate(src, dst, slot, keys, true);
        }
        if (!"OK".equals(ok) && !"NOKEY".equals(ok)) {
          throw new MembershipException("MIGRATE of slot " + slot + " answered " + ok);
        }
      }
    }
    if (keysOnly) {
      return;
    }
    call(dst, "assign slot " + slot, c -> c.clusterSetSlotNode(slot, target));
    call(src, "assign slot " + slot, c -> c.clusterSetSlotNode(slot, target));
    List<RedisFuture<String>> others = new ArrayList<>();
    for (Member m : all) {
      if (m != src && m != dst) {
        others.add(connection(m).async().clusterSetSlotNode(slot, target));
      }
    }
    for (int i = 0; i < others.size(); i++) {
      try {
        others.get(i).get(timeout.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
      } catch (Exception e) {
        throw new MembershipException(
            "cannot assign slot " + slot + " on every master: " + root(e), e);
      }
    }
  }

  /**
   * {@code MIGRATE} of {@code keys} from {@code src} to {@code dst}, replacing its copies or not.
   */
  private String migrate(Member src, Member dst, int slot, List<String> keys, boolean replace) {
    MigrateArgs<String> args = MigrateArgs.Builder.keys(keys);
    if (replace) {
      args.replace();
    }
    return call(
        src,
        "move " + keys.size() + " keys of slot " + slot,
        c ->
            c.migrate(
                dst.host(),
                dst.port(CLIENT_PORT),
                0,
                // Redis' own timeout below ours: a target that died is answered as an IOERR by
                // the source, not taken for the source not answering.
                timeout.toMillis() / 2,
                args));
  }

  /** {@code CLUSTER MEET host port busport}: the bus port is not the default port + 10000. */
  private static String meet(RedisCommands<String, String> c, Member m) {
    return c.dispatch(
        CommandType.CLUSTER,
        new StatusOutput<>(StringCodec.UTF8),
        new CommandArgs<>(StringCodec.UTF8)
            .add("MEET")
            .add(m.host())
            .add(m.port(CLIENT_PORT))
            .add(m.port(RedisServerConfig.BUS_PORT)));
  }

  private Member byId(List<Member> all, String id) {
    int ordinal =
        RedisServerConfig.ordinalOf(id)
            .orElseThrow(() -> new MembershipException("node " + id + " is not one of Ballast's"));
    return all.stream()
        .filter(m -> m.ordinal() == ordinal)
        .findFirst()
        .orElseThrow(
            () ->
                new MembershipException("node " + id + " is member " + ordinal + ", not running"));
  }

  // ------------------------------------------------------------------ helpers

  private void awaitAnswering(List<Member> members) {
    long deadline = System.nanoTime() + changeWait.toNanos();
    for (Member m : members) {
      while (true) {
        try {
          nodes(m);
          break;
        } catch (MembershipException e) {
          if (System.nanoTime() > deadline) {
            throw e;
          }
          pause();
        }
      }
    }
  }

  private void awaitAllKnow(List<Member> asked, List<Member> known) {
    long deadline = System.nanoTime() + changeWait.toNanos();
    Set<Integer> wanted = known.stream().map(Member::ordinal).collect(Collectors.toSet());
    while (true) {
      List<String> missing = new ArrayList<>();
      for (Member m : asked) {
        Set<Integer> listed =
            nodes(m).all().stream()
                .filter(n -> !n.handshake())
                .map(n -> RedisServerConfig.ordinalOf(n.id()).orElse(-1))
                .collect(Collectors.toSet());
        if (!listed.containsAll(wanted)) {
          Set<Integer> lack = new TreeSet<>(wanted);
          lack.removeAll(listed);
          missing.add("member " + m.ordinal() + " does not list " + lack);
        }
      }
      if (missing.isEmpty()) {
        return;
      }
      if (System.nanoTime() > deadline) {
        throw new MembershipException(
            "nodes do not know each other after " + changeWait.toSeconds() + "s: " + missing);
      }
      pause();
    }
  }

  private Optional<Node> find(List<Member> via, int ordinal) {
    for (Member m : via) {
      try {
        return nodes(m).all().stream()
            .filter(n -> RedisServerConfig.ordinalOf(n.id()).orElse(-1) == ordinal)
            .findFirst();
      } catch (MembershipException e) {
        // another member may answer
      }
    }
    throw new MembershipException("no member answered to look member " + ordinal + " up");
  }

  private RedisNodes nodes(Member m) {
    return RedisNodes.parse(call(m, "list the cluster nodes", RedisCommands::clusterNodes));
  }

  private String clusterState(Member m) {
    return info(m).getOrDefault("cluster_state", "unknown");
  }

  private Map<String, String> info(Member m) {
    Map<String, String> info = new HashMap<>();
    for (String line : call(m, "read cluster info", RedisCommands::clusterInfo).split("\r?\n")) {
      int colon = line.indexOf(':');
      if (colon > 0) {
        info.put(line.substring(0, colon), line.substring(colon + 1).trim());
      }
    }
    return info;
  }

  private <T> T onAny(
      List<Member> via,
      String what,
      java.util.function.Function<RedisCommands<String, String>, T> op) {
    MembershipException last = null;
    for (Member m : via) {
      try {
        return call(m, what, op);
      } catch (MembershipException e) {
        last = e;
      }
    }
    throw last != null ? last : new MembershipException("no member to " + what + " through");
  }

  private <T> T call(
      Member m, String what, java.util.function.Function<RedisCommands<String, String>, T> op) {
    try {
      return op.apply(connection(m).sync());
    } catch (RuntimeException e) {
      throw callFailed(m, "cannot " + what, e);
    }
  }

  /**
   * The exception for a call to {@code m} that failed: {@link MemberDown} when it did not answer
   * (no connection, a timeout), else what Redis answered.
   */
  private MembershipException callFailed(Member m, String what, Throwable e) {
    Throwable cause = e instanceof java.util.concurrent.ExecutionException ? e.getCause() : e;
    String message = what + " on member " + m.ordinal() + " (" + address(m) + "): " + root(e);
    if (cause instanceof RedisCommandExecutionException) {
      return new MembershipException(message, e);
    }
    connections.computeIfPresent(
        address(m),
        (k, c) -> {
          c.closeAsync();
          return null;
        });
    return new MemberDown(m.ordinal(), message, e);
  }

  /** A member that did not answer: stopped, killed, or too slow. */
  static final class MemberDown extends MembershipException {
    private static final long serialVersionUID = 1L;
    private final int ordinal;

    MemberDown(int ordinal, String message, Throwable cause) {
      super(message, cause);
      this.ordinal = ordinal;
    }

    int ordinal() {
      return ordinal;
    }
  }

  /** The open connection to {@code m}; one that was lost (never reconnected) is replaced. */
  private StatefulRedisConnection<String, String> connection(Member m) {
    return connections.compute(
        address(m),
        (a, c) -> {
          if (c != null && c.isOpen()) {
            return c;
          }
          return client.connect(
              StringCodec.UTF8,
              RedisURI.Builder.redis(m.host(), m.port(CLIENT_PORT)).withTimeout(timeout).build());
        });
  }

  private static String address(Member m) {
    return m.host() + ":" + m.port(CLIENT_PORT);
  }

  private static String root(Throwable t) {
    Throwable c = t;
    while (c.getCause() != null && c.getCause() != c) {
      c = c.getCause();
    }
    return c.getMessage() != null ? c.getMessage() : t.toString();
  }

  private static List<Member> with(List<Member> members, Member extra) {
    List<Member> all = new ArrayList<>(members);
    if (all.stream().noneMatch(m -> m.ordinal() == extra.ordinal())) {
      all.add(extra);
    }
    return all;
  }

  private static void pause() {
    try {
      Thread.sleep(RETRY_PAUSE.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new MembershipException("interrupted while waiting", e);
    }
  }

  @Override
  public void close() {
    moves.values().forEach(m -> m.stop().set(true));
    mover.shutdownNow();
    connections.values().forEach(StatefulRedisConnection::close);
    connections.clear();
    client.shutdown();
  }
}
