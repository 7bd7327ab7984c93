package dev.ballast.core.port;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * A {@link ReplicaRuntime} that forwards every call to another one; a runtime that adds a peer list
 * or knows where members are placed overrides only those calls.
 */
public abstract class ForwardingReplicaRuntime implements ReplicaRuntime {
  private final ReplicaRuntime delegate;

  protected ForwardingReplicaRuntime(ReplicaRuntime delegate) {
    this.delegate = Objects.requireNonNull(delegate, "delegate");
  }

  /** The runtime calls are forwarded to. */
  protected ReplicaRuntime delegate() {
    return delegate;
  }

  @Override
  public List<Member> members() {
    return delegate.members();
  }

  @Override
  public Optional<Member> member(int ordinal) {
    return delegate.member(ordinal);
  }

  @Override
  public Member prepare(int ordinal) {
    return delegate.prepare(ordinal);
  }

  @Override
  public void start(Member member, Map<String, String> launchSettings) {
    delegate.start(member, launchSettings);
  }

  @Override
  public boolean isRunning(int ordinal) {
    return delegate.isRunning(ordinal);
  }

  @Override
  public void stop(int ordinal) {
    delegate.stop(ordinal);
  }

  @Override
  public void cleanup(int ordinal, DataPolicy policy) {
    delegate.cleanup(ordinal, policy);
  }

  @Override
  public void publish(List<Member> members) {
    delegate.publish(members);
  }

  @Override
  public String takeActionReport() {
    return delegate.takeActionReport();
  }

  @Override
  public Optional<String> nodeOf(int ordinal) {
    return delegate.nodeOf(ordinal);
  }

  @Override
  public OptionalInt schedulableNodes() {
    return delegate.schedulableNodes();
  }

  @Override
  public boolean deleting(int ordinal) {
    return delegate.deleting(ordinal);
  }

  @Override
  public boolean failed(int ordinal) {
    return delegate.failed(ordinal);
  }
}
