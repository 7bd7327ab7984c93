package dev.ballast.local.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ballast.members.peers.PeerListSpec;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** {@code spec.components} (several components of one system) and {@code peers.afterChange}. */
class ClusterFileComponentsTest {
  private static final Path FILE = Path.of("/clusters/prod/storage.yaml");

  private static final String SYSTEM =
      """
      apiVersion: ballast.dev/v1alpha1
      kind: LocalCluster
      metadata:
        name: storage
      spec:
        stateDir: state
        components:
          - name: meta
            replicas: 3
            maxReplicas: 5
            allowedReplicas: [3, 5]
            member: {kind: command, command: ["./meta", "{port:meta}"], ports: [meta]}
          - name: chunk
            replicas: 3
            maxReplicas: 255
            member: {kind: command, command: ["./chunk", "{port:data}"], ports: [data]}
      """;

  @Test
  void readsEachComponentWithItsOwnBoundsAndStateDirectory() throws Exception {
    // when
    ClusterFile meta = ClusterFile.parse(SYSTEM, FILE, "meta");
    ClusterFile chunk = ClusterFile.parse(SYSTEM, FILE, "chunk");

    // then
    assertThat(meta.name()).isEqualTo("storage-meta");
    assertThat(meta.policy().allowedReplicas()).containsExactly(3, 5);
    assertThat(chunk.policy().maxReplicas()).isEqualTo(255);
    assertThat(meta.stateDir()).isEqualTo(Path.of("/clusters/prod/state/meta"));
    assertThat(chunk.stateDir()).isEqualTo(Path.of("/clusters/prod/state/chunk"));
    SystemComponents system = chunk.system().orElseThrow();
    assertThat(system.system()).isEqualTo("storage");
    assertThat(system.stateDir()).isEqualTo(Path.of("/clusters/prod/state"));
    assertThat(system.stateDirs()).containsOnlyKeys("meta", "chunk");
    assertThat(ClusterFile.parse(MINIMAL, FILE).system()).isEmpty();
  }

  @Test
  void namesTheComponentsWhenNoneOrAnUnknownOneIsAsked() {
    assertThatThrownBy(() -> ClusterFile.parse(SYSTEM, FILE))
        .isInstanceOfSatisfying(
            ClusterFileException.class,
            e ->
                assertThat(e.problems())
                    .containsExactly(
                        "storage.yaml: --component: is required: this file describes the"
                            + " components meta, chunk of system storage; name one, e.g."
                            + " --component meta"));
    assertThatThrownBy(() -> ClusterFile.parse(SYSTEM, FILE, "tikv"))
        .isInstanceOfSatisfying(
            ClusterFileException.class,
            e -> assertThat(e.problems().get(0)).contains("tikv is not a component of this file"));
    assertThatThrownBy(() -> ClusterFile.parse(MINIMAL, FILE, "meta"))
        .isInstanceOfSatisfying(
            ClusterFileException.class,
            e -> assertThat(e.problems().get(0)).contains("this file has no spec.components"));
  }

  @Test
  void namesAComponentsBadFieldByItsPathInTheFile() {
    // given chunk's maxReplicas below its replicas, and a name used twice
    String bad = SYSTEM.replace("maxReplicas: 255", "maxReplicas: 2");

    // when / then
    assertThatThrownBy(() -> ClusterFile.parse(bad, FILE, "chunk"))
        .isInstanceOfSatisfying(
            ClusterFileException.class,
            e -> assertThat(e.problems().get(0)).startsWith("storage.yaml: spec.components[1]."));
    assertThatThrownBy(
            () -> ClusterFile.parse(SYSTEM.replace("name: chunk", "name: meta"), FILE, "meta"))
        .isInstanceOfSatisfying(
            ClusterFileException.class,
            e ->
                assertThat(e.problems())
                    .containsExactly(
                        "storage.yaml: spec.components[1].name: meta is named twice; each"
                            + " component needs its own name"));
  }

  private static final String MINIMAL =
      """
      apiVersion: ballast.dev/v1alpha1
      kind: LocalCluster
      metadata:
        name: eureka
      spec:
        replicas: 2
        maxReplicas: 3
        member:
          kind: command
          command: ["java", "-jar", "eureka.jar", "--spring.config.import=file:{peersFile}"]
          ports: [http]
        peers:
          file: peers/eureka.properties
          member: "http://{host}:{port:http}/eureka/"
          afterChange: restart
      """;

  @Test
  void readsARollingRestartAfterAPeerListChange() throws Exception {
    PeerListSpec peers = ClusterFile.parse(MINIMAL, FILE).peers().orElseThrow();
    assertThat(peers.afterChange()).isEqualTo(PeerListSpec.AfterChange.RESTART);
    assertThat(peers.file()).isEqualTo(Path.of("/clusters/prod/peers/eureka.properties"));
  }

  @Test
  void readsEachMembersOwnCopyAndRefusesOneSharedByAllOrWithAnUnknownPlaceholder()
      throws Exception {
    // given a per-member copy in each member's data folder (Nacos' conf/cluster.conf)
    String copy =
        MINIMAL.replace(
            "afterChange: restart", "afterChange: None\n    copyTo: \"{dataDir}/conf/x.conf\"");

    // then it is read as written; a copy every member shares, or a placeholder it lacks, is not
    assertThat(ClusterFile.parse(copy, FILE).peers().orElseThrow().copyTo())
        .contains("{dataDir}/conf/x.conf");
    assertThat(
            ClusterFile.parse(copy.replace("{dataDir}/conf/x.conf", "copies/{ordinal}.conf"), FILE)
                .peers()
                .orElseThrow()
                .copyTo())
        .contains("/clusters/prod/copies/{ordinal}.conf");
    assertThatThrownBy(
            () -> ClusterFile.parse(copy.replace("{dataDir}/conf/x.conf", "conf/x.conf"), FILE))
        .isInstanceOfSatisfying(
            ClusterFileException.class,
            e ->
                assertThat(e.problems())
                    .containsExactly(
                        "storage.yaml: spec.peers.copyTo: is each member's own copy: name it by"
                            + " {dataDir} (or {ordinal}), e.g. {dataDir}/conf/cluster.conf"));
    assertThatThrownBy(() -> ClusterFile.parse(copy.replace("{dataDir}", "{home}"), FILE))
        .isInstanceOfSatisfying(
            ClusterFileException.class,
            e ->
                assertThat(e.problems().get(0))
                    .startsWith("storage.yaml: spec.peers.copyTo: unknown placeholder {home}"));
  }

  @Test
  void refusesReloadHooksWithARestartAndAnUnknownAfterChange() {
    String both =
        MINIMAL.replace(
            "afterChange: restart", "afterChange: restart\n    reload:\n      - exec: [\"true\"]");
    assertThatThrownBy(() -> ClusterFile.parse(both, FILE))
        .isInstanceOfSatisfying(
            ClusterFileException.class,
            e ->
                assertThat(e.problems())
                    .containsExactly(
                        "storage.yaml: spec.peers.reload: runs only with afterChange: Reload;"
                            + " remove it, or set afterChange: Reload"));
    assertThatThrownBy(
            () ->
                ClusterFile.parse(
                    MINIMAL.replace("afterChange: restart", "afterChange: bounce"), FILE))
        .isInstanceOfSatisfying(
            ClusterFileException.class,
            e ->
                assertThat(e.problems().get(0))
                    .startsWith("storage.yaml: spec.peers.afterChange: must be Reload"));
    String noPeers = MINIMAL.substring(0, MINIMAL.indexOf("  peers:"));
    assertThatThrownBy(() -> ClusterFile.parse(noPeers, FILE))
        .isInstanceOfSatisfying(
            ClusterFileException.class,
            e ->
                assertThat(e.problems())
                    .containsExactly(
                        "storage.yaml: spec.member.command[3]: uses {peersFile} but the file has"
                            + " no spec.peers section"));
  }
}
