package dev.ballast.operator;

import dev.ballast.core.port.Member;
import dev.ballast.core.port.MembershipException;
import dev.ballast.members.peers.PeerListPublisher;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.IntConsumer;
import java.util.function.IntFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The follow-up of a new peer list for applications that read it only at start: the members' pods
 * are deleted one at a time, highest ordinal first, each next one only once the previous pod is
 * back (a new pod, Ready), so that at most one member is down at any moment. A pod not back within
 * {@code perPod} stops the follow-up with its name (the step fails and says so). Needs {@code
 * delete} on pods in the namespace (deploy/enable-rolling-restart.yaml). Returns one line per pod,
 * in the order restarted, with the time from its deletion until its new pod was Ready.
 */
public final class RollingRestart implements PeerListPublisher.FollowUp {
  private static final Logger LOG = LoggerFactory.getLogger(RollingRestart.class);

  private final KubernetesClient client;
  private final String namespace;
  private final IntFunction<String> podName;
  private final Duration perPod;
  private final Clock clock;

  public RollingRestart(
      KubernetesClient client,
      String namespace,
      IntFunction<String> podName,
      Duration perPod,
      Clock clock) {
    this.client = client;
    this.namespace = namespace;
    this.podName = podName;
    this.perPod = perPod;
    this.clock = clock;
  }

  @Override
  public List<String> after(
      List<Member> members, int version, Set<Integer> alreadyRead, IntConsumer read) {
    List<String> lines = new ArrayList<>();
    List<Member> order = new ArrayList<>(members);
    order.sort((a, b) -> Integer.compare(b.ordinal(), a.ordinal()));
    for (Member m : order) {
      if (alreadyRead.contains(m.ordinal())) {
        continue; // started with this version, or restarted for it before a crash
      }
      String name = podName.apply(m.ordinal());
      for (Member other : members) {
        String otherName = podName.apply(other.ordinal());
        Pod o = client.pods().inNamespace(namespace).withName(otherName).get();
        if (other.ordinal() != m.ordinal() && (o == null || !PodConditions.ready(o))) {
          throw new MembershipException(
              "rolling restart for peer list version "
                  + version
                  + ": pod "
                  + name
                  + " was not restarted because pod "
                  + otherName
                  + " is not Ready (never two members down at once); it goes on once "
                  + otherName
                  + " is Ready");
        }
      }
      Pod before = client.pods().inNamespace(namespace).withName(name).get();
      if (before == null) {
        throw new MembershipException(
            "rolling restart for peer list version " + version + ": pod " + name + " is missing");
      }
      String uid = before.getMetadata().getUid();
      LOG.info("action=restart pod={} peersVersion={}", name, version);
      Instant begin = clock.instant();
      client.pods().inNamespace(namespace).withName(name).delete();
      Instant deadline = begin.plus(perPod);
      while (!back(name, uid)) {
        if (clock.instant().isAfter(deadline)) {
          throw new MembershipException(
              "rolling restart for peer list version "
                  + version
                  + ": pod "
                  + name
                  + " was not Ready again within "
                  + perPod
                  + "; the other pods were left running");
        }
        try {
          Thread.sleep(250);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new MembershipException("rolling restart interrupted at pod " + name);
        }
      }
      read.accept(m.ordinal());
      lines.add(
          "restarted pod "
              + name
              + " (peer list version "
              + version
              + "): Ready again after "
              + Duration.between(begin, clock.instant()).toMillis() / 100 / 10.0
              + "s");
    }
    return lines;
  }

  /** Whether pod {@code name} is a new pod (another uid) whose Ready condition is True. */
  private boolean back(String name, String oldUid) {
    Pod p = client.pods().inNamespace(namespace).withName(name).get();
    return p != null
        && !java.util.Objects.equals(p.getMetadata().getUid(), oldUid)
        && PodConditions.ready(p);
  }
}
