package dev.ballast.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ballast.local.config.ClusterFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.Watcher;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.ZooKeeper;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LocalClusterControlIT {
  @TempDir Path dir;
  private ClusterFile cluster;

  @AfterEach
  void purge() throws Exception {
    if (cluster != null) {
      try (LocalWiring w = LocalWiring.exclusive(cluster, Clock.systemUTC())) {
        new LocalClusterControl(w).purge(java.util.Set.of());
        assertThat(w.runtime().clusterProcesses()).isEmpty();
      }
    }
  }

  private ClusterFile zookeeper(int replicas) throws Exception {
    Path file = dir.resolve("zk.yaml");
    Files.writeString(
        file,
        """
        apiVersion: ballast.dev/v1alpha1
        kind: LocalCluster
        metadata:
          name: zk-it
        spec:
          stateDir: state
          replicas: %d
          maxReplicas: 5
          member:
            kind: zookeeper
            heap: 64m
            tickTime: 200ms
        """
            .formatted(replicas));
    cluster = ClusterFile.load(file);
    return cluster;
  }

  @Test
  void upStartsAHealthyEnsembleAndDownThenUpKeepsItsData() throws Exception {
    // given
    ClusterFile file = zookeeper(3);
    List<String> progress = new ArrayList<>();
    ClusterStatus status;
    try (LocalWiring w = LocalWiring.exclusive(file, Clock.systemUTC())) {
      // when
      status = new LocalClusterControl(w).up(Duration.ofSeconds(90), progress::add);
    }

    // then
    assertThat(status.healthy()).isTrue();
    assertThat(status.replicas()).isEqualTo(3);
    assertThat(status.leader()).isNotNull();
    assertThat(status.members())
        .extracting(ClusterStatus.MemberState::role)
        .containsOnly("leader", "follower")
        .containsOnlyOnce("leader");
    assertThat(progress).hasSize(4);
    String connect = connectString(status);
    write(connect, "/survives-down", "v1");

    // when: down keeps the state, up restarts the same members
    try (LocalWiring w = LocalWiring.exclusive(file, Clock.systemUTC())) {
      LocalClusterControl control = new LocalClusterControl(w);
      assertThat(control.down()).containsExactly(0, 1, 2);
      assertThat(w.runtime().clusterProcesses()).isEmpty();
      assertThat(control.status().members())
          .extracting(ClusterStatus.MemberState::role)
          .containsOnly("stopped");
      status = control.up(Duration.ofSeconds(90), s -> {});
    }

    // then
    assertThat(status.healthy()).isTrue();
    assertThat(connectString(status)).isEqualTo(connect);
    assertThat(read(connect, "/survives-down")).isEqualTo("v1");
  }

  @Test
  void aSecondProcessIsRefusedWhileTheLockIsHeld() throws Exception {
    // given
    ClusterFile file = zookeeper(1);
    try (LocalWiring first = LocalWiring.exclusive(file, Clock.systemUTC())) {
      // when / then
      assertThatThrownBy(() -> LocalWiring.exclusive(file, Clock.systemUTC()))
          .isInstanceOf(ClusterBusyException.class)
          .hasMessage(
              "another ballast process (pid "
                  + ProcessHandle.current().pid()
                  + ") is operating this cluster; wait for it to finish or stop it");
    }
  }

  static String connectString(ClusterStatus status) {
    return String.join(
        ",", status.members().stream().map(m -> m.host() + ":" + m.clientPort()).toList());
  }

  static ZooKeeper connect(String connect) throws Exception {
    CountDownLatch connected = new CountDownLatch(1);
    ZooKeeper zk =
        new ZooKeeper(
            connect,
            10_000,
            e -> {
              if (e.getState() == Watcher.Event.KeeperState.SyncConnected) {
                connected.countDown();
              }
            });
    assertThat(connected.await(20, TimeUnit.SECONDS)).isTrue();
    return zk;
  }

  static void write(String connect, String path, String value) throws Exception {
    try (ZooKeeper zk = connect(connect)) {
      zk.create(
          path,
          value.getBytes(StandardCharsets.UTF_8),
          ZooDefs.Ids.OPEN_ACL_UNSAFE,
          CreateMode.PERSISTENT);
    }
  }

  static String read(String connect, String path) throws Exception {
    try (ZooKeeper zk = connect(connect)) {
      zk.sync(path);
      return new String(zk.getData(path, false, null), StandardCharsets.UTF_8);
    }
  }
}
