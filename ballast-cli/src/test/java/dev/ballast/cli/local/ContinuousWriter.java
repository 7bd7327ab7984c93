package dev.ballast.cli.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.Watcher;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.ZooKeeper;

/**
 * Writes sequential znodes to the ensemble as fast as it acknowledges them (with a short pause),
 * remembering every acknowledged write, and checks at the end that each one is readable.
 */
final class ContinuousWriter implements AutoCloseable {
  private final String connect;
  private final String root;
  private final List<String> acknowledged = new CopyOnWriteArrayList<>();
  private final List<String> failures = new CopyOnWriteArrayList<>();
  private final AtomicBoolean running = new AtomicBoolean(true);
  private final Thread thread;

  ContinuousWriter(String connect, String root) throws Exception {
    this.connect = connect;
    this.root = root;
    try (ZooKeeper zk = connect(connect)) {
      zk.create(root, new byte[0], ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
    }
    this.thread = new Thread(this::loop, "continuous-writer");
    thread.setDaemon(true);
    thread.start();
  }

  private void loop() {
    int n = 0;
    ZooKeeper zk = null;
    while (running.get()) {
      try {
        if (zk == null) {
          zk = connect(connect);
        }
        String path = root + "/w-" + n;
        zk.create(
            path,
            Integer.toString(n).getBytes(StandardCharsets.UTF_8),
            ZooDefs.Ids.OPEN_ACL_UNSAFE,
            CreateMode.PERSISTENT);
        acknowledged.add(path);
        n++;
        Thread.sleep(20);
      } catch (KeeperException.NodeExistsException e) {
        // A write whose acknowledgement was lost did happen: move on.
        n++;
      } catch (KeeperException e) {
        failures.add(e.toString());
        n++;
        closeQuietly(zk);
        zk = null;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      } catch (Exception e) {
        failures.add(e.toString());
        n++;
        closeQuietly(zk);
        zk = null;
      }
    }
    closeQuietly(zk);
  }

  int acknowledgedCount() {
    return acknowledged.size();
  }

  /** Stops writing and asserts every acknowledged write is readable with its value. */
  void assertNoLostWrites() throws Exception {
    stop();
    assertThat(acknowledged).as("writes acknowledged during the test").isNotEmpty();
    try (ZooKeeper zk = connect(connect)) {
      CountDownLatch synced = new CountDownLatch(1);
      zk.sync(root, (rc, p, ctx) -> synced.countDown(), null);
      assertThat(synced.await(20, TimeUnit.SECONDS)).isTrue();
      List<String> children = zk.getChildren(root, false);
      for (String path : acknowledged) {
        assertThat(children)
            .as("acknowledged write %s", path)
            .contains(path.substring(root.length() + 1));
      }
    }
  }

  private void stop() throws InterruptedException {
    running.set(false);
    thread.join(30_000);
  }

  @Override
  public void close() throws Exception {
    stop();
  }

  static ZooKeeper connect(String connect) throws Exception {
    CountDownLatch connected = new CountDownLatch(1);
    ZooKeeper zk =
        new ZooKeeper(
            connect,
            15_000,
            e -> {
              if (e.getState() == Watcher.Event.KeeperState.SyncConnected) {
                connected.countDown();
              }
            });
    if (!connected.await(20, TimeUnit.SECONDS)) {
      zk.close();
      throw new IllegalStateException("could not connect to " + connect);
    }
    return zk;
  }

  private static void closeQuietly(ZooKeeper zk) {
    if (zk != null) {
      try {
        zk.close();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
