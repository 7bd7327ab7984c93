package dev.ballast.k8s.testkit;

import io.fabric8.kubernetes.api.model.Pod;

/**
 * Runs the member of one pod as a real local process: the test-side stand-in for a container
 * runtime, one per kind of member (ZooKeeper now; etcd and others plug in the same way). The {@link
 * NodeAgent} asks each runner in turn whether it {@link #runs} a pod.
 */
public interface PodRunner {

  /** Whether this runner knows how to run {@code pod} (for example by its container image). */
  boolean runs(Pod pod);

  /**
   * Starts the pod's member, bound to {@link PodContext#ip()}. Throws when it cannot start yet: the
   * agent reports the container as waiting with the message and tries again later, with back-off,
   * as a kubelet does for a crashing container.
   */
  PodProcess start(PodContext context) throws Exception;

  /**
   * Fails, saying what is missing, when this machine cannot run this runner's pods (a binary not
   * installed, a permission refused). The agent asks before it starts, so a test that needs the
   * runner fails at once with that message instead of waiting for pods that never start.
   */
  default void requireUsable() {}
}
