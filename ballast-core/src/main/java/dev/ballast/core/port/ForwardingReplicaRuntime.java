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

  /**
   * The wrapped runtime's report followed by {@code own} (the lines of what this runtime added to
   * the last action, cleared here), joined with "; ": for an override of {@link
   * #takeActionReport()}.
   */
  protected final String takeActionReport(List<String> own) {
    String text = String.join("; ", own);
    own.clear();
    String inner = delegate.takeActionReport();
    return inner.isEmpty() ? text : text.isEmpty() ? inner : inner + "; " + text;
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
