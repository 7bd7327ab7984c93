package dev.ballast.cli.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.ballast.core.port.Member;
import dev.ballast.local.LocalWiring;
import dev.ballast.local.config.ClusterFile;
import dev.ballast.local.runtime.ProcessIdentity;
import dev.ballast.testservers.eureka.EurekaRestClient;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The peer list on a real Eureka server (Spring Cloud Netflix, from Maven Central, one JVM per
 * member): each server reads {@code eureka.client.service-url.defaultZone} once, at start, from the
 * file Ballast renders, so {@code peers.afterChange: Restart} restarts the members one at a time
 * after each change. Eureka's own API proves it: {@code GET /eureka/status} lists each server's
 * registered replicas, and an instance registered at one server is replicated to its new peer.
 */
class EurekaPeerListIT {
  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
  private static final Path SERVER = Path.of("..", "ballast-eureka-testserver", "target");
  private static final EurekaRestClient EUREKA = new EurekaRestClient();

  @TempDir Path dir;
  private Path file;

  @AfterEach
  void down() {
    if (file != null && Files.exists(file)) {
      BallastCli.run("down", "-f", file.toString(), "--purge");
      try (LocalWiring w = LocalWiring.readOnly(ClusterFile.load(file), Clock.systemUTC())) {
        assertThat(w.runtime().clusterProcesses()).as("processes left behind").isEmpty();
      } catch (Exception e) {
        throw new AssertionError(e);
      }
    }
  }

  @Test
  void eurekaServersSeeEveryNewPeerAfterARollingRestartOneMemberAtATime() throws Exception {
    // given two Eureka servers that read their peers from the file Ballast writes
    String classpath =
        SERVER.resolve("classes").toAbsolutePath()
            + java.io.File.pathSeparator
            + Files.readString(SERVER.resolve("eureka-server.classpath")).strip();
    Path peers = dir.resolve("peers/eureka.properties");
    file = dir.resolve("eureka.yaml");
    Files.writeString(file, clusterFile(classpath));
    String f = file.toString();

    // when
    long t0 = System.nanoTime();
    BallastCli.Result up = BallastCli.run(List.of(), Duration.ofMinutes(4), "up", "-f", f);
    long upMillis = millisSince(t0);

    // then each sees the other as its replica
    assertThat(up.exitCode()).as(up.toString()).isZero();
    assertPeers(2);

    // when it grows to 3, watching the two old members' health the whole time
    Map<Integer, Long> pidsBefore = pids(2);
    HealthWatch watch = HealthWatch.start(ports(2));
    t0 = System.nanoTime();
    BallastCli.Result grow =
        BallastCli.run(List.of(), Duration.ofMinutes(6), "scale", "-f", f, "--replicas", "3");
    long growMillis = millisSince(t0);
    watch.stop();

    // then the old members were restarted one at a time (never both down), the new one was not
    // (it started with the new list), and every server lists the two others as replicas
    assertThat(grow.exitCode()).as(grow.toString()).isZero();
    assertThat(watch.maxDownAtOnce()).as("members down at the same moment").isEqualTo(1);
    assertThat(watch.everDown()).as("members seen restarting").containsExactly(0, 1);
    Map<Integer, Long> pidsAfter = pids(3);
    assertThat(pidsAfter.get(0)).isNotEqualTo(pidsBefore.get(0));
    assertThat(pidsAfter.get(1)).isNotEqualTo(pidsBefore.get(1));
    assertPeers(3);
    assertThat(Files.readString(peers)).startsWith("# written by ballast, version 2\n");
    // and an instance registered at the first server is replicated to the new one, and back
    assertReplicated(0, 2, "probe-a");
    assertReplicated(2, 0, "probe-b");
    // and the restarts are in the history of the PUBLISH stage: which, in order, how long each
    BallastCli.Result history = BallastCli.run("history", "-f", f, "-o", "json");
    assertThat(history.out())
        .containsPattern(
            "member 0 restarted for version 2: pid \\d+, healthy after \\d+\\.\\ds; "
                + "member 1 restarted for version 2: pid \\d+, healthy after \\d+\\.\\ds");

    // when it shrinks back to 2
    watch = HealthWatch.start(ports(2));
    t0 = System.nanoTime();
    BallastCli.Result shrink =
        BallastCli.run(List.of(), Duration.ofMinutes(6), "scale", "-f", f, "--replicas", "2");
    long shrinkMillis = millisSince(t0);
    watch.stop();

    // then the two that remain were restarted one at a time and see only each other
    assertThat(shrink.exitCode()).as(shrink.toString()).isZero();
    assertThat(watch.maxDownAtOnce()).as("members down at the same moment").isEqualTo(1);
    assertThat(watch.everDown()).containsExactly(0, 1);
    assertPeers(2);
    assertThat(Files.readString(peers)).startsWith("# written by ballast, version 3\n");
    System.out.printf(
        "EurekaPeerListIT: up 2 in %d ms, 2 -> 3 in %d ms, 3 -> 2 in %d ms%n",
        upMillis, growMillis, shrinkMillis);
  }

  /**
   * The cluster file: two Eureka servers, one to three. A server does not register itself as an
   * instance ({@code register-with-eureka=false}): what the test checks are the peers of its
   * configuration ({@code registered-replicas}) and the replication between them, neither of which
   * needs it, and the self-registration's replicator makes every stop wait 3 s for its thread pool
   * (DiscoveryClient's shutdown), which a rolling restart pays once per member.
   */
  private static String clusterFile(String classpath) {
    return """
        apiVersion: ballast.dev/v1alpha1
        kind: LocalCluster
        metadata:
          name: eureka
        spec:
          stateDir: state
          replicas: 2
          minReplicas: 1
          maxReplicas: 3
          member:
            kind: command
            command: ["java", "-Xmx128m", "-Xss512k", "-XX:TieredStopAtLevel=1",
                      "-XX:+UseSerialGC", "-cp", "%s",
                      "dev.ballast.testservers.eureka.EurekaServerMain",
                      "--server.port={port:http}", "--spring.config.import=file:{peersFile}",
                      "--spring.application.name=eureka",
                      "--eureka.instance.hostname={host}", "--eureka.instance.ip-address={host}",
                      "--eureka.instance.instance-id={host}:{port:http}",
                      "--eureka.server.my-url=http://{host}:{port:http}/eureka/",
                      "--eureka.server.peer-node-read-timeout-ms=5000",
                      "--eureka.server.wait-time-in-ms-when-sync-empty=0",
                      "--eureka.client.register-with-eureka=false",
                      "--spring.main.banner-mode=off"]
            ports: [http]
          membership:
            type: hooks
            memberId: "{host}:{port:http}"
            health:
              http: {url: "http://{host}:{port:http}/actuator/health"}
          scaleDown:
            policy: Allowed
            dataPolicy: Delete
          peers:
            file: peers/eureka.properties
            header: "# written by ballast, version {version}\\neureka.client.service-url.defaultZone="
            member: "http://{host}:{port:http}/eureka/"
            separator: ","
            footer: "\\n"
            afterChange: Restart
        """
        .formatted(classpath);
  }

  private static long millisSince(long t0) {
    return (System.nanoTime() - t0) / 1_000_000;
  }

  private List<Integer> ports(int size) throws Exception {
    try (LocalWiring w = LocalWiring.readOnly(ClusterFile.load(file), Clock.systemUTC())) {
      List<Integer> out = new ArrayList<>();
      for (int i = 0; i < size; i++) {
        out.add(w.runtime().member(i).orElseThrow().port("http"));
      }
      return out;
    }
  }

  private Map<Integer, Long> pids(int size) throws Exception {
    try (LocalWiring w = LocalWiring.readOnly(ClusterFile.load(file), Clock.systemUTC())) {
      Map<Integer, Long> out = new HashMap<>();
      for (Member m : w.runtime().members().subList(0, size)) {
        out.put(m.ordinal(), w.runtime().process(m.ordinal()).map(ProcessIdentity::pid).orElse(0L));
      }
      return out;
    }
  }

  /** Each member's registered replicas are exactly the other members (Eureka's own status API). */
  private void assertPeers(int size) throws Exception {
    List<Integer> ports = ports(size);
    for (int port : ports) {
      Set<String> expected =
          ports.stream()
              .filter(p -> p != port)
              .map(p -> "http://127.0.0.1:" + p + "/eureka/")
              .collect(Collectors.toCollection(TreeSet::new));
      await()
          .atMost(Duration.ofSeconds(30))
          .pollDelay(Duration.ZERO)
          .pollInterval(Duration.ofMillis(200))
          .ignoreExceptionsInstanceOf(IllegalStateException.class) // no status page yet
          .untilAsserted(
              () ->
                  assertThat(EUREKA.registeredReplicas(base(port)))
                      .as("replicas of :" + port)
                      .isEqualTo(expected));
    }
  }

  /** Registers an instance at member {@code at}; Eureka replicates it to its peer {@code to}. */
  private void assertReplicated(int at, int to, String id) throws Exception {
    List<Integer> ports = ports(Math.max(at, to) + 1);
    EUREKA.register(base(ports.get(at)), "PROBE", id);
    try {
      await()
          .atMost(Duration.ofSeconds(60))
          .pollDelay(Duration.ZERO)
          .pollInterval(Duration.ofMillis(200))
          .untilAsserted(
              () ->
                  assertThat(EUREKA.hasInstance(base(ports.get(to)), "PROBE", id))
                      .as("GET /eureka/apps/PROBE/" + id + " at member " + to)
                      .isTrue());
    } catch (org.awaitility.core.ConditionTimeoutException e) {
      throw new AssertionError(e.getMessage() + "\n" + memberLogs(Math.max(at, to) + 1), e);
    }
  }

  /** The replication lines of each member's log, for a failure message. */
  private String memberLogs(int size) throws Exception {
    StringBuilder out = new StringBuilder();
    try (LocalWiring w = LocalWiring.readOnly(ClusterFile.load(file), Clock.systemUTC())) {
      for (int i = 0; i < size; i++) {
        Path log = w.runtime().logFile(i);
        out.append("--- member ").append(i).append(" log (replication, warnings, errors):\n");
        if (Files.exists(log)) {
          Files.readAllLines(log).stream()
              .filter(l -> l.contains("WARN") || l.contains("ERROR") || l.contains("eplicat"))
              .forEach(l -> out.append(l).append('\n'));
        }
      }
    }
    return out.toString();
  }

  private static String base(int port) {
    return "http://127.0.0.1:" + port;
  }

  /**
   * Polls the health endpoint of the watched members every 200 ms from a thread of its own and
   * remembers which were ever down and how many at once (one round asks them one after the other,
   * so two counted down in one round were down within a few hundred milliseconds).
   */
  private static final class HealthWatch {
    private final List<Integer> ports;
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final AtomicInteger maxDown = new AtomicInteger();
    private final Set<Integer> everDown = ConcurrentHashMap.newKeySet();
    private final Thread thread;

    private HealthWatch(List<Integer> ports) {
      this.ports = ports;
      this.thread = new Thread(this::loop, "health-watch");
      thread.setDaemon(true);
    }

    static HealthWatch start(List<Integer> ports) {
      HealthWatch w = new HealthWatch(ports);
      w.thread.start();
      return w;
    }

    private void loop() {
      while (running.get()) {
        int down = 0;
        for (int i = 0; i < ports.size(); i++) {
          if (down(ports.get(i))) {
            down++;
            everDown.add(i);
          }
        }
        maxDown.accumulateAndGet(down, Math::max);
        try {
          Thread.sleep(200);
        } catch (InterruptedException e) {
          return;
        }
      }
    }

    /**
     * Down: the port refuses connections (stopped, or not listening yet) or answers anything but
     * 200 (Spring Boot answers 503 until it is healthy). A slow answer on a loaded machine is not
     * counted either way.
     */
    private static boolean down(int port) {
      try {
        HttpResponse<String> r =
            HTTP.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/actuator/health"))
                    .timeout(Duration.ofSeconds(5))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
        return r.statusCode() != 200;
      } catch (java.net.http.HttpTimeoutException e) {
        return false;
      } catch (IOException e) {
        return true;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return false;
      }
    }

    void stop() throws InterruptedException {
      running.set(false);
      thread.join(5000);
    }

    int maxDownAtOnce() {
      return maxDown.get();
    }

    Set<Integer> everDown() {
      return new TreeSet<>(everDown);
    }
  }
}
