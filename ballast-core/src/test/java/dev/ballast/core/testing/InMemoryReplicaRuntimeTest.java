package dev.ballast.core.testing;

import dev.ballast.core.port.Member;
import dev.ballast.core.port.ReplicaRuntime;
import java.util.Optional;

class InMemoryReplicaRuntimeTest extends ReplicaRuntimeContract {
  @Override
  protected ReplicaRuntime newRuntime() {
    return new InMemoryReplicaRuntime();
  }

  @Override
  protected Optional<Boolean> dataPresent(ReplicaRuntime runtime, Member member) {
    return Optional.of(((InMemoryReplicaRuntime) runtime).hasData(member.ordinal()));
  }
}
