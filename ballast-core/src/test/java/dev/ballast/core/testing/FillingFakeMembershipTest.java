package dev.ballast.core.testing;

/** The membership contract for the fake acting as a system that fills its new members. */
class FillingFakeMembershipTest extends MembershipContract {
  @Override
  protected Cluster startCluster(int size) {
    InMemoryReplicaRuntime runtime = InMemoryReplicaRuntime.withRunningMembers(size);
    return new Cluster(runtime, FakeMembership.over(runtime).filling(3, 90), () -> {});
  }
}
