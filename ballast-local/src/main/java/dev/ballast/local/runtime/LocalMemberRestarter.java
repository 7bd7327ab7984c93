package dev.ballast.local.runtime;

import dev.ballast.core.port.Member;
import dev.ballast.core.port.Membership;
import dev.ballast.core.port.MembershipException;
import dev.ballast.members.peers.MemberRestarter;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * Restarts a local member for a peer list's rolling restart: refused while another member is
 * stopped or unhealthy (so never two members down at once), then stop (SIGTERM, SIGKILL after the
 * grace), start with the same launch settings a restart by {@code up} gets, and wait until the
 * membership adapter reports the member ready among the others, at most {@code readyTimeout}.
 */
public final class LocalMemberRestarter implements MemberRestarter {
  private static final Duration POLL = Duration.ofMillis(200);

  private final LocalProcessRuntime runtime;
  private final Membership membership;
  private final Function<List<Member>, Map<String, String>> launchSettings;
  private final Duration readyTimeout;
  private final Clock clock;

  public LocalMemberRestarter(
      LocalProcessRuntime runtime,
      Membership membership,
      Function<List<Member>, Map<String, String>> launchSettings,
      Duration readyTimeout,
      Clock clock) {
    this.runtime = runtime;
    this.membership = membership;
    this.launchSettings = launchSettings;
    this.readyTimeout = readyTimeout;
    this.clock = clock;
  }

  @Override
  public Optional<String> refusal(Member member, List<Member> members) {
    for (Member other : members) {
      if (other.ordinal() == member.ordinal()) {
        continue;
      }
      if (!runtime.isRunning(other.ordinal())) {
        return Optional.of(
            "member " + other.ordinal() + " is not running; bring it back first ('ballast up')");
      }
      List<Member> rest = members.stream().filter(m -> m.ordinal() != other.ordinal()).toList();
      Optional<String> why = membership.notReady(other, rest);
      if (why.isPresent()) {
        return Optional.of(
            "member "
                + other.ordinal()
                + " is not healthy"
                + (why.get().isBlank() ? "" : " (" + why.get() + ")")
                + "; no member is restarted while another is down");
      }
    }
    return Optional.empty();
  }

  @Override
  public String restart(Member member, List<Member> members) {
    int k = member.ordinal();
    Instant begin = clock.instant();
    runtime.stop(k);
    if (runtime.isRunning(k)) {
      throw new MembershipException("member " + k + " did not stop; it was not restarted");
    }
    runtime.start(member, launchSettings.apply(members));
    List<Member> others = members.stream().filter(m -> m.ordinal() != k).toList();
    Instant deadline = begin.plus(readyTimeout);
    Optional<String> notReady = membership.notReady(member, others);
    while (notReady.isPresent()) {
      if (!runtime.isRunning(k)) {
        throw new MembershipException(
            "member " + k + " exited after its restart; see its log " + runtime.logFile(k));
      }
      if (clock.instant().isAfter(deadline)) {
        throw new MembershipException(
            "member "
                + k
                + " was not healthy "
                + readyTimeout.toSeconds()
                + "s after its restart"
                + (notReady.get().isBlank() ? "" : " (" + notReady.get() + ")")
                + "; see its log "
                + runtime.logFile(k));
      }
      try {
        Thread.sleep(POLL.toMillis());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new MembershipException("interrupted while member " + k + " restarted", e);
      }
      notReady = membership.notReady(member, others);
    }
    long pid = runtime.process(k).map(ProcessIdentity::pid).orElse(-1L);
    return "pid "
        + pid
        + ", healthy after "
        + Duration.between(begin, clock.instant()).toMillis() / 100 / 10.0
        + "s";
  }
}
