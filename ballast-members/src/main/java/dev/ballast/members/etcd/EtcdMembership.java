package dev.ballast.members.etcd;

import static dev.ballast.members.etcd.EtcdServerConfig.INITIAL_CLUSTER;
import static dev.ballast.members.etcd.EtcdServerConfig.INITIAL_CLUSTER_STATE;
import static dev.ballast.members.etcd.EtcdServerConfig.clientUrl;
import static dev.ballast.members.etcd.EtcdServerConfig.name;
import static dev.ballast.members.etcd.EtcdServerConfig.ordinalOf;
import static dev.ballast.members.etcd.EtcdServerConfig.peerUrl;

import dev.ballast.core.port.ClusterView;
import dev.ballast.core.port.DrainProgress;
import dev.ballast.core.port.Member;
import dev.ballast.core.port.Membership;
import dev.ballast.core.port.MembershipException;
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.maintenance.StatusResponse;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * etcd v3 membership through its member API (jetcd): a new member is added as a learner, started
 * with {@code --initial-cluster-state=existing} and the cluster the add returned, and promoted to a
 * voting member once it has caught up with the leader (etcd refuses the promotion before: it is
 * retried for a bounded time); a leaving member is removed with {@code member remove}, then
 * stopped. Every etcd member holds all the data, so there is nothing to drain or fill. etcd refuses
 * a membership change while the cluster is unhealthy: such a refusal is retried for a bounded time,
 * then reported with etcd's own reason. Each network call is bounded by the request timeout; the
 * clients (one per member endpoint) are kept and closed by {@link #close}.
 */
public final class EtcdMembership implements Membership, AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(EtcdMembership.class);

  /** etcd promotes a learner whose log holds this fraction of the leader's; so do we. */
  private static final double READY_FRACTION = 0.9;

  /** Refusals that say "not now" rather than "never": worth retrying within the change wait. */
  private static final List<String> TRANSIENT =
      List.of(
          "unhealthy cluster",
          "not enough started members",
          "in sync with leader",
          "leader changed",
          "no leader",
          "timed out",
          "request timed out",
          "not capable");

  private static final Duration RETRY_PAUSE = Duration.ofMillis(250);
  private static final ByteSequence HEALTH_KEY =
      ByteSequence.from("health", StandardCharsets.UTF_8);

  private final Duration timeout;
  private final Duration changeWait;
  private final Map<String, Client> clients = new ConcurrentHashMap<>();

  /** Asks several members at once, each call bounded by the request timeout. */
  private final ExecutorService workers =
      Executors.newFixedThreadPool(
          8,
          r -> {
            Thread t = new Thread(r, "etcd-membership");
            t.setDaemon(true);
            return t;
          });

  /**
   * A membership whose network calls each take at most {@code requestTimeout}, and whose refused
   * changes (cluster unhealthy, learner not caught up yet) are retried for at most {@code
   * changeWait}.
   */
  public EtcdMembership(Duration requestTimeout, Duration changeWait) {
    this.timeout = Objects.requireNonNull(requestTimeout, "requestTimeout");
    this.changeWait = Objects.requireNonNull(changeWait, "changeWait");
    if (requestTimeout.isNegative() || requestTimeout.isZero()) {
      throw new IllegalArgumentException("requestTimeout must be positive, was " + requestTimeout);
    }
  }

  /**
   * A membership whose calls take at most {@code requestTimeout}, changes retried for 6 times that.
   */
  public EtcdMembership(Duration requestTimeout) {
    this(requestTimeout, requestTimeout.multipliedBy(6));
  }

  // ------------------------------------------------------------------ add

  @Override
  public Map<String, String> announce(Member joining, List<Member> current) {
    List<io.etcd.jetcd.cluster.Member> list = members(current);
    Optional<io.etcd.jetcd.cluster.Member> known = find(list, joining);
    if (known.isPresent()) {
      LOG.info(
          "stage=announce member={} id={} outcome=already-added learner={}",
          joining.ordinal(),
          Long.toHexString(known.get().getId()),
          known.get().isLearner());
    } else {
      URI peer = URI.create(peerUrl(joining));
      list =
          change(
              "add member " + joining.ordinal() + " as a learner",
              current,
              c -> c.getClusterClient().addMember(List.of(peer), true),
              r -> r.getMembers(),
              () -> find(members(current), joining).isPresent() ? members(current) : null);
      LOG.info(
          "stage=announce member={} outcome=learner-added members={}",
          joining.ordinal(),
          list.size());
    }
    return Map.of(
        INITIAL_CLUSTER, initialCluster(list, joining), INITIAL_CLUSTER_STATE, "existing");
  }

  @Override
  public boolean isReady(Member member, List<Member> current) {
    return notReady(member, current).isEmpty();
  }

  @Override
  public Optional<String> notReady(Member member, List<Member> current) {
    StatusResponse own;
    try {
      own = status(member);
    } catch (MembershipException e) {
      return Optional.of(
          "it does not answer on " + clientUrl(member) + " (" + e.getMessage() + ")");
    }
    List<io.etcd.jetcd.cluster.Member> list;
    try {
      list = members(current);
    } catch (MembershipException e) {
      return Optional.of("the cluster does not answer (" + e.getMessage() + ")");
    }
    Optional<io.etcd.jetcd.cluster.Member> me = find(list, member);
    if (me.isEmpty()) {
      return Optional.of("it is not a member of the cluster (announce it first)");
    }
    if (own.getLeader() == 0) {
      return Optional.of("it knows no leader yet");
    }
    if (!me.get().isLearner()) {
      return Optional.empty();
    }
    long leaderIndex = leaderIndex(current, own.getLeader());
    long applied = own.getRaftAppliedIndex();
    if (applied < READY_FRACTION * leaderIndex) {
      return Optional.of(
          "the learner is behind the leader (applied index "
              + applied
              + " of "
              + leaderIndex
              + ")");
    }
    return Optional.empty();
  }

  @Override
  public void join(Member joining, List<Member> current) {
    long deadline = System.nanoTime() + changeWait.toNanos();
    while (true) {
      io.etcd.jetcd.cluster.Member me =
          find(members(current), joining)
              .orElseThrow(
                  () ->
                      new MembershipException(
                          "member "
                              + joining.ordinal()
                              + " is not a member of the cluster (never announced, or removed);"
                              + " cannot promote it"));
      if (!me.isLearner()) {
        LOG.info("stage=join member={} outcome=already-voting", joining.ordinal());
        return;
      }
      try {
        onAny(
            "promote member " + joining.ordinal(),
            current,
            c -> c.getClusterClient().promoteMember(me.getId()));
        LOG.info("stage=join member={} outcome=promoted", joining.ordinal());
        return;
      } catch (MembershipException e) {
        if (!isTransient(e) || System.nanoTime() > deadline) {
          throw e;
        }
        pause();
      }
    }
  }

  // ------------------------------------------------------------------ view

  @Override
  public ClusterView view(List<Member> members) {
    List<CompletableFuture<Probe>> futures =
        members.stream().map(m -> CompletableFuture.supplyAsync(() -> probe(m), workers)).toList();
    List<Probe> probes = futures.stream().map(CompletableFuture::join).toList();
    List<Probe> answered = probes.stream().filter(p -> p.error() == null).toList();
    if (answered.isEmpty()) {
      List<ClusterView.MemberStatus> down =
          probes.stream()
              .map(
                  p -> new ClusterView.MemberStatus(p.member().ordinal(), "down", false, p.error()))
              .toList();
      return new ClusterView(Set.of(), Optional.empty(), false, down, "no member answered");
    }
    List<io.etcd.jetcd.cluster.Member> list = answered.get(0).list();
    boolean consistent = answered.stream().map(p -> signature(p.list())).distinct().count() == 1;
    Set<Integer> voting = new TreeSet<>();
    List<String> strangers = new ArrayList<>();
    for (io.etcd.jetcd.cluster.Member m : list) {
      Optional<Integer> ordinal = ordinal(m, members);
      if (!m.isLearner()) {
        ordinal.ifPresentOrElse(voting::add, () -> strangers.add(describe(m)));
      }
    }
    long leaderId = answered.get(0).status().getLeader();
    Optional<Integer> leader =
        list.stream()
            .filter(m -> m.getId() == leaderId)
            .findFirst()
            .flatMap(m -> ordinal(m, members));
    List<ClusterView.MemberStatus> statuses = new ArrayList<>();
    for (Probe p : probes) {
      statuses.add(status(p, leaderId, list));
    }
    String detail =
        (consistent ? "" : "members disagree about the membership")
            + (strangers.isEmpty()
                ? ""
                : (consistent ? "" : "; ") + "voting members Ballast does not know: " + strangers);
    return new ClusterView(voting, leader, consistent, statuses, detail);
  }

  private ClusterView.MemberStatus status(
      Probe p, long leaderId, List<io.etcd.jetcd.cluster.Member> list) {
    int ordinal = p.member().ordinal();
    if (p.error() != null) {
      return new ClusterView.MemberStatus(ordinal, "down", false, p.error());
    }
    long id = p.status().getHeader().getMemberId();
    boolean learner =
        list.stream().anyMatch(m -> m.getId() == id && m.isLearner()) || p.status().isLearner();
    String role = learner ? "learner" : id == leaderId ? "leader" : "follower";
    List<String> problems = new ArrayList<>(p.status().getErrorList());
    if (p.status().getLeader() == 0) {
      problems.add("no leader");
    }
    if (p.healthError() != null) {
      problems.add("health read failed: " + p.healthError());
    }
    return new ClusterView.MemberStatus(
        ordinal, role, problems.isEmpty(), problems.isEmpty() ? "ok" : String.join("; ", problems));
  }

  /** What one member says about itself and the membership, and whether it serves a read. */
  private record Probe(
      Member member,
      StatusResponse status,
      List<io.etcd.jetcd.cluster.Member> list,
      String error,
      String healthError) {}

  private Probe probe(Member m) {
    try {
      StatusResponse status = status(m);
      List<io.etcd.jetcd.cluster.Member> list =
          call(
                  "list members on member " + m.ordinal(),
                  () -> client(m).getClusterClient().listMember())
              .getMembers();
      String healthError = null;
      if (!status.isLearner()) {
        // What `etcdctl endpoint health` checks: a linearizable read through this member.
        try {
          call("read through member " + m.ordinal(), () -> client(m).getKVClient().get(HEALTH_KEY));
        } catch (MembershipException e) {
          healthError = e.getMessage();
        }
      }
      return new Probe(m, status, list, null, healthError);
    } catch (MembershipException e) {
      return new Probe(m, null, List.of(), e.getMessage(), null);
    }
  }

  // ------------------------------------------------------------------ remove

  /** Nothing to hand off: every etcd member holds all the data. */
  @Override
  public void drain(Member leaving, List<Member> remaining) {}

  @Override
  public DrainProgress drainProgress(Member leaving, List<Member> remaining) {
    return DrainProgress.complete("every etcd member holds all the data; nothing to hand off");
  }

  @Override
  public void cancelDrain(Member leaving, List<Member> remaining) {}

  @Override
  public void leave(Member leaving, List<Member> remaining) {
    Optional<io.etcd.jetcd.cluster.Member> me = find(members(remaining), leaving);
    if (me.isEmpty()) {
      LOG.info("stage=leave member={} outcome=not-a-member", leaving.ordinal());
      return;
    }
    long id = me.get().getId();
    change(
        "remove member " + leaving.ordinal(),
        remaining,
        c -> c.getClusterClient().removeMember(id),
        r -> r,
        () -> find(members(remaining), leaving).isEmpty() ? "removed" : null);
    LOG.info(
        "stage=leave member={} id={} outcome=removed", leaving.ordinal(), Long.toHexString(id));
  }

  // ------------------------------------------------------------------ helpers

  /**
   * Runs a membership change through any of {@code via}, retrying refusals that mean "not now" for
   * at most the change wait. When a call's outcome is unknown (a timeout), {@code alreadyDone} is
   * asked whether it took effect after all (non-null: it did).
   */
  private <R, T> T change(
      String what,
      List<Member> via,
      Function<Client, CompletableFuture<R>> op,
      Function<R, T> result,
      Supplier<T> alreadyDone) {
    long deadline = System.nanoTime() + changeWait.toNanos();
    while (true) {
      try {
        return result.apply(onAny(what, via, op));
      } catch (MembershipException e) {
        T done = safely(alreadyDone);
        if (done != null) {
          return done;
        }
        if (!isTransient(e) || System.nanoTime() > deadline) {
          throw new MembershipException(
              "etcd refused to " + what + ": " + e.getMessage(), e.getCause());
        }
        LOG.info("action=wait what=\"{}\" reason=\"{}\"", what, e.getMessage());
        pause();
      }
    }
  }

  private static <T> T safely(Supplier<T> s) {
    try {
      return s.get();
    } catch (RuntimeException e) {
      return null;
    }
  }

  /** Sends {@code op} to the members of {@code via} in turn until one answers. */
  private <R> R onAny(String what, List<Member> via, Function<Client, CompletableFuture<R>> op) {
    MembershipException last = null;
    for (Member m : via) {
      try {
        return call(what, () -> op.apply(client(m)));
      } catch (MembershipException e) {
        last = e;
        if (e.getMessage().contains("etcdserver:")) {
          throw e; // the cluster answered and refused: another member would answer the same
        }
      }
    }
    throw last != null ? last : new MembershipException("no member to " + what + " through");
  }

  private List<io.etcd.jetcd.cluster.Member> members(List<Member> via) {
    return onAny("list the members", via, c -> c.getClusterClient().listMember()).getMembers();
  }

  private StatusResponse status(Member m) {
    return call(
        "status of member " + m.ordinal(),
        () -> client(m).getMaintenanceClient().statusMember(clientUrl(m)));
  }

  /** The leader's raft index, asked of the leader among {@code current} (or the highest seen). */
  private long leaderIndex(List<Member> current, long leaderId) {
    long best = 0;
    for (Member m : current) {
      try {
        StatusResponse s = status(m);
        if (s.getHeader().getMemberId() == leaderId) {
          return s.getRaftIndex();
        }
        best = Math.max(best, s.getRaftIndex());
      } catch (MembershipException e) {
        // another member may answer
      }
    }
    return best;
  }

  private <T> T call(String what, Supplier<CompletableFuture<T>> request) {
    CompletableFuture<T> future;
    try {
      future = request.get();
    } catch (RuntimeException e) {
      throw new MembershipException("cannot " + what + ": " + e.getMessage(), e);
    }
    try {
      return future.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      future.cancel(true);
      throw new MembershipException("cannot " + what + ": no answer within " + timeout, e);
    } catch (ExecutionException e) {
      Throwable cause = e.getCause() == null ? e : e.getCause();
      throw new MembershipException(rootMessage(cause), cause);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new MembershipException("interrupted while trying to " + what, e);
    }
  }

  private static String rootMessage(Throwable t) {
    Throwable c = t;
    while (c.getCause() != null && c.getCause() != c) {
      c = c.getCause();
    }
    String m = c.getMessage() != null ? c.getMessage() : t.getMessage();
    return m != null ? m : t.getClass().getSimpleName();
  }

  private static boolean isTransient(MembershipException e) {
    String m = e.getMessage() == null ? "" : e.getMessage().toLowerCase(java.util.Locale.ROOT);
    return TRANSIENT.stream().anyMatch(m::contains);
  }

  private static void pause() {
    try {
      Thread.sleep(RETRY_PAUSE.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new MembershipException("interrupted while waiting to retry", e);
    }
  }

  private Client client(Member m) {
    return clients.computeIfAbsent(
        clientUrl(m), url -> Client.builder().endpoints(url).connectTimeout(timeout).build());
  }

  private static Optional<io.etcd.jetcd.cluster.Member> find(
      List<io.etcd.jetcd.cluster.Member> list, Member member) {
    URI peer = URI.create(peerUrl(member));
    return list.stream()
        .filter(m -> name(member.ordinal()).equals(m.getName()) || m.getPeerURIs().contains(peer))
        .findFirst();
  }

  private static Optional<Integer> ordinal(io.etcd.jetcd.cluster.Member m, List<Member> members) {
    Optional<Integer> byName = ordinalOf(m.getName());
    if (byName.isPresent()) {
      return byName;
    }
    return members.stream()
        .filter(x -> m.getPeerURIs().contains(URI.create(peerUrl(x))))
        .map(Member::ordinal)
        .findFirst();
  }

  /** The membership as a comparable value: each member's id and whether it votes. */
  private static Set<String> signature(List<io.etcd.jetcd.cluster.Member> list) {
    return list.stream()
        .map(m -> Long.toHexString(m.getId()) + (m.isLearner() ? "/learner" : ""))
        .collect(Collectors.toCollection(TreeSet::new));
  }

  private static String describe(io.etcd.jetcd.cluster.Member m) {
    return (m.getName().isEmpty() ? Long.toHexString(m.getId()) : m.getName()) + m.getPeerURIs();
  }

  /** {@code --initial-cluster} for {@code joining}: every member of {@code list}, by name. */
  private static String initialCluster(List<io.etcd.jetcd.cluster.Member> list, Member joining) {
    URI own = URI.create(peerUrl(joining));
    List<String> entries = new ArrayList<>();
    for (io.etcd.jetcd.cluster.Member m : list) {
      String memberName =
          m.getPeerURIs().contains(own)
              ? name(joining.ordinal())
              : m.getName().isEmpty() ? "unstarted-" + Long.toHexString(m.getId()) : m.getName();
      for (URI peer : m.getPeerURIs()) {
        entries.add(memberName + "=" + peer);
      }
    }
    entries.sort(Comparator.naturalOrder());
    return String.join(",", entries);
  }

  @Override
  public void close() {
    workers.shutdownNow();
    clients.values().forEach(Client::close);
    clients.clear();
  }
}
