package dev.ballast.core.testing;

class FakeMembershipTest extends MembershipContract {
  @Override
  protected Cluster startCluster(int size) {
    InMemoryReplicaRuntime runtime = InMemoryReplicaRuntime.withRunningMembers(size);
    return new Cluster(runtime, FakeMembership.over(runtime), () -> {});
  }
}
