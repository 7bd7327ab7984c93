package dev.ballast.members.rabbitmq;

import static dev.ballast.members.rabbitmq.RabbitMqNodes.nodeName;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ballast.core.port.ClusterView;
import dev.ballast.core.port.DrainProgress;
import dev.ballast.core.port.Member;
import dev.ballast.core.port.Membership;
import dev.ballast.core.port.MembershipException;
import dev.ballast.core.port.RebalanceProgress;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * RabbitMQ clustering through its own tools ({@code rabbitmqctl}, {@code rabbitmq-queues}, {@code
 * rabbitmq-diagnostics}). A new node starts on its own, then JOIN makes it a cluster member ({@code
 * stop_app}, {@code reset}, {@code join_cluster}, {@code start_app}) and the fill grows every
 * quorum queue onto it ({@code rabbitmq-queues grow}; progress = quorum queues with an online
 * replica on it / all). A leaving node is drained ({@code rabbitmq-queues shrink}; a queue whose
 * only replica it holds first gets one on a remaining node), refused while that would leave any
 * quorum queue without a majority of its members online; it is stopped, then forgotten ({@code
 * forget_cluster_node}) from a remaining node ({@link #forgetsAfterStop}). Classic queues live on
 * one node and are not moved: quorum queues are the replicated ones.
 *
 * <p>Changes go through the tools, except the forget (the two calls {@code rabbitmqctl
 * forget_cluster_node} makes on the node); the questions asked before and after each change
 * (cluster status, quorum queue replicas, whether a node has booted) and the forget go through one
 * hidden Erlang node that stays up ({@link RabbitMqControl}) and asks the node itself each time,
 * because a tool run boots an Erlang VM (1-3 s on a loaded host) and a removal asked 17 per member.
 */
public final class RabbitMqMembership implements Membership, AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(RabbitMqMembership.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  /** How long a progress poll waits for a running grow or shrink before it lists the queues. */
  private static final Duration PROGRESS_WAIT = Duration.ofSeconds(10);

  private final RabbitMqCli cli;

  /** Answers the read questions (status, queues, booted) without a tool run each. */
  private final RabbitMqControl control;

  /** The node that answered the last read: it runs, so the next command can go through it. */
  private volatile String lastAnswered;

  /** Fill or drain commands started by this process, by node name and kind. */
  private final Map<String, Process> running = new ConcurrentHashMap<>();

  /** A membership whose tool runs each take at most {@code requestTimeout}. */
  public RabbitMqMembership(RabbitMqNodes nodes, Duration requestTimeout) {
    this.cli = new RabbitMqCli(nodes, requestTimeout);
    this.control = new RabbitMqControl(nodes, requestTimeout);
  }

  // ------------------------------------------------------------------ add

  /**
   * A new node starts as a cluster of its own and is made a member at JOIN: nothing to announce.
   */
  @Override
  public Map<String, String> announce(Member joining, List<Member> current) {
    return Map.of();
  }

  @Override
  public boolean isReady(Member member, List<Member> current) {
    return notReady(member, current).isEmpty();
  }

  /** Ready once the node has fully booted, as {@code rabbitmq-diagnostics check_running} asks. */
  @Override
  public Optional<String> notReady(Member member, List<Member> current) {
    String node = nodeName(member.ordinal());
    String why;
    try {
      if (json(control.ask("booted", node)).asBoolean(false)) {
        return Optional.empty();
      }
      why = "it is not running or has not fully booted yet";
    } catch (MembershipException e) {
      why = e.getMessage();
    }
    return Optional.of("node " + node + " is not running RabbitMQ: " + why);
  }

  @Override
  public void join(Member joining, List<Member> current) {
    String node = nodeName(joining.ordinal());
    Status status = status(current);
    String via =
        current.stream()
            .map(m -> nodeName(m.ordinal()))
            .filter(status.running()::contains)
            .findFirst()
            .orElseThrow(() -> new MembershipException("no node of the cluster runs to join"));
    if (status.disk().contains(node)) {
      if (!status.running().contains(node)) {
        // A crash between join_cluster and start_app: the node is a member with its app stopped.
        must("rabbitmqctl", node, "start the app of", "start_app");
      }
      LOG.info("stage=join member={} outcome=already-a-member", joining.ordinal());
      return;
    }
    must("rabbitmqctl", node, "stop the app of", "stop_app");
    must("rabbitmqctl", node, "reset", "reset");
    must("rabbitmqctl", node, "join " + via + " with", "join_cluster", via);
    must("rabbitmqctl", node, "start the app of", "start_app");
    LOG.info("stage=join member={} via={} outcome=joined", joining.ordinal(), via);
  }

  // ------------------------------------------------------------------ fill

  @Override
  public boolean fills() {
    return true;
  }

  @Override
  public void rebalance(Member joined, List<Member> current) {
    String node = nodeName(joined.ordinal());
    // Run on the new node itself: it runs (READY proved it) and is a cluster member (JOIN).
    startOnce("grow", node, node, "grow", node, "all");
  }

  @Override
  public RebalanceProgress rebalanceProgress(Member joined, List<Member> current) {
    String node = nodeName(joined.ordinal());
    List<Member> all = new ArrayList<>(current);
    all.add(joined);
    awaitRunning("grow", node);
    List<QuorumQueue> queues = quorumQueues(all);
    long grown = queues.stream().filter(q -> q.online().contains(node)).count();
    if (grown == queues.size()) {
      stopRunning("grow", node);
      return RebalanceProgress.complete(
          queues.size(), "every quorum queue has an online replica on " + node);
    }
    if (!status(current).running().contains(node)) {
      throw new MembershipException(
          "node "
              + node
              + " (member "
              + joined.ordinal()
              + ") stopped during the fill; "
              + grown
              + " of "
              + queues.size()
              + " quorum queues have a replica on it and every queue keeps its replicas on the"
              + " other members, so no message is lost; restart it (ballast up) to continue, or"
              + " lower the target to undo the add");
    }
    // Grow again when no grow runs: a queue declared meanwhile, or a crash of the Ballast process.
    startOnce("grow", node, node, "grow", node, "all");
    return RebalanceProgress.moving(
        grown, queues.size(), "growing the quorum queues onto " + node + " (rabbitmq-queues grow)");
  }

  @Override
  public void cancelRebalance(Member joined, List<Member> current) {
    stopRunning("grow", nodeName(joined.ordinal()));
  }

  // ------------------------------------------------------------------ view

  @Override
  public ClusterView view(List<Member> members) {
    Status status;
    try {
      status = status(members);
    } catch (MembershipException e) {
      List<ClusterView.MemberStatus> down =
          members.stream()
              .map(m -> new ClusterView.MemberStatus(m.ordinal(), "down", false, e.getMessage()))
              .toList();
      return new ClusterView(Set.of(), Optional.empty(), false, down, "no node answered");
    }
    Set<Integer> voting = new TreeSet<>();
    List<String> strangers = new ArrayList<>();
    for (String n : status.disk()) {
      RabbitMqNodes.ordinalOf(n).ifPresentOrElse(voting::add, () -> strangers.add(n));
    }
    List<ClusterView.MemberStatus> statuses = new ArrayList<>();
    for (Member m : members) {
      String n = nodeName(m.ordinal());
      boolean member = status.disk().contains(n);
      boolean runs = status.running().contains(n);
      List<String> problems = new ArrayList<>();
      if (!member) {
        problems.add("not a cluster member");
      }
      if (!runs) {
        problems.add("not running");
      }
      status.alarms().stream().filter(a -> a.contains(n)).forEach(problems::add);
      statuses.add(
          new ClusterView.MemberStatus(
              m.ordinal(),
              runs ? "disc" : "down",
              problems.isEmpty(),
              problems.isEmpty() ? "ok" : String.join("; ", problems)));
    }
    boolean consistent = status.partitions().isEmpty();
    String detail =
        (consistent ? "" : "network partitions: " + status.partitions())
            + (strangers.isEmpty()
                ? ""
                : (consistent ? "" : "; ") + "cluster members Ballast does not know: " + strangers);
    return new ClusterView(voting, Optional.empty(), consistent, statuses, detail);
  }

  /**
   * Empty when, for every quorum queue with a replica among {@code members}, a majority of those
   * replicas is online; else names each queue that would be left without one. Asked of the members
   * that remain before a node leaves or stops: a replica on the leaving node does not count.
   */
  @Override
  public Optional<String> notInSync(List<Member> members) {
    Set<String> names = members.stream().map(m -> nodeName(m.ordinal())).collect(toSet());
    List<String> short_ = withoutMajority(quorumQueues(members), names, "");
    return short_.isEmpty()
        ? Optional.empty()
        : Optional.of("quorum queues without a majority online: " + String.join(", ", short_));
  }

  // ------------------------------------------------------------------ remove

  @Override
  public void drain(Member leaving, List<Member> remaining) {
    String node = nodeName(leaving.ordinal());
    Set<String> names = remaining.stream().map(m -> nodeName(m.ordinal())).collect(toSet());
    List<Member> all = new ArrayList<>(remaining);
    all.add(leaving);
    List<QuorumQueue> queues = quorumQueues(all);
    List<String> refused = withoutMajority(queues, names, node);
    if (!refused.isEmpty()) {
      throw new MembershipException(
          "removing "
              + node
              + " (member "
              + leaving.ordinal()
              + ") would leave quorum queues without a majority of their members online: "
              + String.join(", ", refused)
              + "; bring their stopped members back (ballast up) and try again");
    }
    String via = lastAnswered;
    Status status = null;
    for (QuorumQueue q : queues) {
      if (q.members().contains(node) && q.members().stream().noneMatch(names::contains)) {
        status = status == null ? status(remaining) : status;
        Set<String> running = status.running();
        // Its only replicas are on the leaving node: move one onto a running remaining node.
        String target =
            names.stream()
                .filter(running::contains)
                .sorted()
                .findFirst()
                .orElseThrow(
                    () -> new MembershipException("no remaining node runs to take " + q.label()));
        must(
            "rabbitmq-queues",
            target,
            "add a replica of " + q.label() + " on " + target + " through",
            "add_member",
            "--vhost",
            q.vhost(),
            q.name(),
            target);
        LOG.info("stage=drain queue={} action=add-member node={}", q.label(), target);
      }
    }
    startOnce("shrink", node, via, "shrink", node);
  }

  @Override
  public DrainProgress drainProgress(Member leaving, List<Member> remaining) {
    String node = nodeName(leaving.ordinal());
    awaitRunning("shrink", node);
    List<QuorumQueue> queues = quorumQueues(remaining);
    String via = lastAnswered;
    List<QuorumQueue> left = queues.stream().filter(q -> q.members().contains(node)).toList();
    if (left.isEmpty()) {
      stopRunning("shrink", node);
      return DrainProgress.complete("no quorum queue has a replica on " + node);
    }
    Set<String> names = remaining.stream().map(m -> nodeName(m.ordinal())).collect(toSet());
    List<String> stuck = withoutMajority(left, names, node);
    if (!stuck.isEmpty()) {
      throw new MembershipException(
          "the drain of "
              + node
              + " (member "
              + leaving.ordinal()
              + ") stopped: quorum queues "
              + String.join(", ", stuck)
              + " would be left without a majority of their members online; their replicas on "
              + node
              + " stay until then, so no message is lost; bring the stopped members back (ballast"
              + " up) to continue, or raise the target to keep "
              + node);
    }
    startOnce("shrink", node, via, "shrink", node);
    double fraction = queues.isEmpty() ? 1.0 : 1.0 - (double) left.size() / queues.size();
    return new DrainProgress(
        false,
        fraction,
        left.size()
            + " of "
            + queues.size()
            + " quorum queues still have a replica on "
            + node
            + " (rabbitmq-queues shrink)");
  }

  @Override
  public void cancelDrain(Member leaving, List<Member> remaining) {
    stopRunning("shrink", nodeName(leaving.ordinal()));
  }

  /**
   * Nothing to do before the stop: a running node cannot be forgotten. Refuses while the node still
   * holds a quorum queue replica (it must be drained first).
   */
  @Override
  public void leave(Member leaving, List<Member> remaining) {
    String node = nodeName(leaving.ordinal());
    List<String> held =
        quorumQueues(remaining).stream()
            .filter(q -> q.members().contains(node))
            .map(QuorumQueue::label)
            .toList();
    if (!held.isEmpty()) {
      throw new MembershipException(
          node + " still holds replicas of quorum queues " + held + "; drain it before it leaves");
    }
  }

  @Override
  public boolean forgetsAfterStop() {
    return true;
  }

  @Override
  public void forget(Member gone, List<Member> remaining) {
    String node = nodeName(gone.ordinal());
    Status status = status(remaining);
    String via = lastAnswered;
    if (!status.disk().contains(node) && !status.ram().contains(node)) {
      LOG.info("stage=forget member={} outcome=not-a-member", gone.ordinal());
      return;
    }
    if (status.running().contains(node)) {
      throw new MembershipException(
          node + " still runs; RabbitMQ forgets only a stopped node (stop it first)");
    }
    // What rabbitmqctl forget_cluster_node does, through the control node (no VM boot).
    control.ask("forget", via, node);
    LOG.info("stage=forget member={} via={} outcome=forgotten", gone.ordinal(), via);
  }

  // ------------------------------------------------------------------ helpers

  /** What {@code cluster_status} reports on one node. */
  record Status(
      Set<String> disk,
      Set<String> ram,
      Set<String> running,
      List<String> alarms,
      List<String> partitions) {}

  /** A quorum queue, its virtual host, and the nodes of its replicas (all, and those online). */
  public record QuorumQueue(String vhost, String name, List<String> members, List<String> online) {
    /** The queue's name, prefixed by its virtual host unless that is {@code /}. */
    public String label() {
      return "/".equals(vhost) ? name : vhost + "/" + name;
    }
  }

  /**
   * The labels of the queues among {@code queues} that, once {@code leaving} (may be empty) is
   * gone, have no replica on {@code names} or fewer than a majority of those replicas online.
   */
  static List<String> withoutMajority(List<QuorumQueue> queues, Set<String> names, String leaving) {
    List<String> out = new ArrayList<>();
    for (QuorumQueue q : queues) {
      if (!leaving.isEmpty() && !q.members().contains(leaving)) {
        continue;
      }
      List<String> kept = q.members().stream().filter(names::contains).toList();
      long online = kept.stream().filter(q.online()::contains).count();
      if (kept.isEmpty()) {
        if (leaving.isEmpty() || !q.online().contains(leaving)) {
          out.add(q.label() + " (no replica online on the remaining members)");
        }
      } else if (online * 2 <= kept.size()) {
        out.add(q.label() + " (" + online + " of " + kept.size() + " replicas online)");
      }
    }
    return out;
  }

  Status status(String via) {
    JsonNode s = json(control.ask("status", via));
    return new Status(
        strings(s.path("disk_nodes")),
        strings(s.path("ram_nodes")),
        strings(s.path("running_nodes")),
        texts(s.path("alarms")),
        texts(s.path("partitions")));
  }

  /** Every quorum queue of every virtual host, as the first answering node of {@code via} says. */
  public List<QuorumQueue> quorumQueues(List<Member> via) {
    return onAny(via, this::quorumQueues);
  }

  private List<QuorumQueue> quorumQueues(String node) {
    List<QuorumQueue> out = new ArrayList<>();
    for (JsonNode q : json(control.ask("queues", node))) {
      out.add(
          new QuorumQueue(
              q.path("vhost").asText(),
              q.path("name").asText(),
              List.copyOf(strings(q.path("members"))),
              List.copyOf(strings(q.path("online")))));
    }
    return out;
  }

  /**
   * Asks {@code ask} of the nodes of {@code members} in turn and returns the first answer; a node
   * that is down fails at once (it is not registered with epmd), so this costs one run when the
   * first member answers.
   */
  private <T> T onAny(List<Member> members, Function<String, T> ask) {
    List<String> why = new ArrayList<>();
    for (Member m : members) {
      try {
        T answer = ask.apply(nodeName(m.ordinal()));
        lastAnswered = nodeName(m.ordinal());
        return answer;
      } catch (MembershipException e) {
        why.add(e.getMessage());
      }
    }
    throw new MembershipException(
        "no RabbitMQ node answers" + (why.isEmpty() ? "" : " (" + String.join("; ", why) + ")"));
  }

  /** The cluster status as the first answering node of {@code members} reports it. */
  private Status status(List<Member> members) {
    return onAny(members, this::status);
  }

  private String must(String tool, String node, String what, String... args) {
    RabbitMqCli.Result r = cli.run(tool, node, args);
    if (!r.ok()) {
      throw new MembershipException(
          "cannot "
              + what
              + " "
              + node
              + ": "
              + tool
              + " "
              + args[0]
              + " exited with "
              + r.exitCode()
              + (r.firstLine().isEmpty() ? "" : ": " + r.firstLine()));
    }
    return r.output();
  }

  /**
   * Starts a grow or shrink for {@code node} through {@code via}, unless one this process started
   * runs.
   */
  private void startOnce(String kind, String node, String via, String... args) {
    String key = kind + ":" + node;
    Process p = running.get(key);
    if (p != null && p.isAlive()) {
      return;
    }
    running.put(key, cli.startDetached("rabbitmq-queues", via, args));
    LOG.info("action={} node={} via={}", kind, node, via);
  }

  /**
   * Waits, for a bounded time, for the grow or shrink this process started for {@code node} to end,
   * so that a progress poll does not list the queues while the command is half-way.
   */
  private void awaitRunning(String kind, String node) {
    Process p = running.get(kind + ":" + node);
    if (p == null) {
      return;
    }
    try {
      p.waitFor(PROGRESS_WAIT.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new MembershipException("interrupted while waiting for " + kind + " of " + node, e);
    }
  }

  private void stopRunning(String kind, String node) {
    Process p = running.remove(kind + ":" + node);
    if (p != null && p.isAlive()) {
      p.destroy();
    }
  }

  private static JsonNode json(String answer) {
    try {
      return JSON.readTree(answer);
    } catch (IOException e) {
      throw new MembershipException("cannot read the control node's answer: " + e.getMessage(), e);
    }
  }

  private static Set<String> strings(JsonNode array) {
    Set<String> out = new TreeSet<>();
    array.forEach(n -> out.add(n.asText()));
    return out;
  }

  private static List<String> texts(JsonNode array) {
    List<String> out = new ArrayList<>();
    array.forEach(n -> out.add(n.isTextual() ? n.asText() : n.toString()));
    return out;
  }

  private static <T> java.util.stream.Collector<T, ?, Set<T>> toSet() {
    return Collectors.toCollection(TreeSet::new);
  }

  /** Stops the grow and shrink commands this process started. */
  @Override
  public void close() {
    running.values().forEach(Process::destroy);
    running.clear();
    control.close();
  }
}
