package dev.ballast.local.runtime;

import dev.ballast.core.port.DataPolicy;
import dev.ballast.core.port.Member;
import dev.ballast.core.port.ReplicaRuntime;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the members of a local cluster as detached child processes that outlive the ballast command:
 * each in its own session, with stdin from {@code /dev/null} and output appended to its log file
 * under the state directory. The member table ({@code members.json}) keeps each ordinal's ports and
 * process id with its start time, so that a later ballast process finds the members again and never
 * mistakes a recycled pid for one of them. Every member also carries the environment variable
 * {@value #MARKER_VARIABLE}, which finds a member whose pid was not recorded because ballast
 * crashed right after starting it.
 *
 * <p>Layout: {@code <stateDir>/members/<ordinal>/} holds the member's files and {@code member.log};
 * {@code .../data/} its data. {@link DataPolicy#RETAIN} moves a removed member's directory to
 * {@code <stateDir>/retired/}.
 */
public final class LocalProcessRuntime implements ReplicaRuntime {
  /** Environment variable set on every member: {@code <stateDir>#<ordinal>}. */
  public static final String MARKER_VARIABLE = "BALLAST_MEMBER";

  private static final Logger LOG = LoggerFactory.getLogger(LocalProcessRuntime.class);
  private static final DateTimeFormatter RETIRED_STAMP =
      DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);
  private static final Duration POLL = Duration.ofMillis(10);

  private final Path stateDir;
  private final String host;
  private final List<String> portNames;
  private final MemberLauncher launcher;
  private final Clock clock;
  private final Duration stopGrace;
  private final MemberTable table;
  private final PortAllocator ports;

  /**
   * A runtime whose members listen on {@code host} with the ports named {@code portNames}, are
   * started by {@code launcher}, and get {@code stopGrace} between SIGTERM and SIGKILL.
   */
  public LocalProcessRuntime(
      Path stateDir,
      String host,
      List<String> portNames,
      MemberLauncher launcher,
      Clock clock,
      Duration stopGrace) {
    this.stateDir = stateDir.toAbsolutePath().normalize();
    this.host = host;
    this.portNames = List.copyOf(portNames);
    this.launcher = launcher;
    this.clock = clock;
    this.stopGrace = stopGrace;
    this.table = new MemberTable(this.stateDir.resolve("members.json"));
    this.ports = new PortAllocator(new Random());
  }

  @Override
  public synchronized List<Member> members() {
    return table.read().stream().map(MemberRecord::toMember).toList();
  }

  @Override
  public synchronized Member prepare(int ordinal) {
    List<MemberRecord> rows = table.read();
    Optional<MemberRecord> existing = find(rows, ordinal);
    if (existing.isPresent()) {
      return existing.get().toMember();
    }
    Set<Integer> reserved = new HashSet<>();
    rows.forEach(r -> reserved.addAll(r.ports().values()));
    Map<String, Integer> assigned = new LinkedHashMap<>();
    for (String name : portNames) {
      int port = ports.allocate(host, reserved);
      reserved.add(port);
      assigned.put(name, port);
    }
    try {
      Files.createDirectories(dataDir(ordinal));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create the directory of member " + ordinal, e);
    }
    MemberRecord row = new MemberRecord(ordinal, host, assigned, null, null);
    List<MemberRecord> updated = new ArrayList<>(rows);
    updated.add(row);
    table.write(updated);
    LOG.info("member={} action=prepare ports={}", ordinal, assigned);
    return row.toMember();
  }

  @Override
  public synchronized void start(Member member, Map<String, String> launchSettings) {
    MemberRecord row =
        find(table.read(), member.ordinal())
            .orElseThrow(
                () ->
                    new IllegalStateException(
                        "member " + member.ordinal() + " was not prepared; cannot start it"));
    if (liveProcess(row).isPresent()) {
      return;
    }
    int ordinal = member.ordinal();
    try {
      Files.createDirectories(dataDir(ordinal));
      LaunchCommand launch =
          launcher.prepare(row.toMember(), memberDir(ordinal), dataDir(ordinal), launchSettings);
      List<String> argv = new ArrayList<>();
      if (Files.isExecutable(Path.of("/usr/bin/setsid"))
          || Files.isExecutable(Path.of("/bin/setsid"))) {
        // A new session: the member ignores the terminal's signals (Ctrl-C, hang-up) meant for
        // the ballast command, and so outlives it.
        argv.add("setsid");
      }
      argv.addAll(launch.argv());
      Path log = logFile(ordinal);
      Files.writeString(
          log,
          "=== ballast starting member "
              + ordinal
              + " at "
              + clock.instant()
              + ": "
              + String.join(" ", launch.argv())
              + System.lineSeparator(),
          StandardCharsets.UTF_8,
          StandardOpenOption.CREATE,
          StandardOpenOption.APPEND);
      ProcessBuilder pb =
          new ProcessBuilder(argv)
              .directory(memberDir(ordinal).toFile())
              .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
              .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
              .redirectErrorStream(true);
      pb.environment().putAll(launch.env());
      pb.environment().put(MARKER_VARIABLE, marker(ordinal));
      Process process = pb.start();
      long pid = process.pid();
      Long ticks = ProcessIdentity.of(pid).map(ProcessIdentity::startTicks).orElse(null);
      table.write(replace(table.read(), row.withProcess(pid, ticks)));
      LOG.info("member={} action=start pid={} log={}", ordinal, pid, log);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start member " + ordinal + ": " + e.getMessage(), e);
    }
  }

  @Override
  public synchronized boolean isRunning(int ordinal) {
    return find(table.read(), ordinal).flatMap(this::liveProcess).isPresent();
  }

  @Override
  public synchronized void stop(int ordinal) {
    Optional<MemberRecord> row = find(table.read(), ordinal);
    if (row.isEmpty()) {
      return;
    }
    Optional<ProcessIdentity> process = liveProcess(row.get());
    List<ProcessIdentity> group = new ArrayList<>();
    process.ifPresent(group::add);
    // Whatever else carries the member's marker (a shell's children, a duplicate after a crash).
    markedProcesses(marker(ordinal)).stream()
        .filter(p -> group.stream().noneMatch(g -> g.pid() == p.pid()))
        .forEach(group::add);
    if (!group.isEmpty()) {
      terminate(group, stopGrace);
      // A child the member spawned while it was being stopped (after its descendants were listed)
      // outlives it: stop whatever still carries its marker.
      List<ProcessIdentity> late = markedProcesses(marker(ordinal));
      if (!late.isEmpty()) {
        terminate(late, stopGrace);
        late.forEach(group::add);
      }
      LOG.info(
          "member={} action=stop pids={}",
          ordinal,
          group.stream().map(ProcessIdentity::pid).toList());
    }
    if (row.get().pid() != null) {
      table.write(replace(table.read(), row.get().withProcess(null, null)));
    }
  }

  @Override
  public synchronized void cleanup(int ordinal, DataPolicy policy) {
    List<MemberRecord> rows = table.read();
    Optional<MemberRecord> row = find(rows, ordinal);
    if (row.isEmpty()) {
      return;
    }
    if (liveProcess(row.get()).isPresent()) {
      throw new IllegalStateException(
          "member " + ordinal + " still runs; stop it before cleaning up its data");
    }
    Path dir = memberDir(ordinal);
    try {
      if (Files.exists(dir)) {
        if (policy == DataPolicy.RETAIN) {
          Path retired =
              stateDir
                  .resolve("retired")
                  .resolve("member-" + ordinal + "-" + RETIRED_STAMP.format(clock.instant()));
          Files.createDirectories(retired.getParent());
          Files.move(dir, retired);
          LOG.info("member={} action=cleanup policy=RETAIN movedTo={}", ordinal, retired);
        } else {
          // Rename first so that a crash mid-delete never leaves a half-deleted member directory
          // where a new member with the same ordinal would start.
          Path trash = stateDir.resolve(".trash-member-" + ordinal + "-" + System.nanoTime());
          Files.move(dir, trash);
          deleteRecursively(trash);
          LOG.info("member={} action=cleanup policy=DELETE", ordinal);
        }
      }
      try (Stream<Path> leftovers = Files.list(stateDir)) {
        for (Path p :
            leftovers.filter(p -> p.getFileName().toString().startsWith(".trash-")).toList()) {
          deleteRecursively(p);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(
          "cannot clean up member " + ordinal + ": " + e.getMessage(), e);
    }
    List<MemberRecord> remaining = new ArrayList<>(table.read());
    remaining.removeIf(r -> r.ordinal() == ordinal);
    table.write(remaining);
  }

  /** The live process of a member, if it runs. */
  public synchronized Optional<ProcessIdentity> process(int ordinal) {
    return find(table.read(), ordinal).flatMap(this::liveProcess);
  }

  /**
   * Every live process started for this cluster (carrying its marker), whether or not the member
   * table knows it: what {@code ballast down} must leave none of.
   */
  public List<ProcessIdentity> clusterProcesses() {
    return markedProcesses(stateDir + "#");
  }

  /** Stops every process of the cluster, members and strays alike, with the stop grace period. */
  public synchronized void stopAll() {
    List<MemberRecord> rows;
    try {
      rows = table.read();
    } catch (dev.ballast.local.io.StateFileException e) {
      // The table cannot be read: the processes' own markers still say which are the cluster's.
      LOG.warn("action=stop-all table=unreadable reason=\"{}\"", e.getMessage());
      rows = List.of();
    }
    for (MemberRecord row : rows) {
      stop(row.ordinal());
    }
    List<ProcessIdentity> strays = clusterProcesses();
    if (!strays.isEmpty()) {
      terminate(strays, stopGrace);
    }
  }

  public Path stateDir() {
    return stateDir;
  }

  /** The directory of the member's files. */
  public Path memberDir(int ordinal) {
    return stateDir.resolve("members").resolve(Integer.toString(ordinal));
  }

  /** The member's data directory, deleted or retired by {@link #cleanup}. */
  public Path dataDir(int ordinal) {
    return memberDir(ordinal).resolve("data");
  }

  /** The member's log: its standard output and error, appended across restarts. */
  public Path logFile(int ordinal) {
    return memberDir(ordinal).resolve("member.log");
  }

  private String marker(int ordinal) {
    return stateDir + "#" + ordinal;
  }

  /**
   * The member's process: the recorded pid when it is alive and started at the recorded time, or
   * else a process carrying the member's marker (adopted into the table).
   */
  private Optional<ProcessIdentity> liveProcess(MemberRecord row) {
    if (row.pid() != null && row.startTicks() != null) {
      Optional<ProcessIdentity> p =
          ProcessIdentity.of(row.pid())
              .filter(id -> id.startTicks() == row.startTicks() && id.alive());
      if (p.isPresent()) {
        return p;
      }
    }
    String marker = marker(row.ordinal());
    Optional<ProcessIdentity> adopted =
        markedProcesses(marker).stream()
            .filter(p -> p.session() == p.pid())
            .min(Comparator.comparingLong(ProcessIdentity::startTicks))
            .or(() -> markedProcesses(marker).stream().findFirst());
    adopted.ifPresent(
        p -> {
          if (!Long.valueOf(p.pid()).equals(row.pid())) {
            LOG.info("member={} action=adopt pid={}", row.ordinal(), p.pid());
            table.write(replace(table.read(), row.withProcess(p.pid(), p.startTicks())));
          }
        });
    return adopted;
  }

  /**
   * The members of this cluster that run, found by the marker in their processes' environment alone
   * (without the member table): for each ordinal, the session leader that started first (the member
   * itself rather than a process it spawned).
   */
  public java.util.SortedMap<Integer, ProcessIdentity> runningByMarker() {
    java.util.SortedMap<Integer, ProcessIdentity> found = new java.util.TreeMap<>();
    String prefix = stateDir + "#";
    for (Map.Entry<String, ProcessIdentity> e : markerEntries(prefix)) {
      String suffix = e.getKey().substring(prefix.length());
      if (!suffix.chars().allMatch(Character::isDigit) || suffix.isEmpty()) {
        continue;
      }
      ProcessIdentity p = e.getValue();
      found.merge(
          Integer.parseInt(suffix),
          p,
          (a, b) -> {
            boolean aLeads = a.session() == a.pid();
            boolean bLeads = b.session() == b.pid();
            if (aLeads != bLeads) {
              return aLeads ? a : b;
            }
            return a.startTicks() <= b.startTicks() ? a : b;
          });
    }
    return found;
  }

  /**
   * Every live process started by a runtime whose state directory is {@code root} or below it
   * (members of every cluster kept there, and whatever they spawned): found by their marker alone.
   */
  public static List<ProcessIdentity> processesUnder(Path root) {
    String dir = root.toAbsolutePath().normalize().toString();
    List<ProcessIdentity> out = new ArrayList<>(markedProcesses(dir + "#"));
    markerEntries(dir + "/", false).forEach(e -> out.add(e.getValue()));
    return out;
  }

  /**
   * Stops {@link #processesUnder} {@code root}: SIGTERM, then SIGKILL to what is left after {@code
   * grace}. For a command whose clusters all live under one directory and must not outlive it.
   */
  public static void stopAllUnder(Path root, Duration grace) {
    List<ProcessIdentity> found = processesUnder(root);
    if (!found.isEmpty()) {
      LOG.info(
          "action=stop-all-under dir={} pids={}",
          root,
          found.stream().map(ProcessIdentity::pid).toList());
      terminate(found, grace);
    }
  }

  /** Live processes whose environment holds {@code MARKER_VARIABLE=<prefix>...}. */
  private static List<ProcessIdentity> markedProcesses(String prefix) {
    return markerEntries(prefix).stream().map(Map.Entry::getValue).toList();
  }

  /** Live processes whose marker starts with {@code prefix}, each with its marker's value. */
  private static List<Map.Entry<String, ProcessIdentity>> markerEntries(String prefix) {
    return markerEntries(prefix, !prefix.endsWith("#"));
  }

  /**
   * Live processes whose marker is {@code prefix} ({@code exact}) or starts with it, each with its
   * marker's value.
   */
  private static List<Map.Entry<String, ProcessIdentity>> markerEntries(
      String prefix, boolean exact) {
    byte[] needle = (MARKER_VARIABLE + "=" + prefix).getBytes(StandardCharsets.UTF_8);
    List<Map.Entry<String, ProcessIdentity>> found = new ArrayList<>();
    long self = ProcessHandle.current().pid();
    try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
      for (Path p : procs.toList()) {
        String name = p.getFileName().toString();
        if (!name.chars().allMatch(Character::isDigit) || Long.parseLong(name) == self) {
          continue;
        }
        byte[] environ;
        try {
          environ = Files.readAllBytes(p.resolve("environ"));
        } catch (IOException | SecurityException e) {
          continue; // gone, or another user's process
        }
        Optional<String> value = entryValue(environ, needle, exact);
        if (value.isPresent()) {
          ProcessIdentity.of(Long.parseLong(name))
              .filter(ProcessIdentity::alive)
              .ifPresent(id -> found.add(Map.entry(value.get(), id)));
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list /proc", e);
    }
    return found;
  }

  /** Whether the NUL-separated {@code environ} has an entry starting with {@code needle}. */
  static boolean containsEntry(byte[] environ, byte[] needle, boolean exact) {
    return entryValue(environ, needle, exact).isPresent();
  }

  /**
   * The value (after {@code MARKER_VARIABLE=}) of the first entry of the NUL-separated {@code
   * environ} that starts with {@code needle}, if any.
   */
  static Optional<String> entryValue(byte[] environ, byte[] needle, boolean exact) {
    int start = 0;
    while (start < environ.length) {
      int end = start;
      while (end < environ.length && environ[end] != 0) {
        end++;
      }
      int len = end - start;
      if (len >= needle.length && (!exact || len == needle.length)) {
        boolean match = true;
        for (int i = 0; i < needle.length && match; i++) {
          match = environ[start + i] == needle[i];
        }
        if (match) {
          String entry = new String(environ, start, len, StandardCharsets.UTF_8);
          return Optional.of(entry.substring(entry.indexOf('=') + 1));
        }
      }
      start = end + 1;
    }
    return Optional.empty();
  }

  /** SIGTERM to every process (and its descendants), then SIGKILL to what is left after grace. */
  private static void terminate(List<ProcessIdentity> processes, Duration grace) {
    List<ProcessIdentity> all = new ArrayList<>(processes);
    for (ProcessIdentity p : processes) {
      ProcessHandle.of(p.pid())
          .ifPresent(
              h ->
                  h.descendants()
                      .forEach(
                          d ->
                              ProcessIdentity.of(d.pid())
                                  .filter(id -> all.stream().noneMatch(a -> a.pid() == id.pid()))
                                  .ifPresent(all::add)));
    }
    all.forEach(p -> signal(p, false));
    if (!awaitExit(all, grace)) {
      all.forEach(p -> signal(p, true));
      if (!awaitExit(all, Duration.ofSeconds(5))) {
        throw new IllegalStateException(
            "processes "
                + all.stream()
                    .filter(LocalProcessRuntime::stillAlive)
                    .map(ProcessIdentity::pid)
                    .toList()
                + " did not exit after SIGKILL");
      }
    }
  }

  private static void signal(ProcessIdentity p, boolean kill) {
    if (stillAlive(p)) {
      ProcessHandle.of(p.pid())
          .ifPresent(
              h -> {
                if (kill) {
                  h.destroyForcibly();
                } else {
                  h.destroy();
                }
              });
    }
  }

  private static boolean stillAlive(ProcessIdentity p) {
    return ProcessIdentity.isAlive(p.pid(), p.startTicks());
  }

  private static boolean awaitExit(List<ProcessIdentity> processes, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (processes.stream().anyMatch(LocalProcessRuntime::stillAlive)) {
      if (System.nanoTime() > deadline) {
        return false;
      }
      try {
        Thread.sleep(POLL.toMillis());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return false;
      }
    }
    return true;
  }

  private static Optional<MemberRecord> find(List<MemberRecord> rows, int ordinal) {
    return rows.stream().filter(r -> r.ordinal() == ordinal).findFirst();
  }

  private static List<MemberRecord> replace(List<MemberRecord> rows, MemberRecord row) {
    List<MemberRecord> out = new ArrayList<>(rows);
    out.removeIf(r -> r.ordinal() == row.ordinal());
    out.add(row);
    return out;
  }

  static void deleteRecursively(Path root) throws IOException {
    if (!Files.exists(root)) {
      return;
    }
    try (Stream<Path> walk = Files.walk(root)) {
      for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }
}
