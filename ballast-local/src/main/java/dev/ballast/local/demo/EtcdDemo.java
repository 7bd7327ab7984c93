package dev.ballast.local.demo;

import dev.ballast.core.execute.ExecutionListener;
import dev.ballast.core.port.Member;
import dev.ballast.local.ClusterBusyException;
import dev.ballast.local.ClusterOperationException;
import dev.ballast.local.LocalClusterControl;
import dev.ballast.local.LocalWiring;
import dev.ballast.local.ScaleResult;
import dev.ballast.local.config.ClusterFile;
import dev.ballast.local.config.ClusterFileException;
import dev.ballast.members.etcd.EtcdServerConfig;
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.options.GetOption;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;

/**
 * {@code ballast demo --system etcd}: a real three-member etcd cluster on this machine, keys
 * written continuously (each put counted once etcd acknowledged it), and a scripted scale 3 → 5 → 3
 * through Ballast (learner add, catch-up, promote; member remove, stop) one member at a time. After
 * each change the member list and every endpoint's health are checked live through etcd's own API;
 * at the end every acknowledged put is read back with a linearizable read and everything started is
 * stopped.
 */
public final class EtcdDemo {
  /** The sizes the demo goes through, one {@code ballast scale} each. */
  static final List<Integer> TARGETS = List.of(5, 3);

  /** What the demo saw. */
  public record Result(
      List<Integer> replicaPath, long writesAcknowledged, long writesLost, List<String> failures) {

    /** Scaled to 5 and back to 3, every check passed, no acknowledged write lost. */
    public boolean invariantsHeld() {
      return failures.isEmpty()
          && writesLost == 0
          && writesAcknowledged > 0
          && replicaPath.equals(List.of(3, 5, 3));
    }
  }

  private final Path stateDir;
  private final Clock clock;
  private final Demo.Output out;
  private final ExecutionListener stages;
  private volatile boolean aborted;

  public EtcdDemo(Path stateDir, Clock clock, Demo.Output out, ExecutionListener stages) {
    this.stateDir = Objects.requireNonNull(stateDir, "stateDir");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.out = Objects.requireNonNull(out, "out");
    this.stages = Objects.requireNonNull(stages, "stages");
  }

  /** Asks a running demo to wrap up (Ctrl-C): no further change starts after the current one. */
  public void abort() {
    aborted = true;
  }

  public Result run()
      throws IOException, InterruptedException, ClusterFileException, ClusterBusyException {
    Path dir = stateDir.toAbsolutePath().normalize();
    ClusterFile cluster =
        ClusterFile.load(Demo.prepareStateDir(dir, clusterYaml(), Demo.DEMO_FILES, out, clock));
    try (LocalWiring wiring = LocalWiring.exclusive(cluster, clock)) {
      LocalClusterControl control = new LocalClusterControl(wiring);
      out.line("starting a 3-member etcd cluster...");
      try {
        control.up(Demo.UP_TIMEOUT, out::line);
      } catch (ClusterOperationException e) {
        control.down();
        throw new IOException("the cluster did not come up: " + e.getMessage(), e);
      }
      try {
        return story(wiring, control);
      } finally {
        List<Integer> stopped = control.down();
        out.line("stopped members " + stopped + "; nothing of the demo is left running");
      }
    }
  }

  private Result story(LocalWiring wiring, LocalClusterControl control)
      throws InterruptedException {
    List<Integer> path = new ArrayList<>(List.of(3));
    List<String> failures = new ArrayList<>();
    List<String> endpoints = endpoints(wiring.runtime().members());
    try (Writer writer = new Writer(endpoints)) {
      out.line("writing keys demo/w-<n> continuously; a put counts once etcd acknowledged it");
      failures.addAll(check(wiring, 3, writer));
      for (int target : TARGETS) {
        if (aborted) {
          failures.add("interrupted before scaling to " + target);
        }
        if (!failures.isEmpty()) {
          break;
        }
        try {
          ScaleResult r = control.scale(target, stages);
          if (!r.verified()) {
            failures.add("scaling to " + target + " did not verify: " + r.message());
            break;
          }
          path.add(target);
        } catch (ClusterOperationException e) {
          failures.add("scaling to " + target + " failed: " + e.getMessage());
          break;
        }
        failures.addAll(check(wiring, target, writer));
      }
      writer.stop();
      long lost = writer.lost();
      out.line(
          "read back "
              + writer.acknowledged.size()
              + " acknowledged puts with a linearizable read: "
              + lost
              + " missing or changed");
      return new Result(path, writer.acknowledged.size(), lost, failures);
    }
  }

  /**
   * Asks etcd itself: every member answers a linearizable read through its own endpoint (what
   * {@code etcdctl endpoint health} does), and the member list names exactly {@code size} voting
   * members (no learner left).
   */
  private List<String> check(LocalWiring wiring, int size, Writer writer) {
    List<Member> members = wiring.runtime().members();
    List<String> failures = new ArrayList<>();
    List<String> healthy = new ArrayList<>();
    for (Member m : members) {
      String url = EtcdServerConfig.clientUrl(m);
      try (Client c = Client.builder().endpoints(url).build()) {
        c.getKVClient().get(bytes("health")).get(5, TimeUnit.SECONDS);
        healthy.add(EtcdServerConfig.name(m.ordinal()));
      } catch (Exception e) {
        failures.add(url + " is not healthy: " + e);
      }
    }
    try (Client c = Client.builder().endpoints(endpoints(members).toArray(String[]::new)).build()) {
      List<io.etcd.jetcd.cluster.Member> listed =
          c.getClusterClient().listMember().get(10, TimeUnit.SECONDS).getMembers();
      long voting = listed.stream().filter(x -> !x.isLearner()).count();
      if (listed.size() != size || voting != size) {
        failures.add(
            "etcd lists "
                + listed.size()
                + " members ("
                + voting
                + " voting), expected "
                + size
                + ": "
                + listed.stream().map(io.etcd.jetcd.cluster.Member::getName).toList());
      }
    } catch (Exception e) {
      failures.add("cannot list the members: " + e);
    }
    out.line(
        "checked by etcd: "
            + size
            + " voting members, healthy endpoints "
            + healthy
            + "; puts acknowledged so far "
            + writer.acknowledged.size()
            + (failures.isEmpty() ? "" : "; PROBLEMS: " + String.join("; ", failures)));
    return failures;
  }

  String clusterYaml() {
    return String.join(
        "\n",
        "# Written by `ballast demo --system etcd`. Inspect the cluster while the demo runs:",
        "#   ./ballast status -f <state-dir>/cluster.yaml",
        "apiVersion: ballast.dev/v1alpha1",
        "kind: LocalCluster",
        "metadata:",
        "  name: demo-etcd",
        "spec:",
        "  stateDir: .",
        "  replicas: 3",
        "  minReplicas: 3",
        "  maxReplicas: 5",
        "  member:",
        "    kind: etcd",
        "  membership:",
        "    type: etcd",
        "  scaleDown:",
        "    policy: Allowed",
        "    dataPolicy: Delete",
        "");
  }

  private static List<String> endpoints(List<Member> members) {
    return members.stream().map(EtcdServerConfig::clientUrl).collect(Collectors.toList());
  }

  private static ByteSequence bytes(String s) {
    return ByteSequence.from(s, StandardCharsets.UTF_8);
  }

  /**
   * Puts {@code demo/w-<n>} one after another through the first three members (which stay for the
   * whole demo), remembering every put etcd acknowledged; a put that failed or timed out has an
   * unknown outcome and is not counted.
   */
  private static final class Writer implements AutoCloseable {
    private final Client client;
    final Map<String, String> acknowledged = new ConcurrentHashMap<>();
    private final AtomicLong unknown = new AtomicLong();
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final Thread thread;

    Writer(List<String> endpoints) {
      this.client = Client.builder().endpoints(endpoints.toArray(String[]::new)).build();
      this.thread = new Thread(this::loop, "ballast-demo-etcd-writer");
      thread.setDaemon(true);
      thread.start();
    }

    private void loop() {
      for (int n = 0; running.get(); n++) {
        String key = "demo/w-" + n;
        String value = Integer.toString(n);
        try {
          client.getKVClient().put(bytes(key), bytes(value)).get(5, TimeUnit.SECONDS);
          acknowledged.put(key, value);
          Thread.sleep(10);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return;
        } catch (Exception e) {
          unknown.incrementAndGet();
        }
      }
    }

    void stop() throws InterruptedException {
      running.set(false);
      thread.join(30_000);
    }

    /** How many acknowledged puts a linearizable read does not find with their value. */
    long lost() {
      try {
        List<KeyValue> kvs =
            client
                .getKVClient()
                .get(bytes("demo/"), GetOption.builder().isPrefix(true).build())
                .get(30, TimeUnit.SECONDS)
                .getKvs();
        Map<String, String> stored =
            kvs.stream()
                .collect(
                    Collectors.toMap(
                        kv -> kv.getKey().toString(StandardCharsets.UTF_8),
                        kv -> kv.getValue().toString(StandardCharsets.UTF_8)));
        return acknowledged.entrySet().stream()
            .filter(e -> !e.getValue().equals(stored.get(e.getKey())))
            .count();
      } catch (Exception e) {
        return acknowledged.size(); // nothing could be read back: nothing is proven kept
      }
    }

    @Override
    public void close() {
      running.set(false);
      client.close();
    }
  }
}
