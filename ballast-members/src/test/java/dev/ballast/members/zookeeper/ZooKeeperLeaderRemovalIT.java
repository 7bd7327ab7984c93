package dev.ballast.members.zookeeper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.ballast.core.port.ClusterView;
import dev.ballast.core.port.Member;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Removing the server that currently leads: ZooKeeper hands leadership over and drops client
 * connections meanwhile, so the reconfiguration's answer can be lost; {@link
 * ZooKeeperMembership#leave} must still finish, exactly once.
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class ZooKeeperLeaderRemovalIT {

  private final ZooKeeperMembership membership = new ZooKeeperMembership(Duration.ofSeconds(3));

  @Test
  void removesTheLeaderAndTheOthersElectOneOfThemselves(@TempDir Path root) {
    try (ZooKeeperTestEnsemble ensemble = new ZooKeeperTestEnsemble(root)) {
      // given: four voting servers
      List<Member> members = new ArrayList<>(ensemble.form(3));
      Member fourth = ensemble.reserve(3);
      ensemble.start(fourth, membership.announce(fourth, members));
      await("member 3 ready")
          .atMost(Duration.ofSeconds(45))
          .pollInterval(Duration.ofMillis(200))
          .until(() -> membership.isReady(fourth, members));
      membership.join(fourth, members);
      members.add(fourth);
      ClusterView four = awaitHealthy(members, Set.of(0, 1, 2, 3));
      int leader = four.leader().orElseThrow();
      Member leaving = members.get(leader);
      List<Member> remaining = members.stream().filter(m -> m != leaving).toList();

      // when
      membership.leave(leaving, remaining);
      membership.leave(leaving, remaining);

      // then
      Set<Integer> expected = remaining.stream().map(Member::ordinal).collect(Collectors.toSet());
      ClusterView three = awaitHealthy(remaining, expected);
      assertThat(three.leader()).isPresent().get().isNotEqualTo(leader);
      assertThat(three.votingMembers()).doesNotContain(leader);
    }
  }

  private ClusterView awaitHealthy(List<Member> members, Set<Integer> voting) {
    ClusterView[] last = new ClusterView[1];
    await("healthy with voting members " + voting)
        .atMost(Duration.ofSeconds(45))
        .pollInterval(Duration.ofMillis(250))
        .until(
            () -> {
              last[0] = membership.view(members);
              return last[0].healthy()
                  && last[0].leader().isPresent()
                  && last[0].votingMembers().equals(voting);
            });
    return last[0];
  }
}
