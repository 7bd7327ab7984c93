package dev.ballast.core.testing;

import dev.ballast.core.port.DataPolicy;
import dev.ballast.core.port.Member;
import dev.ballast.core.port.ReplicaRuntime;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * A {@link ReplicaRuntime} in memory: members are reserved, started and stopped at once. A member
 * gets data when it starts; cleanup deletes it or sets it aside. Tests can make a member die, never
 * come up, or make a call fail. It refuses to clean up a running member, to catch an executor that
 * would.
 */
public final class InMemoryReplicaRuntime implements ReplicaRuntime {

  /** The calls a test can make fail. */
  public enum Call {
    PREPARE,
    START,
    STOP,
    CLEANUP,
    PUBLISH
  }

  private final TreeMap<Integer, Member> reserved = new TreeMap<>();
  private final Set<Integer> running = new TreeSet<>();
  private final Set<Integer> withData = new TreeSet<>();
  private final Set<Integer> retainedData = new TreeSet<>();
  private final Set<Integer> neverStart = new HashSet<>();
  private final Map<Integer, Map<String, String>> launchSettings = new HashMap<>();
  private final Map<Integer, Integer> starts = new HashMap<>();
  private final Map<Call, Integer> failures = new EnumMap<>(Call.class);
  private final List<String> calls = new ArrayList<>();
  private List<Member> published = List.of();
  private List<String> nodes = null;

  /** A runtime with members 0..n-1 reserved, running and holding data. */
  public static InMemoryReplicaRuntime withRunningMembers(int n) {
    InMemoryReplicaRuntime runtime = new InMemoryReplicaRuntime();
    for (int i = 0; i < n; i++) {
      runtime.start(runtime.prepare(i), Map.of());
    }
    runtime.calls.clear();
    runtime.starts.clear();
    return runtime;
  }

  @Override
  public synchronized List<Member> members() {
    return List.copyOf(reserved.values());
  }

  @Override
  public synchronized Member prepare(int ordinal) {
    call(Call.PREPARE, ordinal);
    return reserved.computeIfAbsent(ordinal, InMemoryReplicaRuntime::memberFor);
  }

  @Override
  public synchronized void start(Member member, Map<String, String> settings) {
    call(Call.START, member.ordinal());
    if (!reserved.containsKey(member.ordinal())) {
      throw new IllegalStateException("member " + member.ordinal() + " is not reserved");
    }
    starts.merge(member.ordinal(), 1, Integer::sum);
    if (running.contains(member.ordinal()) || neverStart.contains(member.ordinal())) {
      return;
    }
    running.add(member.ordinal());
    withData.add(member.ordinal());
    launchSettings.put(member.ordinal(), Map.copyOf(settings));
  }

  @Override
  public synchronized boolean isRunning(int ordinal) {
    return running.contains(ordinal);
  }

  @Override
  public synchronized void stop(int ordinal) {
    call(Call.STOP, ordinal);
    running.remove(ordinal);
  }

  @Override
  public synchronized void cleanup(int ordinal, DataPolicy policy) {
    call(Call.CLEANUP, ordinal);
    if (running.contains(ordinal)) {
      throw new IllegalStateException("member " + ordinal + " is running; stop it before cleanup");
    }
    if (withData.remove(ordinal) && policy == DataPolicy.RETAIN) {
      retainedData.add(ordinal);
    }
    reserved.remove(ordinal);
  }

  @Override
  public synchronized void publish(List<Member> members) {
    call(Call.PUBLISH, members.size());
    published = List.copyOf(members);
  }

  // ------------------------------------------------------------------ test controls

  /** The member's process dies (as if killed). */
  @Override
  public synchronized Optional<String> nodeOf(int ordinal) {
    return nodes == null || nodes.isEmpty()
        ? Optional.empty()
        : Optional.of(nodes.get(ordinal % nodes.size()));
  }

  @Override
  public synchronized java.util.OptionalInt schedulableNodes() {
    return nodes == null ? java.util.OptionalInt.empty() : java.util.OptionalInt.of(nodes.size());
  }

  /** Places member k on {@code names[k % names.size()]}, as a scheduler with that many nodes. */
  public synchronized void placeOn(List<String> names) {
    nodes = List.copyOf(names);
  }

  public synchronized void kill(int ordinal) {
    running.remove(ordinal);
  }

  /** Starting this member has no effect: its process exits at once. */
  public synchronized void neverStarts(int ordinal) {
    neverStart.add(ordinal);
  }

  /** The next {@code times} calls of {@code call} throw. */
  public synchronized void failNext(Call call, int times) {
    failures.put(call, times);
  }

  /** Whether the member has live data (started and not cleaned up). */
  public synchronized boolean hasData(int ordinal) {
    return withData.contains(ordinal);
  }

  /** Whether a cleaned-up member's data was set aside rather than deleted. */
  public synchronized boolean hasRetainedData(int ordinal) {
    return retainedData.contains(ordinal);
  }

  /** The settings the member was last started with. */
  public synchronized Optional<Map<String, String>> launchSettings(int ordinal) {
    return Optional.ofNullable(launchSettings.get(ordinal));
  }

  /** How often {@link #start} was called for the member. */
  public synchronized int starts(int ordinal) {
    return starts.getOrDefault(ordinal, 0);
  }

  /** The ordinals running now. */
  public synchronized Set<Integer> running() {
    return Set.copyOf(running);
  }

  /** The last published member list. */
  public synchronized List<Member> published() {
    return published;
  }

  /** Every call, as "START 3". */
  public synchronized List<String> calls() {
    return List.copyOf(calls);
  }

  private void call(Call call, int ordinal) {
    calls.add(call + " " + ordinal);
    Integer left = failures.get(call);
    if (left != null && left > 0) {
      failures.put(call, left - 1);
      throw new IllegalStateException("injected failure of " + call + " " + ordinal);
    }
  }

  private static Member memberFor(int ordinal) {
    return new Member(
        ordinal,
        "127.0.0.1",
        Map.of("client", 21810 + ordinal, "quorum", 28880 + ordinal, "election", 38880 + ordinal));
  }
}
