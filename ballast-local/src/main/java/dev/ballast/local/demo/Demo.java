package dev.ballast.local.demo;

import dev.ballast.autoscaler.AutoscaleLoop;
import dev.ballast.core.execute.ExecutionListener;
import dev.ballast.core.execute.Progress;
import dev.ballast.core.port.Member;
import dev.ballast.local.ClusterBusyException;
import dev.ballast.local.ClusterOperationException;
import dev.ballast.local.LocalClusterControl;
import dev.ballast.local.LocalWiring;
import dev.ballast.local.autoscale.LocalAutoscaling;
import dev.ballast.local.config.ClusterFile;
import dev.ballast.local.config.ClusterFileException;
import dev.ballast.local.load.LoadResult;
import dev.ballast.local.load.LoadSettings;
import dev.ballast.local.load.LoadStats;
import dev.ballast.local.load.RateProfile;
import dev.ballast.local.load.ZooKeeperLoadGenerator;
import dev.ballast.metrics.ZooKeeperMntr;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code ballast demo}: a real three-member ZooKeeper ensemble on this machine, a load that rises
 * and falls, and Ballast autoscaling it 3 → 5 → 3 one member at a time, telling the story as it
 * goes. At the end every acknowledged write is read back, everything started is stopped, and the
 * state directory holds the cluster file, the journal, the history, {@code report.html} and {@code
 * summary.json}.
 */
public final class Demo {
  private static final Logger LOG = LoggerFactory.getLogger(Demo.class);
  private static final DateTimeFormatter HMS =
      DateTimeFormatter.ofPattern("HH:mm:ss").withZone(ZoneId.systemDefault());

  /** The file that marks a directory as a demo's, so that a later run may clear it. */
  static final String CLUSTER_FILE = "cluster.yaml";

  /** The files the demo writes into its state directory besides Ballast's own. */
  static final java.util.Set<String> DEMO_FILES =
      java.util.Set.of(CLUSTER_FILE, "report.html", "summary.json");

  static final Duration UP_TIMEOUT = Duration.ofSeconds(120);
  static final Duration VERIFY_TIMEOUT = Duration.ofSeconds(60);
  static final Duration QUORUM_SAMPLE = Duration.ofMillis(500);

  /**
   * Where the demo writes its lines: {@code status} may be overwritten by the next output; {@code
   * progress} receives every tick of the autoscaling loop (the stage in flight), for a live status
   * line.
   */
  public interface Output {
    void line(String text);

    default void status(String text) {}

    default void progress(Progress progress) {}
  }

  /** The summary and the files written. */
  public record Result(DemoSummary summary, Path report, Path summaryJson) {}

  private final DemoSettings settings;
  private final Clock clock;
  private final Output out;
  private final ExecutionListener stagePrinter;
  private final AtomicReference<AutoscaleLoop> loop = new AtomicReference<>();
  private volatile boolean aborted;

  public Demo(DemoSettings settings, Clock clock, Output out, ExecutionListener stagePrinter) {
    this.settings = Objects.requireNonNull(settings, "settings");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.out = Objects.requireNonNull(out, "out");
    this.stagePrinter = Objects.requireNonNull(stagePrinter, "stagePrinter");
  }

  /** Asks a running demo to wrap up now (Ctrl-C): the loop stops after its current stage. */
  public void abort() {
    aborted = true;
    AutoscaleLoop l = loop.get();
    if (l != null) {
      l.stop();
    }
  }

  public Result run()
      throws IOException, InterruptedException, ClusterFileException, ClusterBusyException {
    Path dir = settings.stateDir().toAbsolutePath().normalize();
    Path clusterFile = prepareStateDir(dir, clusterYaml(), DEMO_FILES, out, clock);
    ClusterFile cluster = ClusterFile.load(clusterFile);
    Instant started = clock.instant();

    try (LocalWiring wiring = LocalWiring.exclusive(cluster, clock)) {
      LocalClusterControl control = new LocalClusterControl(wiring);
      printPolicy(cluster);
      out.line("starting a " + cluster.replicas() + "-member ZooKeeper ensemble...");
      try {
        control.up(UP_TIMEOUT, out::line);
      } catch (ClusterOperationException e) {
        control.down();
        throw new IOException("the ensemble did not come up: " + e.getMessage(), e);
      }
      DemoRecorder recorder =
          new DemoRecorder(cluster.replicas(), () -> wiring.runtime().members().size());
      try {
        return runStory(wiring, control, recorder, dir, started);
      } finally {
        List<Integer> stopped = control.down();
        out.line("stopped members " + stopped + "; nothing of the demo is left running");
      }
    }
  }

  private Result runStory(
      LocalWiring wiring,
      LocalClusterControl control,
      DemoRecorder recorder,
      Path dir,
      Instant started)
      throws IOException, InterruptedException {
    RateProfile profile =
        RateProfile.demo(settings.loadDuration(), settings.idleRate(), settings.peakRate());
    ZooKeeperLoadGenerator load =
        new ZooKeeperLoadGenerator(
            LoadSettings.defaults(connectString(wiring.runtime().members()), profile), clock);
    QuorumWatcher watcher = new QuorumWatcher(wiring, recorder);
    Timeline timeline = new Timeline(out, load, recorder, clock);
    AutoscaleLoop autoscaler;
    try {
      autoscaler =
          LocalAutoscaling.loop(
              wiring,
              e -> {
                recorder.onEvent(e);
                stagePrinter.onEvent(e);
              },
              timeline);
    } catch (ClusterFileException e) {
      throw new IllegalStateException("the demo's own cluster file is invalid: " + e, e);
    }
    loop.set(autoscaler);

    out.line(
        "load: "
            + fmt(settings.idleRate())
            + " → "
            + fmt(settings.peakRate())
            + " → "
            + fmt(settings.idleRate())
            + " ops/s over "
            + settings.loadDuration().toSeconds()
            + " s (30% writes, every acknowledged write is checked at the end)");
    load.start();
    watcher.start();
    Thread loopThread =
        new Thread(
            () -> {
              try {
                autoscaler.run();
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              } catch (RuntimeException e) {
                LOG.error("autoscaling loop failed", e);
                out.line("autoscaling loop failed: " + e);
              }
            },
            "ballast-autoscaler");
    loopThread.start();
    LoadResult written;
    try {
      awaitStory(load, wiring);
    } finally {
      autoscaler.stop();
      loopThread.join(Duration.ofSeconds(90).toMillis());
      watcher.stop();
      load.stop();
      out.line("load stopped; reading back every acknowledged write...");
      written = load.verify(VERIFY_TIMEOUT);
      load.close();
    }
    out.line(
        "writes: "
            + written.acknowledged()
            + " acknowledged, "
            + written.lost()
            + " lost, "
            + written.unverified()
            + " unverified, "
            + written.failedAttempts()
            + " failed attempts (never acknowledged, so not lost)");
    DemoSummary summary =
        DemoSummaries.summarize(
            recorder,
            written,
            wiring.runtime().members().size(),
            Duration.between(started, clock.instant()),
            aborted,
            control.interrupted().isPresent());
    Path report = dir.resolve("report.html");
    DemoReport.write(report, settings, recorder, summary, written);
    Path json = dir.resolve("summary.json");
    DemoSummaries.writeJson(summary, json);
    return new Result(summary, report, json);
  }

  /** Waits for the load to run out, then for the cluster to settle back (bounded). */
  private void awaitStory(ZooKeeperLoadGenerator load, LocalWiring wiring)
      throws InterruptedException {
    Duration profile = settings.loadDuration();
    Instant loadEnd = clock.instant().plus(profile);
    while (!aborted && clock.instant().isBefore(loadEnd)) {
      Thread.sleep(200);
    }
    Instant settleBy = clock.instant().plus(settings.settleTimeout());
    while (!aborted && clock.instant().isBefore(settleBy)) {
      boolean idle = !Files.exists(wiring.operations().file());
      boolean back = wiring.runtime().members().size() <= wiring.cluster().replicas();
      if (idle && back) {
        return;
      }
      Thread.sleep(200);
    }
    if (!aborted) {
      out.line("the cluster did not settle within " + settings.settleTimeout().toSeconds() + " s");
    }
  }

  /**
   * Creates the state directory with the demo's cluster file. A directory a previous demo left is
   * brought down and cleared; any other non-empty directory is refused.
   */
  /**
   * Makes {@code dir} a demo's state directory holding {@code yaml} as its cluster file: a previous
   * demo's directory is purged first (its members stopped), any other non-empty directory is
   * refused; {@code demoFiles} names the files the demo itself writes there.
   */
  static Path prepareStateDir(
      Path dir, String yaml, java.util.Set<String> demoFiles, Output out, Clock clock)
      throws IOException, ClusterFileException, ClusterBusyException {
    java.util.Set<String> known = new java.util.HashSet<>(demoFiles);
    known.add(CLUSTER_FILE);
    Path file = dir.resolve(CLUSTER_FILE);
    if (Files.isDirectory(dir)) {
      boolean empty;
      try (Stream<Path> s = Files.list(dir)) {
        empty = s.findAny().isEmpty();
      }
      if (!empty && !Files.exists(file)) {
        throw new IllegalArgumentException(
            "--state-dir "
                + dir.getFileName()
                + " exists and is not a Ballast demo directory; choose another --state-dir");
      }
      if (!empty) {
        out.line("clearing the previous demo in " + dir.getFileName() + "/");
        try (LocalWiring old = LocalWiring.exclusive(ClusterFile.load(file), clock)) {
          new LocalClusterControl(old).purge(known);
        } catch (ClusterOperationException e) {
          // An older demo directory (no marker) with files of its own: say so and go no further.
          throw new IllegalArgumentException(
              "--state-dir " + dir.getFileName() + ": " + e.getMessage(), e);
        }
      }
    }
    dev.ballast.local.StateDirectory.create(dir, "demo", clock.instant());
    dev.ballast.local.StateDirectory.recordFiles(dir, known);
    Files.writeString(file, yaml, StandardCharsets.UTF_8);
    return file;
  }

  String clusterYaml() {
    return String.join(
        "\n",
        "# Written by `ballast demo`. Inspect the cluster while the demo runs:",
        "#   ./ballast status -f <state-dir>/cluster.yaml",
        "apiVersion: ballast.dev/v1alpha1",
        "kind: LocalCluster",
        "metadata:",
        "  name: ballast-demo",
        "spec:",
        "  stateDir: .",
        "  replicas: 3",
        "  minReplicas: 3",
        "  maxReplicas: 7",
        "  allowedReplicas: [3, 5, 7]",
        "  member:",
        "    kind: zookeeper",
        "    heap: 96m",
        "    tickTime: 500ms",
        "  membership:",
        "    type: zookeeper",
        "  scaleDown:",
        "    policy: Allowed",
        "    dataPolicy: Delete",
        "  timeouts:",
        "    default: 60s",
        "  syncPeriod: " + settings.syncPeriod().toMillis() + "ms",
        "  metrics:",
        "    - type: Pods",
        "      pods:",
        "        metric:",
        "          name: \"" + DemoSettings.METRIC + "\"",
        "        target:",
        "          type: AverageValue",
        "          averageValue: \"" + fmt(settings.targetPerMember()) + "\"",
        "  behavior:",
        "    scaleDown:",
        "      stabilizationWindowSeconds: " + settings.scaleDownStabilization().toSeconds(),
        "");
  }

  private void printPolicy(ClusterFile cluster) {
    out.line(
        "policy: sizes "
            + cluster.policy().allowedReplicasText()
            + " (min "
            + cluster.policy().minReplicas()
            + ", max "
            + cluster.policy().maxReplicas()
            + "), scale on "
            + DemoSettings.METRIC
            + " with target "
            + fmt(settings.targetPerMember())
            + "/s per member, sync every "
            + settings.syncPeriod().toMillis() / 1000.0
            + " s, scale-down stabilization "
            + settings.scaleDownStabilization().toSeconds()
            + " s (demo settings: production defaults are 15 s and 300 s)");
  }

  static String connectString(List<Member> members) {
    return members.stream()
        .sorted(Comparator.comparingInt(Member::ordinal))
        .map(m -> m.host() + ":" + m.port("client"))
        .collect(Collectors.joining(","));
  }

  static String fmt(double v) {
    return v == Math.rint(v) ? String.valueOf((long) v) : String.format(Locale.ROOT, "%.1f", v);
  }

  /**
   * Prints one timeline line per sync and keeps the load's connect string current. A line is
   * stamped when it is printed, after the sync's reads: an operation the sync started has printed
   * its first line by then, and the times on screen never go backwards.
   */
  private static final class Timeline implements AutoscaleLoop.Listener {
    private final Output out;
    private final ZooKeeperLoadGenerator load;
    private final DemoRecorder recorder;
    private final Clock clock;

    Timeline(Output out, ZooKeeperLoadGenerator load, DemoRecorder recorder, Clock clock) {
      this.out = out;
      this.load = load;
      this.recorder = recorder;
      this.clock = clock;
    }

    @Override
    public void onSync(AutoscaleLoop.SyncResult r) {
      LoadStats stats = load.stats();
      recorder.onSync(r, stats);
      String connect = connectString(r.members());
      if (!connect.equals(load.connectString())) {
        load.updateConnectString(connect);
      }
      var last = recorder.points().get(recorder.points().size() - 1);

      String metric =
          Double.isNaN(last.metricPerMember())
              ? "metric n/a"
              : String.format(Locale.ROOT, "%5.0f/s per member", last.metricPerMember());
      String line =
          String.format(
              Locale.ROOT,
              "[%s] load %4.0f/s  %s  hpa %d  desired %d  members %d%s",
              HMS.format(clock.instant()),
              stats.achievedRate(),
              metric,
              last.hpaDesired(),
              last.desired(),
              r.members().size(),
              last.operation().isEmpty() ? "" : "  | " + last.operation());
      out.line(line);
    }

    @Override
    public void onTick(Progress progress) {
      out.progress(progress);
    }
  }

  /** Samples every member's {@code mntr} to see whether the ensemble has a leader. */
  private static final class QuorumWatcher {
    private final LocalWiring wiring;
    private final DemoRecorder recorder;
    private volatile boolean running = true;
    private Thread thread;

    QuorumWatcher(LocalWiring wiring, DemoRecorder recorder) {
      this.wiring = wiring;
      this.recorder = recorder;
    }

    void start() {
      thread = new Thread(this::loop, "ballast-quorum-watch");
      thread.setDaemon(true);
      thread.start();
    }

    void stop() throws InterruptedException {
      running = false;
      thread.join(5000);
    }

    private void loop() {
      long last = System.nanoTime();
      while (running) {
        boolean leader = false;
        List<Member> members = new ArrayList<>(wiring.runtime().members());
        for (Member m : members) {
          try {
            String reply = ZooKeeperMntr.fetch(m.host(), m.port("client"), Duration.ofMillis(400));
            if ("leader".equals(ZooKeeperMntr.parse(reply).get("zk_server_state"))) {
              leader = true;
              break;
            }
          } catch (IOException | RuntimeException e) {
            // A member that does not answer is not the leader; the others may be.
          }
        }
        long now = System.nanoTime();
        recorder.quorumSample(leader, Duration.ofNanos(now - last));
        last = now;
        try {
          Thread.sleep(QUORUM_SAMPLE.toMillis());
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return;
        }
      }
    }
  }
}
