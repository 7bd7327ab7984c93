package dev.ballast.k8s.testkit.etcd;

import dev.ballast.core.port.Member;
import dev.ballast.k8s.testkit.HttpProbe;
import dev.ballast.k8s.testkit.KubeTools;
import dev.ballast.k8s.testkit.ManagedProcess;
import dev.ballast.k8s.testkit.PodContext;
import dev.ballast.k8s.testkit.PodProcess;
import dev.ballast.k8s.testkit.PodRunner;
import dev.ballast.k8s.testkit.PrivateHosts;
import dev.ballast.k8s.testkit.ProbedProcess;
import dev.ballast.members.etcd.EtcdServerConfig;
import io.fabric8.kubernetes.api.model.Pod;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * Runs an etcd pod as the etcd binary {@code scripts/install-test-tools} builds for the control
 * plane ({@link KubeTools}), as an etcd StatefulSet's start script would: named {@code
 * member-<ordinal>}, listening on the pod's address on the container ports named {@code client} and
 * {@code peer}, advertising its pod DNS name {@code <pod>.<service>.<namespace>.svc} (the
 * operator's default member address), its data in the pod's data volume.
 *
 * <p>It starts with: its own data when its volume has run before (etcd then ignores the initial
 * flags); otherwise the launch settings the operator wrote for its ordinal to ConfigMap {@code
 * <set>-ballast-launch} (the cluster it was added to as a learner, state {@code existing});
 * otherwise, when its ordinal is below the environment variable {@value #BOOTSTRAP_SIZE_ENV}
 * (default 1), the initial cluster of ordinals 0 to that size - 1. Any other pod waits (its start
 * is retried) until the operator has added it.
 *
 * <p>etcd is a Go binary: it resolves names through {@code /etc/hosts} only, so it runs under
 * {@link PrivateHosts}, which shows it the agent's hosts file there. Ready = {@code
 * /health?serializable=true} answers healthy (a leader is known and no alarm is raised; a learner
 * passes too, which Ballast's own checks then tell apart).
 */
public final class EtcdPodRunner implements PodRunner {

  /**
   * Size of the initial cluster, from the pod's environment (not {@code ETCD_*}: etcd reads those
   * as its own flags).
   */
  public static final String BOOTSTRAP_SIZE_ENV = "INITIAL_CLUSTER_SIZE";

  private final Path binary;
  private final Predicate<Pod> selects;

  /** Runs pods whose first container's image names etcd, with the test tools' etcd. */
  public EtcdPodRunner() {
    this(
        KubeTools.installed().binary("etcd"),
        pod -> pod.getSpec().getContainers().get(0).getImage().contains("etcd"));
  }

  public EtcdPodRunner(Path binary, Predicate<Pod> selects) {
    this.binary = binary;
    this.selects = selects;
  }

  @Override
  public boolean runs(Pod pod) {
    return selects.test(pod);
  }

  @Override
  public void requireUsable() {
    if (!Files.isExecutable(binary)) {
      throw new IllegalStateException(
          "no etcd executable at "
              + binary
              + "; run scripts/install-test-tools (it builds etcd with the control plane)");
    }
    PrivateHosts.requireSupported();
  }

  /** The member an etcd pod is, as the operator addresses it: its DNS name and named ports. */
  public static Member member(PodContext ctx, String podName, int ordinal) {
    return new Member(
        ordinal,
        ctx.dnsName(podName),
        Map.of(
            EtcdServerConfig.CLIENT_PORT,
            ctx.requiredPort(EtcdServerConfig.CLIENT_PORT),
            EtcdServerConfig.PEER_PORT,
            ctx.requiredPort(EtcdServerConfig.PEER_PORT)));
  }

  @Override
  public PodProcess start(PodContext ctx) throws Exception {
    requireUsable();
    Member self = member(ctx, ctx.name(), ctx.ordinal());
    // Absolute: etcd runs in the pod's work folder, not in the agent's.
    Path dataDir = ctx.dataDir().resolve("etcd").toAbsolutePath();
    Map<String, String> settings =
        EtcdServerConfig.hasRun(dataDir) ? Map.of() : startSettings(ctx, self);
    // Named hosts: every pod name of the agent resolves in the etcd process.
    PrivateHosts hosts = PrivateHosts.copyOf(ctx.hostsFile(), ctx.workDir().resolve("hosts"));
    List<String> argv =
        hosts.wrap(EtcdServerConfig.command(binary, self, ctx.ip(), dataDir, settings));
    ManagedProcess process =
        ManagedProcess.start(
            "etcd " + ctx.namespace() + "/" + ctx.name(),
            argv,
            ctx.env(),
            ctx.workDir(),
            ctx.workDir().resolve("etcd.log"));
    String health =
        "http://" + ctx.ip() + ":" + self.port(EtcdServerConfig.CLIENT_PORT) + "/health";
    return new ProbedProcess(
        process,
        () -> {
          // Pods added later get their names in the agent's file: show them to etcd as well.
          hosts.refresh();
          return HttpProbe.ok(health + "?serializable=true", "\"health\":\"true\"")
              ? Optional.empty()
              : Optional.of("etcd is not healthy (" + health + "?serializable=true)");
        });
  }

  private static Map<String, String> startSettings(PodContext ctx, Member self) {
    Map<String, String> fromOperator = ctx.launchSettings();
    if (fromOperator.containsKey(EtcdServerConfig.INITIAL_CLUSTER)) {
      return fromOperator;
    }
    int size = ctx.envInt(BOOTSTRAP_SIZE_ENV, 1);
    if (ctx.ordinal() >= size) {
      throw new IllegalStateException(
          "ordinal "
              + ctx.ordinal()
              + " is not in the initial cluster ("
              + BOOTSTRAP_SIZE_ENV
              + "="
              + size
              + ") and has no launch settings yet: waiting for the operator to add it");
    }
    List<Member> initial = new ArrayList<>();
    for (int i = 0; i < size; i++) {
      ctx.addressOf(ctx.siblingName(i)); // its DNS name in the hosts file from now on
      initial.add(i == ctx.ordinal() ? self : member(ctx, ctx.siblingName(i), i));
    }
    return EtcdServerConfig.bootstrap(initial);
  }
}
