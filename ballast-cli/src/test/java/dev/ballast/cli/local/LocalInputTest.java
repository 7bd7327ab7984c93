package dev.ballast.cli.local;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ballast.cli.BallastCommand;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * Bad input to the local-cluster commands ends with exit code 2 and one line naming the option or
 * field, before any member is started or any state is read.
 */
class LocalInputTest {
  @TempDir Path dir;

  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  private int run(String... args) {
    CommandLine cl = BallastCommand.commandLine();
    cl.setOut(new PrintWriter(out));
    cl.setErr(new PrintWriter(err));
    return cl.execute(args);
  }

  private Path cluster(String memberExtra) throws Exception {
    return Files.writeString(
        dir.resolve("zk.yaml"),
        """
        apiVersion: ballast.dev/v1alpha1
        kind: LocalCluster
        metadata:
          name: zk
        spec:
          stateDir: state
          replicas: 3
          maxReplicas: 5
          member:
            kind: zookeeper
        """
            + memberExtra);
  }

  @Test
  void refusesAWatchIntervalOfZeroInsteadOfSpinning() throws Exception {
    // when
    int code = run("status", "-f", cluster("").toString(), "--watch", "--interval", "0s");

    // then
    assertThat(code).isEqualTo(2);
    assertThat(err.toString()).isEqualTo("ballast: --interval: must be at least 100ms, was 0s\n");
  }

  @Test
  void refusesAnUnknownBenchSystemNamingTheChoicesBeforeStartingAnything() {
    // when
    int code =
        run(
            "bench",
            "scale",
            "--system",
            "cassandra",
            "--work-dir",
            dir.resolve("bench").toString());

    // then
    assertThat(code).isEqualTo(2);
    assertThat(err.toString())
        .isEqualTo(
            "ballast: --system must be zookeeper, etcd, redis, rabbitmq or kafka, was"
                + " cassandra\n");
    assertThat(dir.resolve("bench")).doesNotExist();
  }

  @Test
  void refusesAnUnknownDemoSystemNamingTheChoicesBeforeStartingAnything() {
    // when
    int code = run("demo", "--system", "kafka", "--state-dir", dir.resolve("demo").toString());

    // then
    assertThat(code).isEqualTo(2);
    assertThat(err.toString())
        .isEqualTo("ballast: --system must be zookeeper or etcd, was kafka\n");
    assertThat(dir.resolve("demo")).doesNotExist();
  }

  @Test
  void refusesALoadOptionForTheScriptedEtcdDemo() {
    // when
    int code =
        run(
            "demo",
            "--system",
            "etcd",
            "--peak-rate",
            "50",
            "--state-dir",
            dir.resolve("demo").toString());

    // then
    assertThat(code).isEqualTo(2);
    assertThat(err.toString())
        .isEqualTo(
            "ballast: --peak-rate applies to --system zookeeper only (the etcd demo is a"
                + " scripted scale)\n");
    assertThat(dir.resolve("demo")).doesNotExist();
  }

  @Test
  void refusesAWatchIntervalBelowTheFloor() throws Exception {
    int code = run("status", "-f", cluster("").toString(), "--watch", "--interval", "5ms");

    assertThat(code).isEqualTo(2);
    assertThat(err.toString()).contains("--interval: must be at least 100ms, was 5ms");
  }

  @Test
  void refusesAZeroTimeoutForUp() throws Exception {
    int code = run("up", "-f", cluster("").toString(), "--timeout", "0s");

    assertThat(code).isEqualTo(2);
    assertThat(err.toString()).contains("'0s' must be longer than 0s");
    assertThat(dir.resolve("state")).doesNotExist();
  }

  @Test
  void refusesAZeroTickTimeWithItsFieldBeforeStartingAnything() throws Exception {
    // when
    int code = run("up", "-f", cluster("    tickTime: 0ms\n").toString());

    // then
    assertThat(code).as(err.toString()).isEqualTo(2);
    assertThat(err.toString())
        .isEqualTo(
            "ballast: zk.yaml: spec.member.tickTime: must be between 10ms and 1m (ZooKeeper's"
                + " basic time unit, e.g. 500ms), was 0s\n");
    assertThat(dir.resolve("state")).doesNotExist();
  }

  @Test
  void refusesAStateDirThatIsAFile() throws Exception {
    // given
    Path file = cluster("");
    Files.writeString(dir.resolve("state"), "not a directory");

    // when
    int code = run("up", "-f", file.toString());

    // then
    assertThat(code).as(err.toString()).isEqualTo(2);
    assertThat(err.toString()).startsWith("ballast: zk.yaml: spec.stateDir: ");
    assertThat(err.toString()).contains("is a file, not a directory");
    assertThat(Files.readString(dir.resolve("state"))).isEqualTo("not a directory");
  }

  @Test
  void refusesABinaryClusterFile() throws Exception {
    // given
    Path file = dir.resolve("zk.yaml");
    Files.write(file, new byte[] {(byte) 0xff, (byte) 0xfe, 0, 1, 2, 3});

    // when
    int code = run("status", "-f", file.toString());

    // then
    assertThat(code).isEqualTo(2);
    assertThat(err.toString())
        .startsWith("ballast: zk.yaml: not UTF-8 text (bad byte at offset 0)");
  }
}
