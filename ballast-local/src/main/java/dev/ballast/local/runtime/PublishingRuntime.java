package dev.ballast.local.runtime;

import dev.ballast.core.port.DataPolicy;
import dev.ballast.core.port.Member;
import dev.ballast.core.port.ReplicaRuntime;
import dev.ballast.members.peers.PeerListPublisher;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A runtime whose PUBLISH also renders the cluster's peer list into its file and has every member
 * reload it ({@link PeerListPublisher}); everything else is the wrapped runtime's.
 */
public final class PublishingRuntime implements ReplicaRuntime {
  private final ReplicaRuntime runtime;
  private final PeerListPublisher peers;

  public PublishingRuntime(ReplicaRuntime runtime, PeerListPublisher peers) {
    this.runtime = runtime;
    this.peers = peers;
  }

  @Override
  public List<Member> members() {
    return runtime.members();
  }

  @Override
  public Optional<Member> member(int ordinal) {
    return runtime.member(ordinal);
  }

  @Override
  public Member prepare(int ordinal) {
    return runtime.prepare(ordinal);
  }

  @Override
  public void start(Member member, Map<String, String> launchSettings) {
    runtime.start(member, launchSettings);
  }

  @Override
  public boolean isRunning(int ordinal) {
    return runtime.isRunning(ordinal);
  }

  @Override
  public void stop(int ordinal) {
    runtime.stop(ordinal);
  }

  @Override
  public void cleanup(int ordinal, DataPolicy policy) {
    runtime.cleanup(ordinal, policy);
  }

  @Override
  public void publish(List<Member> members) {
    runtime.publish(members);
    peers.publish(members);
  }
}
