package dev.ballast.local.load;

import java.io.IOException;
import java.time.Duration;
import org.apache.zookeeper.AsyncCallback;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.Watcher;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.ZooKeeper;

/**
 * The few ZooKeeper client calls the load generator makes, so that its retry and verification rules
 * can be tested against a scripted fake; {@link #open} gives the real client.
 */
interface LoadClient {
  /** Creates a persistent, open-ACL znode asynchronously. */
  void create(String path, byte[] value, AsyncCallback.StringCallback callback, Object ctx);

  /** Reads a znode asynchronously. */
  void getData(String path, AsyncCallback.DataCallback callback, Object ctx);

  /** Lets the connected server catch up with the leader, asynchronously. */
  void sync(String path, AsyncCallback.VoidCallback callback);

  /** Creates a persistent, open-ACL znode and waits for the answer. */
  void createNow(String path) throws KeeperException, InterruptedException;

  /** Points the session at another server list. */
  void updateServerList(String connectString) throws IOException;

  /** False once the session is closed or expired. */
  boolean isAlive();

  void close(int waitMillis) throws InterruptedException;

  /** Opens a session; {@code watcher} hears its state changes. */
  @FunctionalInterface
  interface Factory {
    LoadClient open(String connectString, Duration sessionTimeout, Watcher watcher)
        throws IOException;
  }

  /** The real ZooKeeper client. */
  static LoadClient open(String connectString, Duration sessionTimeout, Watcher watcher)
      throws IOException {
    ZooKeeper zk = new ZooKeeper(connectString, (int) sessionTimeout.toMillis(), watcher);
    return new LoadClient() {
      @Override
      public void create(
          String path, byte[] value, AsyncCallback.StringCallback callback, Object ctx) {
        zk.create(path, value, ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT, callback, ctx);
      }

      @Override
      public void getData(String path, AsyncCallback.DataCallback callback, Object ctx) {
        zk.getData(path, false, callback, ctx);
      }

      @Override
      public void sync(String path, AsyncCallback.VoidCallback callback) {
        zk.sync(path, callback, null);
      }

      @Override
      public void createNow(String path) throws KeeperException, InterruptedException {
        zk.create(path, new byte[0], ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
      }

      @Override
      public void updateServerList(String connectString) throws IOException {
        zk.updateServerList(connectString);
      }

      @Override
      public boolean isAlive() {
        return zk.getState().isAlive();
      }

      @Override
      public void close(int waitMillis) throws InterruptedException {
        zk.close(waitMillis);
      }
    };
  }
}
