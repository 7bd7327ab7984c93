package dev.ballast.operator.controlplane;

import dev.ballast.k8s.testkit.zookeeper.ZooKeeperProbe;
import dev.ballast.k8s.testkit.zookeeper.ZooKeeperStatefulSet;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.Watch;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Watches an operation from outside: every 200 ms, the StatefulSet's {@code spec.replicas} and the
 * {@code /zookeeper/config} of every member that answers. What it saw lets a test check that the
 * ensemble changed one member at a time.
 */
public final class ConfigWatcher implements AutoCloseable {
  private final KubernetesClient client;
  private final ZooKeeperStatefulSet zk;
  private final Map<Long, Set<Integer>> configs = new ConcurrentSkipListMap<>();
  private final List<Integer> replicas = new CopyOnWriteArrayList<>();
  private final Thread thread;
  private final Watch watch;
  private volatile boolean running = true;

  public ConfigWatcher(KubernetesClient client, ZooKeeperStatefulSet zk) {
    this.client = client;
    this.zk = zk;
    record(client.apps().statefulSets().inNamespace(zk.namespace()).withName(zk.name()).get());
    // Every change of the StatefulSet, in order: no value of spec.replicas can be missed.
    this.watch =
        client
            .apps()
            .statefulSets()
            .inNamespace(zk.namespace())
            .withName(zk.name())
            .watch(
                new Watcher<>() {
                  @Override
                  public void eventReceived(Action action, StatefulSet sts) {
                    record(sts);
                  }

                  @Override
                  public void onClose(WatcherException cause) {}
                });
    this.thread = new Thread(this::loop, "config-watcher");
    thread.setDaemon(true);
    thread.start();
  }

  private synchronized void record(StatefulSet sts) {
    int r = sts.getSpec().getReplicas();
    if (replicas.isEmpty() || replicas.get(replicas.size() - 1) != r) {
      replicas.add(r);
    }
  }

  private void loop() {
    while (running) {
      try {
        for (Pod p : RealControlPlane.pods(client, zk)) {
          RealControlPlane.config(p, zk)
              .ifPresent(
                  (ZooKeeperProbe.Config c) ->
                      configs.putIfAbsent(c.version(), new TreeSet<>(c.servers().keySet())));
        }
        Thread.sleep(200);
      } catch (InterruptedException e) {
        return;
      } catch (RuntimeException e) {
        // The API server or a member did not answer this round: the next one asks again.
      }
    }
  }

  /** The distinct values of the StatefulSet's spec.replicas, in the order seen. */
  public List<Integer> replicasSeen() {
    return List.copyOf(replicas);
  }

  /** Every configuration seen, by version: the ids of its servers. */
  public Map<Long, Set<Integer>> configsSeen() {
    return new TreeMap<>(configs);
  }

  /**
   * The configurations seen, in version order, where one differs from the previous by more than one
   * server (empty when every change added or removed exactly one).
   */
  public List<String> jumps() {
    List<String> out = new ArrayList<>();
    Set<Integer> previous = null;
    for (Map.Entry<Long, Set<Integer>> e : configsSeen().entrySet()) {
      if (previous != null) {
        Set<Integer> added = new TreeSet<>(e.getValue());
        added.removeAll(previous);
        Set<Integer> removed = new TreeSet<>(previous);
        removed.removeAll(e.getValue());
        if (added.size() + removed.size() != 1) {
          out.add(
              previous
                  + " -> "
                  + e.getValue()
                  + " (version 0x"
                  + Long.toHexString(e.getKey())
                  + ")");
        }
      }
      previous = e.getValue();
    }
    return out;
  }

  @Override
  public void close() {
    running = false;
    watch.close();
    thread.interrupt();
  }
}
