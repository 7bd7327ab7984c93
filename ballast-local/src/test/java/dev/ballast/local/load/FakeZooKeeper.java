package dev.ballast.local.load;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.zookeeper.AsyncCallback;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.KeeperException.Code;
import org.apache.zookeeper.WatchedEvent;
import org.apache.zookeeper.Watcher;

/**
 * A scripted, in-memory stand-in for a ZooKeeper ensemble: a znode tree and a chosen way of
 * answering creates (healthy, losing the connection before or after committing, refusing, or never
 * answering). Callbacks run on the caller's thread.
 */
final class FakeZooKeeper implements LoadClient.Factory {
  enum Creates {
    HEALTHY,
    COMMIT_THEN_LOSE_CONNECTION_ONCE,
    COMMIT_THEN_ALWAYS_LOSE_CONNECTION,
    LOSE_CONNECTION_WITHOUT_COMMIT,
    REFUSE,
    NEVER_ANSWER,
    COMMIT_NEVER_ANSWER
  }

  final Map<String, byte[]> tree = new ConcurrentHashMap<>();
  final AtomicInteger sessionsOpened = new AtomicInteger();
  private final Map<String, Integer> attempts = new ConcurrentHashMap<>();
  volatile Creates creates = Creates.HEALTHY;
  volatile boolean firstSessionExpires;
  volatile boolean connects = true;

  @Override
  public LoadClient open(String connectString, Duration sessionTimeout, Watcher watcher) {
    int number = sessionsOpened.incrementAndGet();
    boolean expired = firstSessionExpires && number == 1;
    if (connects) {
      watcher.process(
          new WatchedEvent(
              Watcher.Event.EventType.None, Watcher.Event.KeeperState.SyncConnected, null));
    }
    return new Session(expired);
  }

  long written(String basePath) {
    return tree.keySet().stream().filter(p -> p.startsWith(basePath + "/")).count();
  }

  private final class Session implements LoadClient {
    private final boolean expired;

    Session(boolean expired) {
      this.expired = expired;
    }

    @Override
    public void create(
        String path, byte[] value, AsyncCallback.StringCallback callback, Object ctx) {
      if (expired) {
        callback.processResult(Code.SESSIONEXPIRED.intValue(), path, ctx, null);
        return;
      }
      int attempt = attempts.merge(path, 1, Integer::sum);
      Code code =
          switch (creates) {
            case HEALTHY -> commit(path, value);
            case COMMIT_THEN_LOSE_CONNECTION_ONCE -> {
              Code c = commit(path, value);
              yield attempt == 1 ? Code.CONNECTIONLOSS : c;
            }
            case COMMIT_THEN_ALWAYS_LOSE_CONNECTION -> {
              commit(path, value);
              yield Code.CONNECTIONLOSS;
            }
            case LOSE_CONNECTION_WITHOUT_COMMIT -> Code.CONNECTIONLOSS;
            case REFUSE -> Code.NOAUTH;
            case NEVER_ANSWER -> null;
            case COMMIT_NEVER_ANSWER -> {
              commit(path, value);
              yield null;
            }
          };
      if (code != null) {
        callback.processResult(code.intValue(), path, ctx, code == Code.OK ? path : null);
      }
    }

    private Code commit(String path, byte[] value) {
      return tree.putIfAbsent(path, value.clone()) == null ? Code.OK : Code.NODEEXISTS;
    }

    @Override
    public void getData(String path, AsyncCallback.DataCallback callback, Object ctx) {
      if (expired) {
        callback.processResult(Code.SESSIONEXPIRED.intValue(), path, ctx, null, null);
        return;
      }
      byte[] value = tree.get(path);
      Code code = value == null ? Code.NONODE : Code.OK;
      callback.processResult(code.intValue(), path, ctx, value, null);
    }

    @Override
    public void sync(String path, AsyncCallback.VoidCallback callback) {
      callback.processResult(
          expired ? Code.SESSIONEXPIRED.intValue() : Code.OK.intValue(), path, null);
    }

    @Override
    public void createNow(String path) throws KeeperException {
      if (tree.putIfAbsent(path, new byte[0]) != null) {
        throw new KeeperException.NodeExistsException(path);
      }
    }

    @Override
    public void updateServerList(String connectString) {}

    @Override
    public boolean isAlive() {
      return !expired;
    }

    @Override
    public void close(int waitMillis) {}
  }
}
