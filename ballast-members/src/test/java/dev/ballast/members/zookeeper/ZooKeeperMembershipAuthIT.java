package dev.ballast.members.zookeeper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.ballast.core.port.Member;
import dev.ballast.core.port.MembershipException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Servers that enforce ACLs (a digest super user instead of {@code skipACL=yes}). */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class ZooKeeperMembershipAuthIT {

  @Test
  void reconfigurationNeedsTheSuperUserWhenAclsAreEnforced(@TempDir Path root) {
    ZooKeeperServerConfig config =
        ZooKeeperServerConfig.defaults().withSuperUser("ballast", "s3cret-for-test");
    try (ZooKeeperTestEnsemble ensemble = new ZooKeeperTestEnsemble(root, config)) {
      // given
      List<Member> current = ensemble.form(2);
      ZooKeeperMembership anonymous = new ZooKeeperMembership(Duration.ofSeconds(3));
      ZooKeeperMembership superUser = anonymous.withSuperUser("ballast", "s3cret-for-test");
      Member joining = ensemble.reserve(2);
      ensemble.start(joining, anonymous.announce(joining, current));
      await("member 2 ready")
          .atMost(Duration.ofSeconds(45))
          .pollInterval(Duration.ofMillis(200))
          .until(() -> anonymous.isReady(joining, current));

      // when / then: without credentials ZooKeeper refuses
      assertThatThrownBy(() -> anonymous.join(joining, current))
          .isInstanceOf(MembershipException.class)
          .hasMessageContaining("member 2")
          .hasMessageContaining("not authorized");
      assertThatThrownBy(() -> superUser.withSuperUser("ballast", "wrong").join(joining, current))
          .isInstanceOf(MembershipException.class)
          .hasMessageContaining("not authorized");

      // when / then: the super user may
      superUser.join(joining, current);
      List<Member> three = new ArrayList<>(current);
      three.add(joining);
      await("three voting members")
          .atMost(Duration.ofSeconds(30))
          .pollInterval(Duration.ofMillis(250))
          .until(
              () -> {
                var view = anonymous.view(three);
                return view.healthy() && view.votingMembers().equals(Set.of(0, 1, 2));
              });
      assertThat(anonymous.view(three).leader()).isPresent();
    }
  }
}
