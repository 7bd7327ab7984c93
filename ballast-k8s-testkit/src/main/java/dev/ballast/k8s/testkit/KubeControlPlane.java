package dev.ballast.k8s.testkit;

import io.fabric8.kubernetes.api.model.authentication.TokenRequest;
import io.fabric8.kubernetes.api.model.authentication.TokenRequestBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;
import org.awaitility.core.TerminalFailureException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real Kubernetes control plane for tests: etcd, kube-apiserver (RBAC authorization, a
 * service-account signing key, an admin identity in {@code system:masters}) and
 * kube-controller-manager with the controllers a test asks for, all on 127.0.0.1 free ports, their
 * files and logs under one work directory. No kubelet and no scheduler run: see {@link NodeAgent};
 * the API server trusts the certificate of the {@link TestKubelet} a node agent starts ({@link
 * #testKubelet}), so that {@code pods/exec} works. {@link #close} stops every process.
 */
public final class KubeControlPlane implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(KubeControlPlane.class);

  /**
   * The controllers of a control plane for StatefulSets: pods from StatefulSets, owner-reference
   * garbage collection, the {@code default} ServiceAccount of each namespace (without it pod
   * creation is refused), and the PVC protection finalizer's removal (without it no PVC can be
   * deleted).
   */
  public static final List<String> STATEFUL_CONTROLLERS =
      List.of(
          "statefulset-controller",
          "garbage-collector-controller",
          "serviceaccount-controller",
          "persistentvolumeclaim-protection-controller");

  /** The controller that runs HorizontalPodAutoscalers. */
  public static final String HPA_CONTROLLER = "horizontal-pod-autoscaler-controller";

  private static final Duration START_TIMEOUT = Duration.ofSeconds(60);

  private final KubeTools tools;
  private final Path workDir;
  private final List<String> controllers;
  private final Duration hpaSyncPeriod;
  private final String adminToken = UUID.randomUUID().toString();
  private final List<ManagedProcess> processes = new ArrayList<>();
  private ManagedProcess controllerManager;
  private int apiServerPort;
  private Path adminKubeconfig;
  private KubernetesClient admin;
  private TestKubelet testKubelet;

  private KubeControlPlane(Builder b) {
    this.tools = b.tools;
    this.workDir = b.workDir.toAbsolutePath();
    this.controllers = List.copyOf(b.controllers);
    this.hpaSyncPeriod = b.hpaSyncPeriod;
  }

  /** A builder with the StatefulSet controllers, the installed tools and a fresh temp directory. */
  public static Builder builder() {
    return new Builder();
  }

  /** Options of a control plane. */
  public static final class Builder {
    private KubeTools tools = KubeTools.installed();
    private Path workDir;
    private final List<String> controllers = new ArrayList<>(STATEFUL_CONTROLLERS);
    private Duration hpaSyncPeriod = Duration.ofSeconds(5);

    private Builder() {}

    public Builder tools(KubeTools tools) {
      this.tools = Objects.requireNonNull(tools);
      return this;
    }

    /** Where the processes keep their data, keys, kubeconfigs and logs. */
    public Builder workDir(Path workDir) {
      this.workDir = Objects.requireNonNull(workDir);
      return this;
    }

    /** Adds controllers (kube-controller-manager names, e.g. {@link #HPA_CONTROLLER}). */
    public Builder withControllers(String... names) {
      for (String n : names) {
        if (!controllers.contains(n)) {
          controllers.add(n);
        }
      }
      return this;
    }

    /** How often the HPA controller syncs (the real default is 15 s; tests use 5 s). */
    public Builder hpaSyncPeriod(Duration period) {
      this.hpaSyncPeriod = Objects.requireNonNull(period);
      return this;
    }

    /** Starts etcd, kube-apiserver and kube-controller-manager and waits until they serve. */
    public KubeControlPlane start() {
      tools.requireAll();
      if (workDir == null) {
        try {
          workDir = Files.createTempDirectory("ballast-k8s-");
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      }
      KubeControlPlane cp = new KubeControlPlane(this);
      try {
        cp.startAll();
      } catch (RuntimeException e) {
        cp.close();
        throw e;
      }
      return cp;
    }
  }

  private void startAll() {
    long t0 = System.nanoTime();
    try {
      Files.createDirectories(workDir);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    int etcdPort = startEtcd();
    startApiServer(etcdPort);
    startControllerManager();
    LOG.info(
        "control plane ready api=https://127.0.0.1:{} controllers={} startMillis={} dir={}",
        apiServerPort,
        controllers,
        (System.nanoTime() - t0) / 1_000_000,
        workDir);
  }

  private int startEtcd() {
    int client = FreePorts.next();
    int peer = FreePorts.next();
    String clientUrl = "http://127.0.0.1:" + client;
    String peerUrl = "http://127.0.0.1:" + peer;
    ManagedProcess etcd =
        ManagedProcess.start(
            "etcd",
            List.of(
                tools.binary("etcd").toString(),
                "--name=default",
                "--data-dir=" + workDir.resolve("etcd-data"),
                "--listen-client-urls=" + clientUrl,
                "--advertise-client-urls=" + clientUrl,
                "--listen-peer-urls=" + peerUrl,
                "--initial-advertise-peer-urls=" + peerUrl,
                "--initial-cluster=default=" + peerUrl,
                // Test data only: no fsync keeps the shared disk out of the API server's latency.
                "--unsafe-no-fsync=true",
                "--log-level=warn"),
            Map.of(),
            workDir,
            workDir.resolve("logs/etcd.log"));
    processes.add(etcd);
    waitFor(etcd, "etcd health", () -> HttpProbe.ok(clientUrl + "/health", "\"health\":\"true\""));
    return client;
  }

  private void startApiServer(int etcdPort) {
    apiServerPort = FreePorts.next();
    Path saKey = workDir.resolve("service-account.key");
    Path tokens = workDir.resolve("tokens.csv");
    Path certDir = workDir.resolve("apiserver-certs");
    writeServiceAccountKey(saKey);
    write(tokens, adminToken + ",admin,admin-uid,\"system:masters\"\n");
    testKubelet =
        TestKubelet.withNewCertificate(tools.binary("test-kubelet"), workDir.resolve("kubelet"));
    List<String> argv =
        new ArrayList<>(
            List.of(
                tools.binary("kube-apiserver").toString(),
                "--etcd-servers=http://127.0.0.1:" + etcdPort,
                "--bind-address=127.0.0.1",
                "--advertise-address=127.0.0.1",
                "--secure-port=" + apiServerPort,
                "--cert-dir=" + certDir,
                "--service-account-key-file=" + saKey,
                "--service-account-signing-key-file=" + saKey,
                "--service-account-issuer=https://kubernetes.default.svc",
                "--authorization-mode=RBAC",
                "--token-auth-file=" + tokens,
                "--service-cluster-ip-range=10.0.0.0/24",
                "--allow-privileged=true",
                "--profiling=false",
                "--v=1"));
    argv.addAll(testKubelet.apiServerFlags());
    ManagedProcess api =
        ManagedProcess.start(
            "kube-apiserver", argv, Map.of(), workDir, workDir.resolve("logs/kube-apiserver.log"));
    processes.add(api);
    Path ca = certDir.resolve("apiserver.crt");
    waitFor(api, "kube-apiserver serving certificate", () -> Files.exists(ca));
    adminKubeconfig = workDir.resolve("admin.kubeconfig");
    write(adminKubeconfig, kubeconfig("admin", adminToken));
    admin = client(adminKubeconfig);
    waitFor(api, "kube-apiserver /readyz", () -> "ok".equals(quietly(() -> admin.raw("/readyz"))));
    waitFor(
        api,
        "namespace default",
        () -> quietly(() -> admin.namespaces().withName("default").get()) != null);
  }

  private void startControllerManager() {
    controllerManager =
        ManagedProcess.start(
            "kube-controller-manager",
            List.of(
                tools.binary("kube-controller-manager").toString(),
                "--kubeconfig=" + adminKubeconfig,
                "--controllers=" + String.join(",", controllers),
                "--leader-elect=false",
                "--secure-port=0",
                "--use-service-account-credentials=true",
                "--horizontal-pod-autoscaler-sync-period=" + hpaSyncPeriod.toSeconds() + "s",
                "--v=1"),
            Map.of(),
            workDir,
            workDir.resolve("logs/kube-controller-manager.log"));
    processes.add(controllerManager);
    if (controllers.contains("serviceaccount-controller")) {
      waitFor(
          controllerManager,
          "ServiceAccount default/default (the serviceaccount controller runs)",
          () ->
              quietly(
                      () ->
                          admin.serviceAccounts().inNamespace("default").withName("default").get())
                  != null);
    }
  }

  /** A client acting as the cluster admin ({@code system:masters}); closed by {@link #close}. */
  public KubernetesClient adminClient() {
    return admin;
  }

  /**
   * The kubelet endpoint whose certificate this API server trusts; a {@link NodeAgent} built with
   * it starts it and registers its port, so that exec reaches that node's pods.
   */
  public TestKubelet testKubelet() {
    return testKubelet;
  }

  /** The admin kubeconfig file (for kubectl or a child process). */
  public Path adminKubeconfig() {
    return adminKubeconfig;
  }

  /** {@code https://127.0.0.1:PORT}. */
  public String apiServerUrl() {
    return "https://127.0.0.1:" + apiServerPort;
  }

  public Path workDir() {
    return workDir;
  }

  /**
   * A kubeconfig that authenticates as ServiceAccount {@code namespace/name} with a token from the
   * TokenRequest API, so that the API server enforces that account's RBAC.
   */
  public Path serviceAccountKubeconfig(String namespace, String name, Duration validity) {
    TokenRequest request =
        new TokenRequestBuilder()
            .withNewSpec()
            .withExpirationSeconds(validity.toSeconds())
            .endSpec()
            .build();
    TokenRequest issued =
        admin.serviceAccounts().inNamespace(namespace).withName(name).tokenRequest(request);
    Path file = workDir.resolve("sa-" + namespace + "-" + name + ".kubeconfig");
    write(
        file,
        kubeconfig(
            "system:serviceaccount:" + namespace + ":" + name, issued.getStatus().getToken()));
    return file;
  }

  /** A client for a kubeconfig file; the caller closes it. */
  public static KubernetesClient client(Path kubeconfig) {
    try {
      Config config = Config.fromKubeconfig(Files.readString(kubeconfig));
      return new KubernetesClientBuilder().withConfig(config).build();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + kubeconfig, e);
    }
  }

  /** The outcome of a kubectl run. */
  public record KubectlResult(int exitCode, String output) {
    public boolean ok() {
      return exitCode == 0;
    }
  }

  /** Runs the built kubectl as the admin with {@code args}; waits at most 60 s. */
  public KubectlResult kubectl(String... args) {
    return kubectl(adminKubeconfig, args);
  }

  /** Runs the built kubectl with {@code kubeconfig} and {@code args}; waits at most 60 s. */
  public KubectlResult kubectl(Path kubeconfig, String... args) {
    List<String> argv = new ArrayList<>();
    argv.add(tools.binary("kubectl").toString());
    argv.add("--kubeconfig=" + kubeconfig);
    argv.addAll(List.of(args));
    try {
      Process p = new ProcessBuilder(argv).redirectErrorStream(true).start();
      p.getOutputStream().close();
      byte[] out = p.getInputStream().readAllBytes();
      if (!p.waitFor(60, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new IllegalStateException("kubectl " + String.join(" ", args) + " took over 60 s");
      }
      return new KubectlResult(p.exitValue(), new String(out, StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot run kubectl", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while kubectl ran", e);
    }
  }

  /** Kills and restarts kube-controller-manager (its controllers start again from the API). */
  public void restartControllerManager() {
    controllerManager.kill();
    processes.remove(controllerManager);
    startControllerManager();
  }

  @Override
  public void close() {
    if (admin != null) {
      admin.close();
    }
    for (int i = processes.size() - 1; i >= 0; i--) {
      processes.get(i).stop(Duration.ofSeconds(5));
    }
    processes.clear();
    LOG.info("control plane stopped dir={}", workDir);
  }

  private String kubeconfig(String user, String token) {
    return """
        apiVersion: v1
        kind: Config
        clusters:
        - name: test
          cluster:
            server: %s
            certificate-authority: %s
        users:
        - name: %s
          user:
            token: %s
        contexts:
        - name: test
          context:
            cluster: test
            user: %s
            namespace: default
        current-context: test
        """
        .formatted(
            apiServerUrl(),
            workDir.resolve("apiserver-certs/apiserver.crt"),
            quote(user),
            token,
            quote(user));
  }

  private static String quote(String s) {
    return "\"" + s.replace("\"", "\\\"") + "\"";
  }

  private static void writeServiceAccountKey(Path file) {
    try {
      KeyPairGenerator gen = KeyPairGenerator.getInstance("RSA");
      gen.initialize(2048);
      KeyPair pair = gen.generateKeyPair();
      String pem =
          "-----BEGIN PRIVATE KEY-----\n"
              + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                  .encodeToString(pair.getPrivate().getEncoded())
              + "\n-----END PRIVATE KEY-----\n";
      write(file, pem);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("this JVM cannot make RSA keys", e);
    }
  }

  private static void write(Path file, String text) {
    try {
      Files.createDirectories(file.getParent());
      Files.writeString(file, text, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + file, e);
    }
  }

  private static <T> T quietly(java.util.function.Supplier<T> call) {
    try {
      return call.get();
    } catch (RuntimeException e) {
      return null;
    }
  }

  /** Polls until {@code done}; fails with the process's log tail when it exits or time runs out. */
  private static void waitFor(ManagedProcess p, String what, BooleanSupplier done) {
    try {
      Awaitility.await(what)
          .atMost(START_TIMEOUT)
          .pollInterval(Duration.ofMillis(100))
          .failFast(p.name() + " exited", () -> !p.isAlive())
          .until(done::getAsBoolean);
    } catch (ConditionTimeoutException | TerminalFailureException e) {
      throw new IllegalStateException(
          "no "
              + what
              + " within "
              + START_TIMEOUT
              + (p.isAlive() ? "" : " (" + p.name() + " exited " + p.exitCode().orElse(-1) + ")")
              + "; log "
              + p.log()
              + ":\n"
              + p.logTail(30),
          e);
    }
  }
}
