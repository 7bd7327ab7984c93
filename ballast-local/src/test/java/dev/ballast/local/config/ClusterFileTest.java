package dev.ballast.local.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.ballast.core.plan.Stage;
import dev.ballast.core.policy.QuorumGuard;
import dev.ballast.core.policy.ScalingPolicy;
import dev.ballast.core.policy.ShrinkPolicy;
import dev.ballast.core.port.DataPolicy;
import dev.ballast.core.predict.ForecastGateSettings;
import dev.ballast.core.predict.PredictionSettings;
import dev.ballast.core.vertical.VerticalSettings;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class ClusterFileTest {
  private static final Path FILE = Path.of("/clusters/prod/cluster.yaml");

  private static final String MINIMAL =
      """
      apiVersion: ballast.dev/v1alpha1
      kind: LocalCluster
      metadata:
        name: zk
      spec:
        replicas: 3
        maxReplicas: 5
        member:
          kind: zookeeper
      """;

  @Test
  void appliesDefaultsToAMinimalFile() throws Exception {
    // when
    ClusterFile c = ClusterFile.parse(MINIMAL, FILE);

    // then
    assertThat(c.name()).isEqualTo("zk");
    assertThat(c.stateDir()).isEqualTo(Path.of("/clusters/prod/.ballast/zk"));
    assertThat(c.policy().minReplicas()).isEqualTo(ScalingPolicy.DEFAULT_MIN_REPLICAS);
    assertThat(c.policy().maxReplicas()).isEqualTo(5);
    assertThat(c.policy().allowedReplicas()).isEmpty();
    assertThat(c.membership()).isEqualTo(MembershipType.ZOOKEEPER);
    assertThat(c.policy().shrink()).isEqualTo(ShrinkPolicy.ALLOWED);
    assertThat(c.policy().dataPolicy()).isEqualTo(ScalingPolicy.DEFAULT_DATA_POLICY);
    assertThat(c.member().portNames()).containsExactly("client", "quorum", "election", "admin");
    assertThat(c.member().heap()).isEqualTo("128m");
    assertThat(c.policy().timeout(Stage.JOIN)).isEqualTo(ScalingPolicy.DEFAULT_STAGE_TIMEOUT);
    assertThat(c.syncPeriod()).isEqualTo(Duration.ofSeconds(15));
    assertThat(c.metrics().isArray()).isTrue();
    assertThat(c.behavior().isNull()).isTrue();
    assertThat(c.prediction().enabled()).isFalse();
  }

  @Test
  void readsThePredictionSectionWithTheSimulatorsFieldNames() throws Exception {
    // given
    String yaml =
        MINIMAL
            + """
              prediction:
                enabled: true
                season: 1h
                sampleInterval: 30s
                defaultJoinTime: 90s
                joinTimeQuantile: 0.8
                minJoinSamples: 2
                errorMargin: 1.5
                smoothing: {alpha: 0.4}
                gate: {minAccuracy: 0.5, resumeAccuracy: 0.8}
            """;

    // when
    ClusterFile c = ClusterFile.parse(yaml, FILE);

    // then: the given fields, the defaults for the others
    var p = c.prediction();
    assertThat(p.enabled()).isTrue();
    assertThat(p.season()).isEqualTo(Duration.ofHours(1));
    assertThat(p.sampleInterval()).isEqualTo(Duration.ofSeconds(30));
    assertThat(p.defaultJoinTime()).isEqualTo(Duration.ofSeconds(90));
    assertThat(p.joinTimeQuantile()).isEqualTo(0.8);
    assertThat(p.minJoinSamples()).isEqualTo(2);
    assertThat(p.joinTimeSamples()).isEqualTo(PredictionSettings.defaults(true).joinTimeSamples());
    assertThat(p.errorMargin()).isEqualTo(1.5);
    assertThat(p.smoothing().alpha()).isEqualTo(0.4);
    assertThat(p.gate())
        .isEqualTo(new ForecastGateSettings(0.5, 0.8, ForecastGateSettings.defaults().memory()));
  }

  @Test
  void readsTheVerticalAdviceSectionWithTheOperatorsFieldNamesAndDefaults() throws Exception {
    // given: some fields given, the others left to the defaults
    String yaml =
        MINIMAL
            + """
              verticalAdvice:
                targetPercentile: 0.8
                safetyMargin: 0.3
                minCpu: 50m
                minMemory: 1Gi
                halfLife: 1h
            """;

    // when
    ClusterFile c = ClusterFile.parse(yaml, FILE);
    ClusterFile none = ClusterFile.parse(MINIMAL, FILE);
    ClusterFile off = ClusterFile.parse(MINIMAL + "  verticalAdvice: {enabled: false}\n", FILE);

    // then
    VerticalSettings d = VerticalSettings.defaults();
    assertThat(c.verticalAdvice())
        .hasValue(
            new VerticalSettings(
                0.8,
                d.lowerPercentile(),
                d.upperPercentile(),
                0.3,
                0.05,
                1024.0 * 1024 * 1024,
                Duration.ofHours(1)));
    assertThat(none.verticalAdvice()).hasValue(d);
    assertThat(off.verticalAdvice()).isEmpty();
  }

  @Test
  void readsTheFillTimeoutLikeEveryOtherStageTimeout() throws Exception {
    // given
    String yaml =
        MINIMAL.replace(
            "maxReplicas: 5", "maxReplicas: 5\n  timeouts:\n    default: 1m\n    rebalanced: 20m");

    // when
    ClusterFile c = ClusterFile.parse(yaml, FILE);

    // then
    assertThat(c.policy().timeout(Stage.REBALANCED)).isEqualTo(Duration.ofMinutes(20));
    assertThat(c.policy().timeout(Stage.REBALANCE)).isEqualTo(Duration.ofMinutes(1));
  }

  @Test
  void readsTheExampleKafkaFile() throws Exception {
    // given
    Path example = Path.of("../examples/local/kafka.yaml");

    // when
    ClusterFile c = ClusterFile.load(example);

    // then
    assertThat(c.member().kind()).isEqualTo(MemberKind.KAFKA);
    assertThat(c.member().portNames()).containsExactly("client");
    assertThat(c.member().controllers()).isEqualTo(1);
    assertThat(c.member().heap()).isEqualTo("256m");
    assertThat(c.membership()).isEqualTo(MembershipType.KAFKA);
    assertThat(c.policy().timeout(Stage.REBALANCED)).isEqualTo(Duration.ofMinutes(10));
  }

  @Test
  void readsTheExampleEtcdFile() throws Exception {
    // given
    Path example = Path.of("../examples/local/etcd.yaml");

    // when
    ClusterFile c = ClusterFile.load(example);

    // then
    assertThat(c.member().kind()).isEqualTo(MemberKind.ETCD);
    assertThat(c.member().portNames()).containsExactly("client", "peer");
    assertThat(c.member().binary()).isNull();
    assertThat(c.membership()).isEqualTo(MembershipType.ETCD);
    assertThat(c.policy().allowedReplicas()).containsExactly(3, 5, 7);
    assertThat(c.policy().timeout(Stage.READY)).isEqualTo(Duration.ofSeconds(60));
  }

  @Test
  void readsTheExampleRabbitMqFile() throws Exception {
    // given
    Path example = Path.of("../examples/local/rabbitmq.yaml");

    // when
    ClusterFile c = ClusterFile.load(example);

    // then
    assertThat(c.member().kind()).isEqualTo(MemberKind.RABBITMQ);
    assertThat(c.member().portNames()).containsExactly("amqp", "dist");
    assertThat(c.member().binary()).isNull();
    assertThat(c.membership()).isEqualTo(MembershipType.RABBITMQ);
    assertThat(c.policy().allowedReplicas()).containsExactly(3, 5, 7);
    assertThat(c.policy().timeout(Stage.REBALANCED)).isEqualTo(Duration.ofMinutes(5));
  }

  @Test
  void readsAnEtcdBinaryRelativeToTheFile() throws Exception {
    // when
    ClusterFile c =
        ClusterFile.parse(
            MINIMAL.replace("kind: zookeeper", "kind: etcd\n    binary: tools/etcd"), FILE);

    // then
    assertThat(c.member().binary())
        .isEqualTo(FILE.toAbsolutePath().getParent().resolve("tools/etcd").normalize());
    assertThat(c.membership()).isEqualTo(MembershipType.ETCD);
  }

  @Test
  void readsTheExampleZooKeeperFile() throws Exception {
    // given
    Path example = Path.of("../examples/local/zookeeper.yaml");

    // when
    ClusterFile c = ClusterFile.load(example);

    // then
    assertThat(c.replicas()).isEqualTo(3);
    assertThat(c.policy().allowedReplicas()).containsExactly(3, 5, 7);
    assertThat(c.policy().dataPolicy()).isEqualTo(DataPolicy.DELETE);
    assertThat(c.member().tickTime()).isEqualTo(Duration.ofMillis(500));
    assertThat(c.policy().timeout(Stage.JOIN)).isEqualTo(Duration.ofSeconds(60));
    assertThat(c.policy().timeout(Stage.DRAIN)).isEqualTo(Duration.ofMinutes(2));
    assertThat(c.prediction().enabled()).isFalse();
    assertThat(c.prediction().season()).isEqualTo(Duration.ofHours(24));
    assertThat(c.stateDir())
        .isEqualTo(
            example.toAbsolutePath().getParent().resolve("../../.ballast/zk-demo").normalize());
  }

  @Test
  void readsTheExampleCommandFile() throws Exception {
    // when
    ClusterFile c = ClusterFile.load(Path.of("../examples/local/command.yaml"));

    // then
    assertThat(c.member().kind()).isEqualTo(MemberKind.COMMAND);
    assertThat(c.member().portNames()).containsExactly("http");
    assertThat(c.membership()).isEqualTo(MembershipType.NONE);
    assertThat(c.policy().quorumGuard()).isEqualTo(QuorumGuard.NONE);
    assertThat(c.policy().dataPolicy()).isEqualTo(DataPolicy.RETAIN);
  }

  @Test
  void guardsTheQuorumOnlyForAMembershipThatVotes() throws Exception {
    // given
    String command =
        """
        apiVersion: ballast.dev/v1alpha1
        kind: LocalCluster
        metadata:
          name: web
        spec:
          replicas: 3
          maxReplicas: 5
          member:
            kind: command
            command: ["sleep", "600"]
        """;
    String commandAsZooKeeper =
        command
            + """
                ports: [client, quorum, election]
              membership:
                type: zookeeper
            """;

    // when
    ClusterFile zookeeper = ClusterFile.parse(MINIMAL, FILE);
    ClusterFile none = ClusterFile.parse(command, FILE);
    ClusterFile explicitNone = ClusterFile.parse(command + "  membership:\n    type: none\n", FILE);
    ClusterFile voting = ClusterFile.parse(commandAsZooKeeper, FILE);

    // then
    assertThat(zookeeper.policy().quorumGuard()).isEqualTo(QuorumGuard.MAJORITY);
    assertThat(none.membership()).isEqualTo(MembershipType.NONE);
    assertThat(none.policy().quorumGuard()).isEqualTo(QuorumGuard.NONE);
    assertThat(explicitNone.policy().quorumGuard()).isEqualTo(QuorumGuard.NONE);
    assertThat(voting.membership()).isEqualTo(MembershipType.ZOOKEEPER);
    assertThat(voting.policy().quorumGuard()).isEqualTo(QuorumGuard.MAJORITY);
  }

  @Test
  void reportsEveryProblemAtOnceWithItsFieldPath() {
    // given
    String yaml =
        """
        metadata:
          name: Zk_1
        spec:
          replicas: 0
          maxReplicas: 7
          allowedReplicas: [3, -5, 7]
          member:
            kind: zookeeper
            heap: lots
          scaleDown:
            policy: Sometimes
          syncPeriod: 15
        """;

    // when / then
    assertThatThrownBy(() -> ClusterFile.parse(yaml, FILE))
        .isInstanceOfSatisfying(
            ClusterFileException.class,
            e ->
                assertThat(e.problems())
                    .containsExactlyInAnyOrder(
                        "cluster.yaml: metadata.name: must be lower-case letters, digits and '-'"
                            + " (at most 63), e.g. zk-demo",
                        "cluster.yaml: spec.replicas: must be a positive integer",
                        "cluster.yaml: spec.allowedReplicas[1]: must be a positive integer",
                        "cluster.yaml: spec.member.heap: must be a JVM heap size such as 128m or"
                            + " 1g",
                        "cluster.yaml: spec.scaleDown.policy: must be one of Allowed, Disabled",
                        "cluster.yaml: spec.syncPeriod: must be a duration such as 500ms, 30s, 2m"
                            + " or 1h"));
  }

  record Case(String name, String yaml, String expected) {
    @Override
    public String toString() {
      return name;
    }
  }

  static Stream<Case> badFiles() {
    return Stream.of(
        new Case(
            "a misspelt field is named",
            MINIMAL.replace("maxReplicas: 5", "maxReplicas: 5\n  maxReplica: 5"),
            "cluster.yaml: spec.maxReplica: unknown field; expected one of"),
        new Case(
            "a misspelt member field is named",
            MINIMAL.replace("kind: zookeeper", "kind: zookeeper\n    tickTme: 2s"),
            "cluster.yaml: spec.member.tickTme: unknown field"),
        new Case(
            "replicas outside the allowed sizes",
            MINIMAL.replace("maxReplicas: 5", "maxReplicas: 7\n  allowedReplicas: [5, 7]"),
            "cluster.yaml: spec.replicas: must be between spec.minReplicas (1) and"
                + " spec.maxReplicas (7) and one of spec.allowedReplicas [5, 7]"),
        new Case(
            "allowed sizes out of order",
            MINIMAL.replace("maxReplicas: 5", "maxReplicas: 7\n  allowedReplicas: [3, 7, 5]"),
            "cluster.yaml: spec.allowedReplicas[2]: sizes must be listed in increasing order"),
        new Case(
            "min above max",
            MINIMAL.replace("maxReplicas: 5", "maxReplicas: 5\n  minReplicas: 6"),
            "cluster.yaml: spec.maxReplicas: must be at least minReplicas (6), was 5"),
        new Case(
            "missing maxReplicas",
            MINIMAL.replace("  maxReplicas: 5\n", ""),
            "cluster.yaml: spec.maxReplicas: required; set the largest size Ballast may scale to"),
        new Case(
            "an allowed size beyond maxReplicas",
            MINIMAL.replace("maxReplicas: 5", "maxReplicas: 5\n  allowedReplicas: [3, 5, 7]"),
            "cluster.yaml: spec.allowedReplicas: 7 is outside minReplicas..maxReplicas (1..5)"),
        new Case(
            "a zero drain timeout",
            MINIMAL.replace("maxReplicas: 5", "maxReplicas: 5\n  scaleDown:\n    drainTimeout: 0s"),
            "cluster.yaml: spec.scaleDown.drainTimeout: must be longer than 0s"),
        new Case(
            "a ZooKeeper heap too small",
            MINIMAL.replace("kind: zookeeper", "kind: zookeeper\n    heap: 16m"),
            "cluster.yaml: spec.member.heap: a ZooKeeper member needs at least 32m"),
        new Case(
            "unknown membership type",
            MINIMAL.replace("maxReplicas: 5", "maxReplicas: 5\n  membership:\n    type: raft"),
            "cluster.yaml: spec.membership.type: must be one of zookeeper, etcd, redis, rabbitmq, kafka, hooks, none"),
        new Case(
            "an even Kafka controller quorum",
            MINIMAL.replace("kind: zookeeper", "kind: kafka\n    controllers: 2"),
            "cluster.yaml: spec.member.controllers: must be odd (1, 3 or 5): a KRaft quorum of 2 is"
                + " no safer than one less"),
        new Case(
            "controllers for a ZooKeeper member",
            MINIMAL.replace("kind: zookeeper", "kind: zookeeper\n    controllers: 3"),
            "cluster.yaml: spec.member.controllers: only applies to kind kafka; remove it"),
        new Case(
            "a Kafka broker heap too small",
            MINIMAL.replace("kind: zookeeper", "kind: kafka\n    heap: 64m"),
            "cluster.yaml: spec.member.heap: a Kafka broker needs at least 128m"),
        new Case(
            "kafka membership for a command member",
            MINIMAL.replace(
                "kind: zookeeper",
                "kind: command\n    command: [srv]\n  membership:\n    type: kafka"),
            "cluster.yaml: spec.membership.type: kafka needs spec.member.kind kafka"),
        new Case(
            "a command for an etcd member",
            MINIMAL.replace("kind: zookeeper", "kind: etcd\n    command: [etcd]"),
            "cluster.yaml: spec.member.command: does not apply to kind etcd; remove it"),
        new Case(
            "an etcd binary for a ZooKeeper member",
            MINIMAL.replace("kind: zookeeper", "kind: zookeeper\n    binary: etcd"),
            "cluster.yaml: spec.member.binary: only applies to kinds etcd, redis and rabbitmq; remove it"),
        new Case(
            "Redis Cluster replicas",
            MINIMAL.replace("kind: zookeeper", "kind: redis\n    clusterReplicas: 1"),
            "cluster.yaml: spec.member.clusterReplicas: Redis Cluster replicas (redis-cli"
                + " --cluster-replicas) are not supported yet: Ballast runs masters only; set 0 or"
                + " remove it"),
        new Case(
            "Redis Cluster replicas for a ZooKeeper member",
            MINIMAL.replace("kind: zookeeper", "kind: zookeeper\n    clusterReplicas: 0"),
            "cluster.yaml: spec.member.clusterReplicas: only applies to kind redis; remove it"),
        new Case(
            "a heap for a RabbitMQ member",
            MINIMAL.replace("kind: zookeeper", "kind: rabbitmq\n    heap: 128m"),
            "cluster.yaml: spec.member.heap: does not apply to kind rabbitmq; remove it"),
        new Case(
            "rabbitmq membership for a ZooKeeper member",
            MINIMAL.replace(
                "kind: zookeeper", "kind: zookeeper\n  membership:\n    type: rabbitmq"),
            "cluster.yaml: spec.membership.type: rabbitmq needs spec.member.kind rabbitmq"),
        new Case(
            "etcd membership for a command member",
            MINIMAL.replace(
                "kind: zookeeper",
                "kind: command\n    command: [srv]\n  membership:\n    type: etcd"),
            "cluster.yaml: spec.membership.type: etcd needs spec.member.kind etcd"),
        new Case(
            "unknown stage timeout",
            MINIMAL.replace("maxReplicas: 5", "maxReplicas: 5\n  timeouts:\n    jion: 10s"),
            "cluster.yaml: spec.timeouts.jion: unknown stage"),
        new Case(
            "a command port used but not declared",
            MINIMAL.replace(
                "kind: zookeeper",
                "kind: command\n    command: [srv, '--port={port:http}']\n    ports: [client]\n"
                    + "  membership:\n    type: none"),
            "cluster.yaml: spec.member.command[1]: uses {port:http} but spec.member.ports does"
                + " not list 'http'"),
        new Case(
            "an unknown placeholder",
            MINIMAL.replace(
                "kind: zookeeper",
                "kind: command\n    command: [srv, '{datadir}']\n  membership:\n    type: none"),
            "cluster.yaml: spec.member.command[1]: unknown placeholder {datadir}"),
        new Case(
            "a command without a program",
            MINIMAL.replace("kind: zookeeper", "kind: command"),
            "cluster.yaml: spec.member.command: is required for kind command"),
        new Case(
            "a wrong kind",
            MINIMAL.replace("kind: LocalCluster", "kind: Cluster"),
            "cluster.yaml: kind: must be LocalCluster (was Cluster)"),
        new Case(
            "a misspelt prediction field",
            MINIMAL + "  prediction:\n    enabeld: true\n",
            "cluster.yaml: spec.prediction.enabeld: unknown field; expected one of"),
        new Case(
            "a season that is no multiple of the sample interval",
            MINIMAL + "  prediction:\n    season: 90s\n    sampleInterval: 1m\n",
            "cluster.yaml: spec.prediction.season: must be a whole multiple (>= 2) of"
                + " sampleInterval"),
        new Case(
            "a prediction duration in the wrong form",
            MINIMAL + "  prediction:\n    defaultJoinTime: soon\n",
            "cluster.yaml: spec.prediction.defaultJoinTime: must be a duration such as 500ms,"
                + " 30s, 2m or 1h"),
        new Case(
            "an error margin out of range",
            MINIMAL + "  prediction:\n    errorMargin: 11\n",
            "cluster.yaml: spec.prediction.errorMargin: must be in 0..10, was 11.0"),
        new Case(
            "prediction not a mapping",
            MINIMAL + "  prediction: true\n",
            "cluster.yaml: spec.prediction: must be a mapping, e.g. {enabled: true}"),
        new Case(
            "a zero tick time",
            MINIMAL.replace("kind: zookeeper", "kind: zookeeper\n    tickTime: 0ms"),
            "cluster.yaml: spec.member.tickTime: must be between 10ms and 1m"),
        new Case(
            "a tick time of hours",
            MINIMAL.replace("kind: zookeeper", "kind: zookeeper\n    tickTime: 2h"),
            "cluster.yaml: spec.member.tickTime: must be between 10ms and 1m"),
        new Case(
            "a second metadata.name",
            MINIMAL.replace("spec:", "metadata:\n  name: other\nspec:"),
            "cluster.yaml: the key 'metadata' appears twice in one mapping, again at line 5; keep one"),
        new Case(
            "a repeated key deeper down",
            MINIMAL.replace("maxReplicas: 5", "maxReplicas: 5\n  replicas: 5"),
            "cluster.yaml: the key 'replicas' appears twice in one mapping, again at line 8"),
        new Case(
            "a second document",
            MINIMAL + "---\n" + MINIMAL,
            "cluster.yaml: a second YAML document at line 11; the file takes exactly one"),
        new Case(
            "a vertical percentile out of range",
            MINIMAL + "  verticalAdvice:\n    targetPercentile: 1.5\n",
            "cluster.yaml: spec.verticalAdvice.targetPercentile: must be in (0, 1], was 1.5;"
                + " e.g. 0.9"),
        new Case(
            "a vertical target below the default lower percentile",
            MINIMAL + "  verticalAdvice:\n    targetPercentile: 0.4\n",
            "cluster.yaml: spec.verticalAdvice.lowerPercentile: 0.5 is above targetPercentile"
                + " 0.4; lower it"),
        new Case(
            "a misspelt vertical field",
            MINIMAL + "  verticalAdvice:\n    halflife: 1h\n",
            "cluster.yaml: spec.verticalAdvice.halflife: unknown field; expected one of"),
        new Case(
            "a vertical minimum that is no quantity",
            MINIMAL + "  verticalAdvice:\n    minMemory: lots\n",
            "cluster.yaml: spec.verticalAdvice.minMemory: \"lots\" is not a Kubernetes quantity"),
        new Case(
            "a negative vertical safety margin",
            MINIMAL + "  verticalAdvice:\n    safetyMargin: -0.1\n",
            "cluster.yaml: spec.verticalAdvice.safetyMargin: must be >= 0, was -0.1; e.g. 0.15"),
        new Case(
            "a zero vertical half-life",
            MINIMAL + "  verticalAdvice:\n    halfLife: 0s\n",
            "cluster.yaml: spec.verticalAdvice.halfLife: must be positive, was PT0S; e.g. 24h"),
        new Case(
            "a vertical half-life in the wrong form",
            MINIMAL + "  verticalAdvice:\n    halfLife: daily\n",
            "cluster.yaml: spec.verticalAdvice.halfLife: must be a duration such as 500ms"),
        new Case(
            "verticalAdvice not a mapping",
            MINIMAL + "  verticalAdvice: true\n",
            "cluster.yaml: spec.verticalAdvice: must be a mapping, e.g. {targetPercentile: 0.9}"),
        new Case("not yaml", "spec: [unclosed", "cluster.yaml: not valid YAML"),
        new Case("not a mapping", "- a\n- b\n", "cluster.yaml: must be a YAML mapping"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("badFiles")
  void rejectsABadFileNamingTheField(Case c) {
    // when / then
    assertThatThrownBy(() -> ClusterFile.parse(c.yaml(), FILE))
        .isInstanceOfSatisfying(
            ClusterFileException.class,
            e -> assertThat(e.problems()).anySatisfy(p -> assertThat(p).startsWith(c.expected())));
  }

  @Test
  void refusesAStateDirThatIsAFile(@TempDir Path dir) throws Exception {
    // given
    Files.writeString(dir.resolve("notes.txt"), "mine");
    String yaml = MINIMAL.replace("replicas: 3", "replicas: 3\n  stateDir: notes.txt/state");

    // when / then
    assertThatThrownBy(() -> ClusterFile.parse(yaml, dir.resolve("cluster.yaml")))
        .isInstanceOfSatisfying(
            ClusterFileException.class,
            e ->
                assertThat(e.problems())
                    .containsExactly(
                        "cluster.yaml: spec.stateDir: "
                            + dir.resolve("notes.txt")
                            + " is a file, not a directory; name a directory (or leave stateDir"
                            + " out for .ballast/zk)"));
  }

  @Test
  void refusesABinaryFileAsNotUtf8(@TempDir Path dir) throws Exception {
    // given: the start of a gzip stream
    Path file = dir.resolve("cluster.yaml");
    Files.write(file, new byte[] {0x1f, (byte) 0x8b, 0x08, 0x00, 'a', ':', '\n'});

    // when / then
    assertThatThrownBy(() -> ClusterFile.load(file))
        .isInstanceOfSatisfying(
            ClusterFileException.class,
            e ->
                assertThat(e.problems())
                    .singleElement()
                    .asString()
                    .startsWith("cluster.yaml: not UTF-8 text (bad byte at offset 1)"));
  }

  @Test
  void refusesAHugeFileBeforeReadingIt(@TempDir Path dir) throws Exception {
    // given: 20 MB, most of it one value (this took 115 s and 860 MB before)
    Path file = dir.resolve("cluster.yaml");
    try (var out = Files.newOutputStream(file)) {
      out.write(MINIMAL.replace("name: zk", "name: ").getBytes(StandardCharsets.UTF_8));
      byte[] chunk = "z".repeat(1 << 16).getBytes(StandardCharsets.UTF_8);
      for (int i = 0; i < 20 * 16; i++) {
        out.write(chunk);
      }
    }

    // when / then
    assertTimeoutPreemptively(
        Duration.ofSeconds(2),
        () ->
            assertThatThrownBy(() -> ClusterFile.load(file))
                .isInstanceOfSatisfying(
                    ClusterFileException.class,
                    e ->
                        assertThat(e.problems())
                            .containsExactly(
                                "cluster.yaml: the file is larger than the limit of 1 MiB; is it"
                                    + " the right file?")));
  }

  @Test
  void aPlaceholderFullOfTextIsShownShortOnOneLine() {
    // given: found by the fuzzer, a brace-delimited run of text with a line break inside
    String yaml =
        MINIMAL.replace(
            "kind: zookeeper",
            "kind: command\n    command: [srv, \"{port:a\\n"
                + "x".repeat(2000)
                + "}\"]\n"
                + "  membership:\n    type: none");

    // when / then
    assertThatThrownBy(() -> ClusterFile.parse(yaml, FILE))
        .isInstanceOfSatisfying(
            ClusterFileException.class,
            e ->
                assertThat(e.problems())
                    .containsExactly(
                        "cluster.yaml: spec.member.command[1]: uses {port:a\\n"
                            + "x".repeat(69)
                            + "...} but spec.member.ports does not list 'a\\n"
                            + "x".repeat(74)
                            + "...'"));
  }

  @Test
  void namesAMissingFile() {
    assertThatThrownBy(() -> ClusterFile.load(Path.of("target/does-not-exist.yaml")))
        .isInstanceOfSatisfying(
            ClusterFileException.class,
            e -> assertThat(e.problems()).isEqualTo(List.of("does-not-exist.yaml: no such file")));
  }
}
