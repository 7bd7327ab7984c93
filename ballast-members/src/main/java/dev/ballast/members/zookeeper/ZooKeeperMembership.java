package dev.ballast.members.zookeeper;

import static dev.ballast.members.zookeeper.ZooKeeperServerConfig.CLIENT_PORT;
import static dev.ballast.members.zookeeper.ZooKeeperServerConfig.serverId;

import dev.ballast.core.port.ClusterView;
import dev.ballast.core.port.DrainProgress;
import dev.ballast.core.port.Member;
import dev.ballast.core.port.Membership;
import dev.ballast.core.port.MembershipException;
import dev.ballast.members.zookeeper.ZooKeeperFourLetterWords.ServerState;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.Watcher;
import org.apache.zookeeper.ZooKeeper;
import org.apache.zookeeper.admin.ZooKeeperAdmin;
import org.apache.zookeeper.client.ZKClientConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * ZooKeeper 3.5+ membership through dynamic reconfiguration: a new server starts with the live
 * configuration plus itself, syncs with the leader as a non-voting follower, and is then added as a
 * participant with an incremental {@code reconfig -add}; a leaving server is removed with {@code
 * reconfig -remove}. Server id = ordinal + 1. Every network call is bounded by the request timeout.
 *
 * <p>Admin sessions are kept open per server and reused by later calls (see {@link
 * ZooKeeperSessions}); the four-letter words asked of several servers are asked in parallel. {@link
 * #close} closes the sessions.
 */
public final class ZooKeeperMembership implements Membership, AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(ZooKeeperMembership.class);
  private static final int RECONFIG_ATTEMPTS = 5;

  private final Duration timeout;
  private final Optional<String> superUser;
  private final ZooKeeperFourLetterWords words;
  private final ZooKeeperSessions sessions;

  /** Asks several servers at once: at most 8 at a time, each call bounded by the timeout. */
  private final ExecutorService workers =
      Executors.newFixedThreadPool(
          8,
          r -> {
            Thread t = new Thread(r, "zk-membership");
            t.setDaemon(true);
            return t;
          });

  /** A membership whose network calls each take at most 5 seconds. */
  public ZooKeeperMembership() {
    this(Duration.ofSeconds(5));
  }

  /**
   * A membership whose network calls (connect, request, four-letter word) each take at most this.
   */
  public ZooKeeperMembership(Duration requestTimeout) {
    Objects.requireNonNull(requestTimeout, "requestTimeout");
    if (requestTimeout.isNegative() || requestTimeout.isZero()) {
      throw new IllegalArgumentException("requestTimeout must be positive, was " + requestTimeout);
    }
    this.timeout = requestTimeout;
    this.superUser = Optional.empty();
    this.words = new ZooKeeperFourLetterWords(requestTimeout);
    this.sessions = new ZooKeeperSessions(requestTimeout, superUser);
  }

  private ZooKeeperMembership(Duration requestTimeout, String superUser) {
    this.timeout = requestTimeout;
    this.superUser = Optional.of(superUser);
    this.words = new ZooKeeperFourLetterWords(requestTimeout);
    this.sessions = new ZooKeeperSessions(requestTimeout, this.superUser);
  }

  /**
   * The same membership authenticating every session as a digest super user ({@code addauth digest
   * user:password}), for servers that enforce ACLs (see {@link
   * ZooKeeperServerConfig#withSuperUser}).
   */
  public ZooKeeperMembership withSuperUser(String user, String password) {
    return new ZooKeeperMembership(timeout, user + ":" + password);
  }

  /**
   * Returns the dynamic configuration the new server must start with: the live configuration (read
   * from the ensemble, so it is exact) plus the new server as a participant, under {@link
   * ZooKeeperServerConfig#DYNAMIC_CONFIG_SETTING}. Nothing changes in the ensemble.
   */
  @Override
  public Map<String, String> announce(Member joining, List<Member> current) {
    requireSome(current, "announce member " + joining.ordinal());
    ZooKeeperDynamicConfig.Server own = ZooKeeperServerConfig.server(joining);
    ZooKeeperDynamicConfig live;
    try (ZooKeeperSessions.Lease lease = sessions.lease(addresses(current))) {
      try {
        live = lease.session().getConfig();
      } catch (Unreachable e) {
        lease.broken();
        throw e;
      }
    }
    live.server(own.id())
        .filter(existing -> !existing.sameAs(own))
        .ifPresent(
            existing -> {
              throw new MembershipException(
                  "cannot announce member "
                      + joining.ordinal()
                      + ": the ensemble already has "
                      + existing.line()
                      + " with other addresses or role than "
                      + own.line()
                      + "; remove it first");
            });
    ZooKeeperDynamicConfig start = live.with(own);
    LOG.info(
        "stage=announce member={} server={} liveConfigVersion=0x{} startServers={}",
        joining.ordinal(),
        own.id(),
        live.versionHex(),
        start.servers().keySet());
    return ZooKeeperServerConfig.launchSettings(start);
  }

  /**
   * Ready means: the server answers {@code imok}; it serves requests as a follower, observer or
   * leader (a learner serves only once it has finished syncing with the leader); and, unless it
   * leads, its last applied zxid is at least the leader's last zxid read just before, so it has
   * every transaction committed before the check.
   */
  @Override
  public boolean isReady(Member member, List<Member> current) {
    return notReady(member, current).isEmpty();
  }

  @Override
  public Optional<String> notReady(Member member, List<Member> current) {
    Optional<String> reason = notReadyReason(member, current);
    reason.ifPresent(r -> LOG.debug("member={} not ready: {}", member.ordinal(), r));
    return reason;
  }

  private Optional<String> notReadyReason(Member member, List<Member> current) {
    // 'ruok' and the others' 'srvr' at once; the member's own 'srvr' after the leader's, so that
    // its zxid is compared with one the leader had before it was read.
    CompletableFuture<Boolean> ok =
        CompletableFuture.supplyAsync(
            () -> words.ruok(member.host(), member.port(CLIENT_PORT)), workers);
    List<Member> others = current.stream().filter(m -> m.ordinal() != member.ordinal()).toList();
    Optional<ServerState> leaderState =
        inParallel(others, this::srvr).stream()
            .flatMap(Optional::stream)
            .filter(ServerState::leader)
            .findFirst();
    if (!ok.join()) {
      return Optional.of("it does not answer 'ruok' on " + address(member));
    }
    ServerState self;
    try {
      self = words.srvr(member.host(), member.port(CLIENT_PORT));
    } catch (IOException e) {
      return Optional.of("'srvr' failed on " + address(member) + ": " + e.getMessage());
    }
    if (!self.serving()) {
      return Optional.of("it is not serving requests yet (looking for or syncing with a leader)");
    }
    String mode = self.mode().orElseThrow();
    if (mode.equals("leader")) {
      return Optional.empty();
    }
    if (!mode.equals("follower") && !mode.equals("observer")) {
      return Optional.of("it runs in mode '" + mode + "', not as part of the ensemble");
    }
    if (leaderState.isEmpty()) {
      return Optional.of("no current member reports being the leader");
    }
    long leaderZxid = leaderState.get().zxid();
    if (behind(self.zxid(), leaderZxid)) {
      return Optional.of(
          "it is behind the leader (zxid 0x"
              + Long.toHexString(self.zxid())
              + " < 0x"
              + Long.toHexString(leaderZxid)
              + ")");
    }
    return Optional.empty();
  }

  /**
   * In sync means: every member answers {@code srvr}, serves requests, and its last applied zxid is
   * at least the one the leader (or, when the leader is not among them, the most advanced of them)
   * reported just before, so that it has every transaction committed before the check. Two rounds
   * of {@code srvr}, each asked of every member at once.
   */
  @Override
  public Optional<String> notInSync(List<Member> members) {
    if (members.isEmpty()) {
      return Optional.empty();
    }
    List<Optional<ServerState>> first = inParallel(members, this::srvr);
    List<String> problems = new ArrayList<>();
    long reference = Long.MIN_VALUE;
    Optional<Integer> leader = Optional.empty();
    for (int i = 0; i < members.size(); i++) {
      Member m = members.get(i);
      Optional<ServerState> st = first.get(i);
      if (st.isEmpty()) {
        problems.add("member " + m.ordinal() + " does not answer on " + address(m));
      } else if (!st.get().serving()) {
        problems.add("member " + m.ordinal() + " is not serving requests (no leader, or syncing)");
      } else if (st.get().leader()) {
        leader = Optional.of(m.ordinal());
        reference = st.get().zxid();
      } else if (leader.isEmpty()) {
        reference = Math.max(reference, st.get().zxid());
      }
    }
    if (!problems.isEmpty()) {
      return Optional.of(String.join("; ", problems));
    }
    long target = reference;
    Optional<Integer> lead = leader;
    List<Member> others =
        members.stream().filter(m -> !lead.equals(Optional.of(m.ordinal()))).toList();
    List<Optional<ServerState>> second = inParallel(others, this::srvr);
    for (int i = 0; i < others.size(); i++) {
      Member m = others.get(i);
      Optional<ServerState> st = second.get(i);
      if (st.isEmpty() || !st.get().serving()) {
        problems.add("member " + m.ordinal() + " stopped answering or serving");
      } else if (behind(st.get().zxid(), target)) {
        problems.add(
            "member "
                + m.ordinal()
                + " is behind "
                + lead.map(l -> "the leader (member " + l + ")").orElse("the others")
                + ": zxid 0x"
                + Long.toHexString(st.get().zxid())
                + " < 0x"
                + Long.toHexString(target));
      }
    }
    return problems.isEmpty() ? Optional.empty() : Optional.of(String.join("; ", problems));
  }

  /**
   * Whether a serving server whose last applied zxid is {@code zxid} is behind {@code reference}
   * (the leader's, read before). A leader elected in a new epoch reports {@code <epoch>00000000}
   * until the first transaction of that epoch: its followers, which serve only once synced with it,
   * then have everything it committed although their last zxid is of the epoch before.
   */
  static boolean behind(long zxid, long reference) {
    boolean nothingCommittedThisEpoch = (reference & 0xFFFF_FFFFL) == 0;
    return zxid < reference && !nothingCommittedThisEpoch;
  }

  /**
   * Adds the member as a participant ({@code reconfig -add}, guarded by the configuration version
   * it read); a no-op when it already is one. Refuses a member that is not ready, because ZooKeeper
   * would accept a dead server as long as the old members still form a quorum of the new ensemble.
   */
  @Override
  public void join(Member joining, List<Member> current) {
    requireSome(current, "join member " + joining.ordinal());
    ZooKeeperDynamicConfig.Server own = ZooKeeperServerConfig.server(joining);
    reconfigureWithRetries(
        "add " + own.line(),
        joining,
        current,
        session -> {
          ZooKeeperDynamicConfig live = session.getConfig();
          Optional<ZooKeeperDynamicConfig.Server> existing = live.server(own.id());
          if (existing.isPresent() && !existing.get().sameAs(own)) {
            throw new MembershipException(
                "cannot add member "
                    + joining.ordinal()
                    + ": the ensemble already has "
                    + existing.get().line()
                    + " with other addresses or role than "
                    + own.line()
                    + "; remove it first");
          }
          if (existing.isPresent()) {
            LOG.info(
                "stage=join member={} server={} outcome=already-member configVersion=0x{}",
                joining.ordinal(),
                own.id(),
                live.versionHex());
            return true;
          }
          Optional<String> notReady = notReadyReason(joining, current);
          if (notReady.isPresent()) {
            throw new MembershipException(
                "member "
                    + joining.ordinal()
                    + " (server."
                    + own.id()
                    + ") is not ready to join: "
                    + notReady.get());
          }
          ZooKeeperDynamicConfig after = session.reconfigure(own.line(), null, live.version());
          if (after.server(own.id()).filter(x -> x.sameAs(own)).isEmpty()) {
            throw new MembershipException(
                "ZooKeeper accepted adding "
                    + own.line()
                    + " but its new configuration 0x"
                    + after.versionHex()
                    + " does not list it");
          }
          LOG.info(
              "stage=join member={} server={} outcome=added configVersion=0x{} voting={}",
              joining.ordinal(),
              own.id(),
              after.versionHex(),
              after.votingOrdinals());
          return true;
        });
  }

  /**
   * Asks every member for its state ({@code srvr}, {@code mntr} on the leader) and its own view of
   * the configuration ({@code getConfig} through a session on that member alone). The voting
   * members are those of the leader's configuration (else of the highest version seen).
   */
  @Override
  public ClusterView view(List<Member> members) {
    long t0 = System.nanoTime();
    List<Probe> probes = inParallel(members, this::probe);
    // Sessions on servers no longer asked about (a member that left) are not needed any more.
    sessions.retainOnly(addresses(members));
    LOG.debug(
        "action=view members={} took={}ms",
        members.size(),
        TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0));
    return viewOf(probes);
  }

  /** Assembles the view from what each member answered (pure: no network). */
  static ClusterView viewOf(List<Probe> probes) {
    List<Probe> leaders =
        probes.stream().filter(p -> p.state.map(ServerState::leader).orElse(false)).toList();
    Optional<ZooKeeperDynamicConfig> reference =
        leaders.size() == 1 && leaders.get(0).config.isPresent()
            ? leaders.get(0).config
            : probes.stream()
                .flatMap(p -> p.config.stream())
                .max(Comparator.comparingLong(ZooKeeperDynamicConfig::version));
    List<ZooKeeperDynamicConfig> configs = probes.stream().flatMap(p -> p.config.stream()).toList();
    boolean agree =
        reference.isPresent()
            && configs.stream()
                .allMatch(
                    c ->
                        c.version() == reference.get().version()
                            && c.servers().equals(reference.get().servers()));
    boolean consistent = agree && leaders.size() <= 1;

    List<ClusterView.MemberStatus> statuses = new ArrayList<>();
    for (Probe p : probes) {
      statuses.add(status(p, reference));
    }
    Optional<Integer> leader =
        leaders.size() == 1 ? Optional.of(leaders.get(0).member.ordinal()) : Optional.empty();
    String detail;
    if (reference.isEmpty()) {
      detail = "no member returned its configuration";
    } else {
      detail =
          "config 0x"
              + reference.get().versionHex()
              + " voting="
              + reference.get().votingOrdinals()
              + " leader="
              + leader.map(String::valueOf).orElse(leaders.isEmpty() ? "none" : "several")
              + (agree ? "" : " members disagree on the configuration: " + versions(probes));
    }
    return new ClusterView(
        reference.map(ZooKeeperDynamicConfig::votingOrdinals).orElse(Set.of()),
        leader,
        consistent,
        statuses,
        detail);
  }

  private static ClusterView.MemberStatus status(
      Probe p, Optional<ZooKeeperDynamicConfig> reference) {
    int ordinal = p.member.ordinal();
    if (p.state.isEmpty()) {
      return new ClusterView.MemberStatus(ordinal, "unreachable", false, p.problem);
    }
    ServerState st = p.state.get();
    if (!st.serving()) {
      return new ClusterView.MemberStatus(
          ordinal,
          "not-serving",
          false,
          "not serving requests (looking for or syncing with a leader)");
    }
    String role = st.mode().orElseThrow();
    List<String> problems = new ArrayList<>();
    StringBuilder detail = new StringBuilder("zxid=0x").append(Long.toHexString(st.zxid()));
    if (p.config.isEmpty()) {
      problems.add("configuration unreadable: " + p.problem);
    } else {
      ZooKeeperDynamicConfig c = p.config.get();
      detail.append(" config=0x").append(c.versionHex());
      if (reference.isPresent() && c.version() != reference.get().version()) {
        problems.add(
            "configuration 0x"
                + c.versionHex()
                + " differs from 0x"
                + reference.get().versionHex());
      }
      if (reference.isPresent() && !reference.get().votingOrdinals().contains(ordinal)) {
        detail.append(" non-voting");
      }
    }
    if (role.equals("leader") && reference.isPresent()) {
      int voters = reference.get().votingOrdinals().size();
      int synced = p.syncedFollowers;
      detail.append(" syncedVotingFollowers=").append(synced).append('/').append(voters - 1);
      if (synced + 1 <= voters / 2) {
        problems.add("only " + synced + " voting followers synced, no quorum of " + voters);
      }
    }
    if (!problems.isEmpty()) {
      detail.append(": ").append(String.join("; ", problems));
    }
    return new ClusterView.MemberStatus(ordinal, role, problems.isEmpty(), detail.toString());
  }

  private static String versions(List<Probe> probes) {
    return probes.stream()
        .map(
            p ->
                p.member.ordinal()
                    + "="
                    + p.config.map(c -> "0x" + c.versionHex() + c.votingOrdinals()).orElse("?"))
        .collect(Collectors.joining(", "));
  }

  /**
   * {@code f} of every item, computed in parallel so that asking several servers takes one server's
   * time, not the sum; each call is bounded by the request timeout.
   */
  private <T, R> List<R> inParallel(List<T> items, Function<T, R> f) {
    if (items.size() <= 1) {
      return items.stream().map(f).toList();
    }
    List<CompletableFuture<R>> futures =
        items.stream().map(i -> CompletableFuture.supplyAsync(() -> f.apply(i), workers)).toList();
    List<R> results = new ArrayList<>(items.size());
    for (CompletableFuture<R> future : futures) {
      try {
        results.add(future.join());
      } catch (CompletionException e) {
        if (e.getCause() instanceof RuntimeException re) {
          throw re;
        }
        throw e;
      }
    }
    return results;
  }

  private Probe probe(Member m) {
    Optional<ServerState> state;
    try {
      state = Optional.of(words.srvr(m.host(), m.port(CLIENT_PORT)));
    } catch (IOException e) {
      return new Probe(
          m,
          Optional.empty(),
          Optional.empty(),
          0,
          "no answer on " + address(m) + ": " + e.getMessage());
    }
    if (!state.get().serving()) {
      return new Probe(m, state, Optional.empty(), 0, "not serving");
    }
    Optional<ZooKeeperDynamicConfig> config = Optional.empty();
    String problem = "";
    try {
      config = Optional.of(ownConfig(m));
    } catch (MembershipException e) {
      problem = e.getMessage();
    }
    int synced = 0;
    if (state.get().leader()) {
      try {
        Map<String, String> mntr = words.mntr(m.host(), m.port(CLIENT_PORT));
        // zk_synced_followers counts followers not (yet) in the configuration too.
        synced =
            Integer.parseInt(mntr.getOrDefault("zk_synced_followers", "0"))
                - Integer.parseInt(mntr.getOrDefault("zk_synced_non_voting_followers", "0"));
      } catch (IOException | NumberFormatException e) {
        problem = "'mntr' failed: " + e.getMessage();
      }
    }
    return new Probe(m, state, config, synced, problem);
  }

  /**
   * The configuration as {@code m} itself holds it ({@code getConfig} on a session with {@code m}
   * alone). A kept session whose connection turns out lost (the server restarted since) is replaced
   * by a new one, once; one that timed out is not asked again.
   */
  private ZooKeeperDynamicConfig ownConfig(Member m) {
    String address = address(m);
    Session session = sessions.get(address);
    try {
      return session.getConfig();
    } catch (Unreachable e) {
      sessions.drop(session);
      if (!(e.getCause() instanceof KeeperException)) {
        throw e;
      }
      LOG.debug("member={} action=session-retry reason=\"{}\"", m.ordinal(), e.getMessage());
    }
    Session fresh = sessions.get(address);
    try {
      return fresh.getConfig();
    } catch (Unreachable e) {
      sessions.drop(fresh);
      throw e;
    }
  }

  /**
   * What one member answered: {@code srvr} (empty when unreachable), its own configuration, its
   * synced voting followers when it leads, and the problem met, if any.
   */
  record Probe(
      Member member,
      Optional<ServerState> state,
      Optional<ZooKeeperDynamicConfig> config,
      int syncedFollowers,
      String problem) {}

  /** Nothing to hand off: every ZooKeeper server holds a full replica. Returns at once. */
  @Override
  public void drain(Member leaving, List<Member> remaining) {
    LOG.info("stage=drain member={} outcome=nothing-to-hand-off", leaving.ordinal());
  }

  @Override
  public DrainProgress drainProgress(Member leaving, List<Member> remaining) {
    return DrainProgress.complete(
        "server."
            + serverId(leaving)
            + " holds a full replica like every ZooKeeper server: nothing to hand off; its clients"
            + " reconnect to the remaining servers when it stops");
  }

  @Override
  public void cancelDrain(Member leaving, List<Member> remaining) {
    // Nothing was started by drain.
  }

  /**
   * Removes the member ({@code reconfig -remove}, guarded by the configuration version it read); a
   * no-op when it is not in the configuration. Refuses when it is the last voting member, or when
   * the remaining voting members do not have a leader and a serving majority.
   */
  @Override
  public void leave(Member leaving, List<Member> remaining) {
    requireSome(remaining, "remove member " + leaving.ordinal());
    int id = serverId(leaving);
    reconfigureWithRetries(
        "remove server." + id,
        leaving,
        remaining,
        session -> {
          ZooKeeperDynamicConfig live = session.getConfig();
          if (live.server(id).isEmpty()) {
            LOG.info(
                "stage=leave member={} server={} outcome=not-a-member configVersion=0x{}",
                leaving.ordinal(),
                id,
                live.versionHex());
            return true;
          }
          ZooKeeperDynamicConfig after = live.without(id);
          if (after.votingOrdinals().isEmpty()) {
            throw new MembershipException(
                "refusing to remove member "
                    + leaving.ordinal()
                    + " (server."
                    + id
                    + "): it is the last voting member");
          }
          requireQuorum(after, leaving);
          ZooKeeperDynamicConfig result =
              session.reconfigure(null, String.valueOf(id), live.version());
          if (result.server(id).isPresent()) {
            throw new MembershipException(
                "ZooKeeper accepted removing server."
                    + id
                    + " but its new configuration 0x"
                    + result.versionHex()
                    + " still lists it");
          }
          LOG.info(
              "stage=leave member={} server={} outcome=removed configVersion=0x{} voting={}",
              leaving.ordinal(),
              id,
              result.versionHex(),
              result.votingOrdinals());
          return true;
        });
  }

  /** One read-check-reconfigure attempt on a session; true when the change is in place. */
  @FunctionalInterface
  private interface ReconfigAttempt {
    boolean run(Session session) throws KeeperException;
  }

  /**
   * Runs {@code attempt} on a session with one of {@code ask} until it is done. A version race, or
   * a lost connection or timeout (the outcome is then unknown: for example the removed server was
   * the leader and the servers reconnect to its successor), leads to a new attempt, on another
   * session after a lost connection, which reads the configuration again and so sees whether the
   * change was applied. ZooKeeper's refusals are final.
   */
  private void reconfigureWithRetries(
      String what, Member member, List<Member> ask, ReconfigAttempt attempt) {
    String lastProblem = "";
    for (int i = 1; i <= RECONFIG_ATTEMPTS; i++) {
      if (i > 1) {
        pause(Duration.ofMillis(250L * (i - 1)));
      }
      ZooKeeperSessions.Lease lease = null;
      try {
        lease = sessions.lease(addresses(ask));
        if (attempt.run(lease.session())) {
          return;
        }
        lastProblem = "no attempt finished";
      } catch (KeeperException.BadVersionException e) {
        lastProblem = "the configuration changed while it was being changed";
        LOG.info(
            "member={} {}: configuration changed meanwhile, reading it again",
            member.ordinal(),
            what);
      } catch (KeeperException.ConnectionLossException
          | KeeperException.SessionExpiredException e) {
        if (lease != null) {
          lease.broken();
        }
        lastProblem = "the connection was lost (" + e.code() + ")";
        LOG.info(
            "member={} {}: connection lost, outcome unknown, reading again",
            member.ordinal(),
            what);
      } catch (Unreachable e) {
        if (lease != null) {
          lease.broken();
        }
        lastProblem = e.getMessage();
        LOG.info("member={} {}: {}, trying again", member.ordinal(), what, e.getMessage());
      } catch (KeeperException e) {
        throw refused(what, member, e);
      } finally {
        if (lease != null) {
          lease.close();
        }
      }
    }
    throw new MembershipException(
        "could not "
            + what
            + " for member "
            + member.ordinal()
            + " in "
            + RECONFIG_ATTEMPTS
            + " attempts; last: "
            + lastProblem);
  }

  private static void pause(Duration d) {
    try {
      Thread.sleep(d.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new MembershipException("interrupted", e);
    }
  }

  /** ZooKeeper could not be reached or did not answer in time: the outcome is unknown. */
  static final class Unreachable extends MembershipException {
    private static final long serialVersionUID = 1L;

    Unreachable(String message, Throwable cause) {
      super(message, cause);
    }
  }

  /** The remaining voting servers (addressed through the live configuration) must have a quorum. */
  private void requireQuorum(ZooKeeperDynamicConfig after, Member leaving) {
    int voters = after.votingOrdinals().size();
    List<ZooKeeperDynamicConfig.Server> participants =
        after.servers().values().stream()
            .filter(s -> s.role() == ZooKeeperDynamicConfig.Role.PARTICIPANT && s.clientPort() != 0)
            .toList();
    List<Optional<ServerState>> states =
        inParallel(
            participants,
            s -> {
              String host = s.clientHost().equals("0.0.0.0") ? s.host() : s.clientHost();
              try {
                return Optional.of(words.srvr(host, s.clientPort()));
              } catch (IOException e) {
                LOG.debug("server.{} did not answer srvr: {}", s.id(), e.getMessage());
                return Optional.empty();
              }
            });
    int serving = 0;
    boolean leader = false;
    for (Optional<ServerState> st : states) {
      if (st.isPresent() && st.get().serving()) {
        serving++;
        leader |= st.get().leader();
      }
    }
    if (serving <= voters / 2) {
      throw new MembershipException(
          "refusing to remove member "
              + leaving.ordinal()
              + ": only "
              + serving
              + " of the "
              + voters
              + " remaining voting servers are serving, no quorum");
    }
    // The leaving server itself may be the leader; ZooKeeper then hands leadership over.
    if (!leader && !isLeader(leaving)) {
      throw new MembershipException(
          "refusing to remove member " + leaving.ordinal() + ": the ensemble has no leader");
    }
  }

  private boolean isLeader(Member m) {
    return srvr(m).map(ServerState::leader).orElse(false);
  }

  private Optional<ServerState> srvr(Member m) {
    try {
      return Optional.of(words.srvr(m.host(), m.port(CLIENT_PORT)));
    } catch (IOException e) {
      return Optional.empty();
    }
  }

  private static MembershipException refused(String what, Member member, KeeperException e) {
    String why =
        switch (e.code()) {
          case NEWCONFIGNOQUORUM ->
              "the new configuration would have no synced quorum (is every new server running and"
                  + " synced with the leader?)";
          case RECONFIGINPROGRESS -> "another reconfiguration is in progress; retry";
          case RECONFIGDISABLED -> "reconfiguration is disabled (reconfigEnabled=false)";
          case NOAUTH ->
              "not authorized: reconfiguration needs a super user or skipACL=yes on the servers";
          case BADARGUMENTS -> "bad arguments: " + e.getMessage();
          default -> e.code() + " " + e.getMessage();
        };
    return new MembershipException(
        "ZooKeeper refused to " + what + " for member " + member.ordinal() + ": " + why, e);
  }

  private static void requireSome(List<Member> members, String what) {
    if (members.isEmpty()) {
      throw new MembershipException("cannot " + what + ": no current member to ask");
    }
  }

  private static String address(Member m) {
    return m.host() + ":" + m.port(CLIENT_PORT);
  }

  private static List<String> addresses(List<Member> members) {
    return members.stream().map(ZooKeeperMembership::address).toList();
  }

  /** A short-lived admin session; every request on it is bounded by the timeout. */
  static final class Session implements AutoCloseable {
    private final ZooKeeperAdmin admin;
    private final String connectString;
    private final Duration timeout;

    private Session(ZooKeeperAdmin admin, String connectString, Duration timeout) {
      this.admin = admin;
      this.connectString = connectString;
      this.timeout = timeout;
    }

    static Session open(String connectString, Duration timeout) {
      return open(connectString, timeout, Optional.empty());
    }

    static Session open(String connectString, Duration timeout, Optional<String> digestAuth) {
      CountDownLatch connected = new CountDownLatch(1);
      ZKClientConfig conf = new ZKClientConfig();
      conf.setProperty(ZKClientConfig.ENABLE_CLIENT_SASL_KEY, "false");
      ZooKeeperAdmin admin;
      try {
        admin =
            new ZooKeeperAdmin(
                connectString,
                (int) Math.max(4000, timeout.toMillis() * 2),
                event -> {
                  if (event.getState() == Watcher.Event.KeeperState.SyncConnected) {
                    connected.countDown();
                  }
                },
                conf);
      } catch (IOException e) {
        throw new MembershipException("cannot create a ZooKeeper client for " + connectString, e);
      }
      digestAuth.ifPresent(
          auth -> admin.addAuthInfo("digest", auth.getBytes(StandardCharsets.UTF_8)));
      Session session = new Session(admin, connectString, timeout);
      try {
        if (!connected.await(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
          session.close();
          throw new Unreachable(
              "no ZooKeeper server at " + connectString + " accepted a session within " + timeout,
              null);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        session.close();
        throw new MembershipException("interrupted while connecting to " + connectString, e);
      }
      return session;
    }

    /** Whether the client is connected to its server now (else requests would wait or fail). */
    boolean connected() {
      return admin.getState() == ZooKeeper.States.CONNECTED;
    }

    ZooKeeperDynamicConfig getConfig() {
      CompletableFuture<byte[]> result = new CompletableFuture<>();
      admin.getConfig(false, (rc, path, ctx, data, stat) -> complete(result, rc, data), null);
      try {
        return parse(await(result, "getConfig"));
      } catch (KeeperException.ConnectionLossException
          | KeeperException.SessionExpiredException e) {
        throw new Unreachable(
            "ZooKeeper at " + connectString + " lost the connection during getConfig", e);
      } catch (KeeperException e) {
        throw new MembershipException(
            "ZooKeeper at " + connectString + " failed getConfig: " + e.code(), e);
      }
    }

    ZooKeeperDynamicConfig reconfigure(String joining, String leaving, long fromVersion)
        throws KeeperException {
      CompletableFuture<byte[]> result = new CompletableFuture<>();
      admin.reconfigure(
          joining,
          leaving,
          null,
          fromVersion,
          (rc, path, ctx, data, stat) -> complete(result, rc, data),
          null);
      return parse(await(result, "reconfig"));
    }

    private static ZooKeeperDynamicConfig parse(byte[] data) {
      return ZooKeeperDynamicConfig.parse(new String(data, StandardCharsets.UTF_8));
    }

    private static void complete(CompletableFuture<byte[]> f, int rc, byte[] data) {
      if (rc == KeeperException.Code.OK.intValue()) {
        f.complete(data);
      } else {
        f.completeExceptionally(KeeperException.create(KeeperException.Code.get(rc)));
      }
    }

    private byte[] await(CompletableFuture<byte[]> f, String what) throws KeeperException {
      try {
        return f.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
      } catch (TimeoutException e) {
        throw new Unreachable(
            "ZooKeeper at " + connectString + " did not answer " + what + " within " + timeout, e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new MembershipException("interrupted during " + what + " at " + connectString, e);
      } catch (ExecutionException e) {
        if (e.getCause() instanceof KeeperException ke) {
          throw ke;
        }
        throw new MembershipException(what + " failed at " + connectString, e.getCause());
      }
    }

    @Override
    public void close() {
      try {
        admin.close((int) timeout.toMillis());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /** The kept sessions (for tests). */
  ZooKeeperSessions sessions() {
    return sessions;
  }

  /** Closes the kept sessions (waiting at most the request timeout) and the worker threads. */
  @Override
  public void close() {
    sessions.close();
    workers.shutdown();
  }

  @Override
  public String toString() {
    return "ZooKeeperMembership[timeout="
        + timeout
        + (superUser.isPresent() ? ", super user" : ", no authentication")
        + "]";
  }
}
