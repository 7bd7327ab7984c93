package dev.ballast.members.hooks;

import com.jayway.jsonpath.JsonPath;
import dev.ballast.core.port.ClusterView;
import dev.ballast.core.port.DrainProgress;
import dev.ballast.core.port.Member;
import dev.ballast.core.port.Membership;
import dev.ballast.core.port.MembershipException;
import dev.ballast.core.port.RebalanceProgress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Supplier;

/**
 * The membership of a system Ballast has no adapter for, carried out by the user's hooks ({@link
 * HooksSpec}): each stage runs the hooks configured for it, in order, for the member concerned; the
 * cluster view is the membership check's list of ids plus each member's health hook. Hooks must be
 * idempotent: the journal is written before a stage runs and after it succeeds, so a crash between
 * a hook and that write runs the stage's hooks again. A hook that fails stops the stage with its
 * output (the executor then retries the stage or rolls the step back).
 */
public final class HooksMembership implements Membership {
  private final HooksSpec spec;
  private final HookRunner runner;
  private final Supplier<List<Member>> known;
  private final List<String> report = new ArrayList<>();

  /**
   * {@code known} lists every member the runtime has reserved, so that an id the membership check
   * lists can be told apart from one Ballast never started.
   */
  public HooksMembership(HooksSpec spec, HookRunner runner, Supplier<List<Member>> known) {
    this.spec = spec;
    this.runner = runner;
    this.known = known;
  }

  @Override
  public Map<String, String> announce(Member joining, List<Member> current) {
    runPoint(HookPoint.ANNOUNCE, joining, current);
    return Map.of();
  }

  @Override
  public boolean isReady(Member member, List<Member> current) {
    return notReady(member, current).isEmpty();
  }

  @Override
  public Optional<String> notReady(Member member, List<Member> current) {
    if (spec.health().isEmpty()) {
      return Optional.empty();
    }
    try {
      runner.run(spec.health().get(), values(member), peers(member, current));
      return Optional.empty();
    } catch (MembershipException e) {
      return Optional.of(e.getMessage());
    }
  }

  @Override
  public void join(Member joining, List<Member> current) {
    runPoint(HookPoint.JOIN, joining, current);
  }

  @Override
  public ClusterView view(List<Member> members) {
    Set<Integer> listed = new TreeSet<>();
    boolean consistent = true;
    String detail;
    Optional<HooksSpec.MembersCheck> check = spec.members();
    if (check.isPresent()) {
      try {
        HookResult answer = runner.run(check.get().request(), Map.of(), members);
        List<String> ids = ids(answer.answer(), check.get().listPath());
        Map<String, Integer> byId = new HashMap<>();
        for (Member m : known.get()) {
          byId.put(values(m).get("memberId"), m.ordinal());
        }
        for (Member m : members) {
          byId.put(values(m).get("memberId"), m.ordinal());
        }
        List<String> strangers = new ArrayList<>();
        for (String id : ids) {
          Integer ordinal = byId.get(id);
          if (ordinal == null) {
            strangers.add(id);
          } else {
            listed.add(ordinal);
          }
        }
        consistent = strangers.isEmpty();
        detail =
            "members listed: "
                + ids
                + (strangers.isEmpty() ? "" : "; not started by Ballast: " + strangers);
      } catch (MembershipException e) {
        consistent = false;
        detail = "membership check failed: " + e.getMessage();
      }
    } else {
      detail = "no membership check: members are the healthy ones";
    }
    List<ClusterView.MemberStatus> statuses = new ArrayList<>();
    for (Member m : members) {
      Optional<String> sick = notReady(m, members);
      boolean healthy = sick.isEmpty() && (check.isEmpty() || listed.contains(m.ordinal()));
      if (check.isEmpty() && sick.isEmpty()) {
        listed.add(m.ordinal());
      }
      String why =
          sick.orElse(
              check.isPresent() && !listed.contains(m.ordinal())
                  ? "not in the member list"
                  : "healthy");
      statuses.add(new ClusterView.MemberStatus(m.ordinal(), "member", healthy, why));
    }
    return new ClusterView(listed, Optional.empty(), consistent, statuses, detail);
  }

  @Override
  public boolean fills() {
    return !spec.at(HookPoint.REBALANCE).isEmpty() || !spec.at(HookPoint.REBALANCED).isEmpty();
  }

  @Override
  public void rebalance(Member joined, List<Member> current) {
    runPoint(HookPoint.REBALANCE, joined, current);
  }

  @Override
  public RebalanceProgress rebalanceProgress(Member joined, List<Member> current) {
    Optional<HookResult> last = pollPoint(HookPoint.REBALANCED, joined, current);
    if (last.isEmpty() || last.get().passed()) {
      return RebalanceProgress.complete(0, last.map(HookResult::summary).orElse("no check"));
    }
    return RebalanceProgress.moving(0, 1, last.get().summary());
  }

  @Override
  public void drain(Member leaving, List<Member> remaining) {
    runPoint(HookPoint.DRAIN, leaving, remaining);
  }

  @Override
  public DrainProgress drainProgress(Member leaving, List<Member> remaining) {
    Optional<HookResult> last = pollPoint(HookPoint.DRAINED, leaving, remaining);
    if (last.isEmpty()) {
      return DrainProgress.complete("no drain check configured");
    }
    return new DrainProgress(
        last.get().passed(), last.get().passed() ? 1.0 : 0.0, last.get().summary());
  }

  @Override
  public void cancelDrain(Member leaving, List<Member> remaining) {
    runPoint(HookPoint.CANCEL_DRAIN, leaving, remaining);
  }

  @Override
  public void leave(Member leaving, List<Member> remaining) {
    runPoint(HookPoint.LEAVE, leaving, remaining);
  }

  @Override
  public boolean forgetsAfterStop() {
    return !spec.at(HookPoint.FORGET).isEmpty();
  }

  @Override
  public void forget(Member gone, List<Member> remaining) {
    runPoint(HookPoint.FORGET, gone, remaining);
  }

  @Override
  public synchronized String takeActionReport() {
    String text = String.join("; ", report);
    report.clear();
    return text;
  }

  /** Runs every hook of an action point in order; values captured by one feed the next. */
  private void runPoint(HookPoint point, Member member, List<Member> others) {
    List<String> lines = new ArrayList<>();
    Map<String, String> values = values(member);
    try {
      for (Hook hook : spec.at(point)) {
        HookResult r = runner.run(hook, values, peers(member, others));
        values.putAll(r.captured());
        lines.add(r.summary());
      }
    } catch (MembershipException | IllegalArgumentException e) {
      setReport(List.of());
      throw new MembershipException(
          point.name() + " hook for member " + member.ordinal() + " failed: " + e.getMessage(), e);
    }
    setReport(lines);
  }

  /** Runs a polled point's hooks: every one but the last as actions, the last as the poll. */
  private Optional<HookResult> pollPoint(HookPoint point, Member member, List<Member> others) {
    List<Hook> hooks = spec.at(point);
    if (hooks.isEmpty()) {
      return Optional.empty();
    }
    List<String> lines = new ArrayList<>();
    Map<String, String> values = values(member);
    try {
      HookResult r = null;
      for (int i = 0; i < hooks.size(); i++) {
        boolean last = i == hooks.size() - 1;
        r =
            last
                ? runner.poll(hooks.get(i), values, peers(member, others))
                : runner.run(hooks.get(i), values, peers(member, others));
        values.putAll(r.captured());
        lines.add(r.summary());
      }
      setReport(lines);
      return Optional.of(r);
    } catch (MembershipException | IllegalArgumentException e) {
      setReport(List.of());
      throw new MembershipException(
          point.name() + " hook for member " + member.ordinal() + " failed: " + e.getMessage(), e);
    }
  }

  private synchronized void setReport(List<String> lines) {
    report.clear();
    report.addAll(lines);
  }

  private Map<String, String> values(Member member) {
    return new LinkedHashMap<>(Templates.memberValues(member, spec.memberId()));
  }

  private static List<Member> peers(Member member, List<Member> others) {
    return others.stream().filter(m -> m.ordinal() != member.ordinal()).toList();
  }

  private static List<String> ids(String json, String listPath) {
    Object found;
    try {
      found = JsonPath.using(HookCondition.JSON).parse(json).read(listPath);
    } catch (RuntimeException e) {
      throw new MembershipException("the member list is not JSON: " + HookRunner.tail(json));
    }
    if (!(found instanceof List<?> list)) {
      throw new MembershipException(
          listPath + " is not a list in the member list: " + HookRunner.tail(json));
    }
    return list.stream().map(String::valueOf).toList();
  }
}
