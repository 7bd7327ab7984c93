package dev.ballast.k8s.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A member process under {@link PrivateHosts} sees the pod's hosts file at {@code /etc/hosts},
 * names added later included, while the machine's {@code /etc/hosts} stays untouched; the process
 * the caller holds is the member itself, and killing it leaves nothing behind.
 */
class PrivateHostsIT {

  @Test
  void theMemberReadsThePodsHostsFileAsEtcHostsAndDiesWithItsProcess(@TempDir Path dir)
      throws Exception {
    // given
    PrivateHosts.requireSupported();
    Path agent = dir.resolve("agent-hosts");
    Files.writeString(agent, "127.0.0.1 localhost\n127.0.0.42 pod-0.svc-hs.ns.svc\n");
    PrivateHosts hosts = PrivateHosts.copyOf(agent, dir.resolve("pod").resolve("hosts"));
    Path seen = dir.resolve("seen");
    // A member (bash, told apart from the wrapper's sh) that keeps copying what it sees as
    // /etc/hosts.
    List<String> member =
        List.of(
            "bash",
            "-c",
            "while true; do cat /etc/hosts > \"$1.tmp\" && mv \"$1.tmp\" \"$1\"; sleep 0.1; done",
            "member",
            seen.toString());

    // when
    ManagedProcess p =
        ManagedProcess.start(
            "private-hosts", hosts.wrap(member), Map.of(), dir, dir.resolve("member.log"));
    try {
      await().atMost(Duration.ofSeconds(20)).until(() -> Files.exists(seen));
      Files.writeString(
          agent,
          "127.0.0.1 localhost\n127.0.0.42 pod-0.svc-hs.ns.svc\n127.0.0.43 pod-1.svc-hs.ns.svc\n");
      hosts.refresh();

      // then: the pod's names, a name added later too, and nothing of the machine's file
      await("the later name visible inside")
          .atMost(Duration.ofSeconds(20))
          .untilAsserted(
              () ->
                  assertThat(Files.readString(seen))
                      .contains("127.0.0.42 pod-0.svc-hs.ns.svc")
                      .contains("127.0.0.43 pod-1.svc-hs.ns.svc"));
      assertThat(Files.readString(Path.of("/etc/hosts"))).doesNotContain("svc-hs.ns.svc");
      assertThat(ProcessHandle.of(p.pid()).flatMap(h -> h.info().command()))
          .as("unshare and sh exec'd into the member")
          .hasValueSatisfying(c -> assertThat(c).endsWith("/bash"));
    } finally {
      p.kill();
    }

    // and: nothing left running
    assertThat(p.isAlive()).isFalse();
    assertThat(
            ProcessHandle.allProcesses()
                .map(h -> h.info().commandLine().orElse(""))
                .filter(c -> c.contains(seen.toString())))
        .isEmpty();
  }

  @Test
  void aMachineThatRefusesThePrivateMountIsReportedSayingSoNotSkipped() {
    // given: the probe run as an unprivileged user (nobody), who may not unshare a mount namespace
    List<String> asNobody = List.of("setpriv", "--reuid=65534", "--regid=65534", "--clear-groups");

    // when
    String why = PrivateHosts.probe(asNobody);

    // then
    assertThat(why).isNotNull().contains("exit").contains("not permitted");
    assertThat(PrivateHosts.unsupported(why))
        .hasMessageContaining("needs `unshare -m` and `mount --bind`")
        .hasMessageContaining("this machine refused: " + why);
  }
}
