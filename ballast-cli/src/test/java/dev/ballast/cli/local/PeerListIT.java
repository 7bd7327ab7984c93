package dev.ballast.cli.local;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ballast.local.LocalWiring;
import dev.ballast.local.config.ClusterFile;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The peer list end to end: members that find their peers in a file see every change of the member
 * list after {@code ballast up} and {@code ballast scale}, with its version: a small Python server
 * told to re-read the shared file ({@code POST /reload}), and {@link ConfWatchingMember}, which
 * re-reads its own {@code conf/cluster.conf} when its folder changes, as Nacos does.
 */
class PeerListIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP = HttpClient.newHttpClient();
  @TempDir Path dir;
  private Path file;

  @AfterEach
  void down() throws Exception {
    if (file != null && Files.exists(file)) {
      BallastCli.run("down", "-f", file.toString(), "--purge");
      try (LocalWiring w = LocalWiring.readOnly(ClusterFile.load(file), Clock.systemUTC())) {
        assertThat(w.runtime().clusterProcesses()).as("processes left behind").isEmpty();
      }
    }
  }

  private static JsonNode peersOf(Path f, int ordinal) throws Exception {
    try (LocalWiring w = LocalWiring.readOnly(ClusterFile.load(f), Clock.systemUTC())) {
      int port = w.runtime().member(ordinal).orElseThrow().port("http");
      HttpResponse<String> r =
          HTTP.send(
              HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/peers")).build(),
              HttpResponse.BodyHandlers.ofString());
      return JSON.readTree(r.body());
    }
  }

  private static List<String> addresses(Path f, int size) throws Exception {
    try (LocalWiring w = LocalWiring.readOnly(ClusterFile.load(f), Clock.systemUTC())) {
      List<String> out = new ArrayList<>();
      for (int i = 0; i < size; i++) {
        out.add("127.0.0.1:" + w.runtime().member(i).orElseThrow().port("http"));
      }
      return out;
    }
  }

  @Test
  void everyMemberReloadsTheNewPeerListWithItsVersionAfterEachChange() throws Exception {
    // given three peer-aware members that read peers/cluster.conf
    Path script = Path.of("src", "test", "resources", "peer-node.py").toAbsolutePath();
    file = dir.resolve("nacos.yaml");
    Files.writeString(
        file,
        """
        apiVersion: ballast.dev/v1alpha1
        kind: LocalCluster
        metadata:
          name: nacos
        spec:
          stateDir: state
          replicas: 3
          minReplicas: 1
          maxReplicas: 5
          member:
            kind: command
            command: ["python3", "%s", "{port:http}", "{host}", "%s"]
            ports: [http]
          membership:
            type: none
          scaleDown:
            policy: Allowed
            dataPolicy: Delete
          peers:
            file: peers/cluster.conf
            header: "# cluster.conf written by ballast, version {version}\\n"
            member: "{host}:{port:http}"
            separator: "\\n"
            footer: "\\n"
            reload:
              - http: {method: POST, url: "http://{host}:{port:http}/reload?version={version}"}
                attempts: 10                # a member just started may not listen yet
                backoff: 100ms
        """
            .formatted(script, dir.resolve("peers/cluster.conf")));
    String f = file.toString();

    // when
    BallastCli.Result up = BallastCli.run("up", "-f", f);

    // then every member reads version 1 with the three members
    assertThat(up.exitCode()).as(up.toString()).isZero();
    for (int i = 0; i < 3; i++) {
      assertThat(peersOf(file, i).path("version").asInt()).isEqualTo(1);
      assertThat(peersOf(file, i).path("peers"))
          .extracting(JsonNode::asText)
          .containsExactlyElementsOf(addresses(file, 3));
    }

    // when it grows to 5 (two single-member steps: two new versions)
    BallastCli.Result grow = BallastCli.run("scale", "-f", f, "--replicas", "5");

    // then all five see the five members, version 3
    assertThat(grow.exitCode()).as(grow.toString()).isZero();
    for (int i = 0; i < 5; i++) {
      assertThat(peersOf(file, i).path("version").asInt()).isEqualTo(3);
      assertThat(peersOf(file, i).path("peers"))
          .extracting(JsonNode::asText)
          .containsExactlyElementsOf(addresses(file, 5));
    }

    // when it shrinks back to 3
    List<String> three = addresses(file, 3);
    BallastCli.Result shrink = BallastCli.run("scale", "-f", f, "--replicas", "3");

    // then the remaining three see only themselves, version 5, and so does the file
    assertThat(shrink.exitCode()).as(shrink.toString()).isZero();
    for (int i = 0; i < 3; i++) {
      assertThat(peersOf(file, i).path("version").asInt()).isEqualTo(5);
      assertThat(peersOf(file, i).path("peers"))
          .extracting(JsonNode::asText)
          .containsExactlyElementsOf(three);
    }
    assertThat(Files.readString(dir.resolve("peers/cluster.conf")))
        .isEqualTo(
            "# cluster.conf written by ballast, version 5\n" + String.join("\n", three) + "\n");
  }

  @Test
  void membersThatWatchTheirOwnConfFolderSeeEachChangeOfTheirCopy() throws Exception {
    // given three members that, like Nacos, need {dataDir}/conf/cluster.conf at start and re-read
    // it when a WatchService on that folder fires; nothing tells them to reload
    Path classes =
        Path.of(
            ConfWatchingMember.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    file = dir.resolve("nacos.yaml");
    Files.writeString(
        file,
        """
        apiVersion: ballast.dev/v1alpha1
        kind: LocalCluster
        metadata:
          name: nacos
        spec:
          stateDir: state
          replicas: 3
          minReplicas: 1
          maxReplicas: 5
          member:
            kind: command
            command: ["%s", "-Xmx32m", "-XX:TieredStopAtLevel=1", "-cp", "%s",
                      "%s", "{port:http}", "{host}", "{dataDir}"]
            ports: [http]
          membership:
            type: none
          scaleDown:
            policy: Allowed
            dataPolicy: Delete
          peers:
            file: peers/cluster.conf
            header: "# cluster.conf written by ballast, version {version}\\n"
            member: "{host}:{port:http}"
            separator: "\\n"
            footer: "\\n"
            copyTo: "{dataDir}/conf/cluster.conf"
            afterChange: None
        """
            .formatted(java, classes, ConfWatchingMember.class.getName()));
    String f = file.toString();

    // when
    BallastCli.Result up = BallastCli.run("up", "-f", f);

    // then each member found its copy at start: version 1, three members
    assertThat(up.exitCode()).as(up.toString()).isZero();
    awaitPeers(file, 3, 1);

    // when a fourth member joins
    BallastCli.Result grow = BallastCli.run("scale", "-f", f, "--replicas", "4");

    // then all four see the four members (the new one from its start), version 2
    assertThat(grow.exitCode()).as(grow.toString()).isZero();
    awaitPeers(file, 4, 2);

    // when it shrinks back to 3
    BallastCli.Result shrink = BallastCli.run("scale", "-f", f, "--replicas", "3");

    // then the remaining three see only themselves, version 3, in files of their own
    assertThat(shrink.exitCode()).as(shrink.toString()).isZero();
    awaitPeers(file, 3, 3);
    try (LocalWiring w = LocalWiring.readOnly(ClusterFile.load(file), Clock.systemUTC())) {
      Path copy = w.runtime().dataDir(0).resolve("conf/cluster.conf");
      assertThat(Files.isSymbolicLink(copy)).isFalse();
      assertThat(Files.readString(copy))
          .isEqualTo(Files.readString(dir.resolve("peers/cluster.conf")));
      try (var left = Files.list(copy.getParent())) {
        assertThat(left).as("no temporary file left").containsExactly(copy);
      }
    }
  }

  /** Waits until members 0..size-1 all serve {@code version} with exactly those members. */
  private static void awaitPeers(Path f, int size, int version) throws Exception {
    List<String> expected = addresses(f, size);
    org.awaitility.Awaitility.await()
        .atMost(java.time.Duration.ofSeconds(60))
        .pollDelay(java.time.Duration.ZERO)
        .pollInterval(java.time.Duration.ofMillis(200))
        .ignoreExceptions()
        .untilAsserted(
            () -> {
              for (int i = 0; i < size; i++) {
                JsonNode peers = peersOf(f, i);
                assertThat(peers.path("version").asInt()).as("member %d", i).isEqualTo(version);
                assertThat(peers.path("peers"))
                    .extracting(JsonNode::asText)
                    .containsExactlyElementsOf(expected);
              }
            });
  }
}
