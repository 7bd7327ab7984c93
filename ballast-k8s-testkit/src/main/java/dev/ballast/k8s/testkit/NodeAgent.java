package dev.ballast.k8s.testkit;

import io.fabric8.kubernetes.api.model.Binding;
import io.fabric8.kubernetes.api.model.BindingBuilder;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.EnvVarSource;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The test-side node: what a kubelet and a scheduler would do for the pods of the namespaces it
 * watches, with real local processes. It registers a Node with the allocatable resources given,
 * binds each Pending pod that fits to it ({@code pods/binding}; a pod that does not fit stays
 * Pending with {@code PodScheduled=False, reason Unschedulable}, as the scheduler says), gives each
 * pod its own loopback address, starts its member through the first {@link PodRunner} that runs it,
 * reports phase, {@code podIP} and the Ready condition from the real process ({@code pods/status}),
 * restarts a member that exits (with back-off and {@code restartCount}), and on deletion stops the
 * process within the pod's grace period and then removes the pod. A pod's data volume is a folder
 * per PVC (by UID), so a member re-created with the same claim finds its data, and a deleted PVC
 * takes its folder with it. Built with a {@link TestKubelet} ({@link Builder#kubelet}), the agent
 * starts it, registers its port as the Node's kubelet endpoint and keeps the context (environment,
 * working folder) of each running member's container there, so that {@code pods/exec} runs a
 * command in that context, whatever the {@link PodRunner}.
 */
public final class NodeAgent implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(NodeAgent.class);
  private static final Duration PROBE_PERIOD = Duration.ofMillis(300);
  private static final Pattern VAR_REF = Pattern.compile("\\$\\(([A-Za-z_][A-Za-z0-9_]*)\\)");

  private final KubernetesClient client;
  private final String nodeName;
  private final Map<String, String> allocatable;
  private volatile List<PodRunner> runners;
  private final Predicate<String> namespaces;
  private final LoopbackAddresses addresses;
  private final Path workDir;
  private final Path hostsFile;
  private final TestKubelet kubelet;
  private TestKubelet.Endpoint kubeletEndpoint;
  private final Map<String, PodWorker> workers = new ConcurrentHashMap<>();
  private final Set<String> unschedulableReported = ConcurrentHashMap.newKeySet();
  private final ScheduledExecutorService loop =
      Executors.newSingleThreadScheduledExecutor(daemon("node-agent"));
  private SharedIndexInformer<Pod> pods;
  private SharedIndexInformer<PersistentVolumeClaim> claims;
  private volatile boolean closed;

  private NodeAgent(Builder b) {
    this.client = b.client;
    this.nodeName = b.nodeName;
    this.allocatable = Map.copyOf(b.allocatable);
    this.runners = List.copyOf(b.runners);
    this.namespaces = b.namespaces;
    this.addresses = b.addresses;
    this.workDir = b.workDir.toAbsolutePath();
    this.hostsFile = workDir.resolve("hosts");
    this.kubelet = b.kubelet;
  }

  /**
   * A builder for an agent acting through {@code client} (an admin), files under {@code workDir}.
   */
  public static Builder builder(KubernetesClient client, Path workDir) {
    return new Builder(client, workDir);
  }

  /** Options of a node agent. */
  public static final class Builder {
    private final KubernetesClient client;
    private final Path workDir;
    private String nodeName = "ballast-test-node";
    private final Map<String, String> allocatable =
        new LinkedHashMap<>(Map.of("cpu", "16", "memory", "64Gi", "pods", "110"));
    private final List<PodRunner> runners = new ArrayList<>();
    private Predicate<String> namespaces = ns -> !ns.startsWith("kube-");
    private LoopbackAddresses addresses = new LoopbackAddresses();
    private TestKubelet kubelet;

    private Builder(KubernetesClient client, Path workDir) {
      this.client = Objects.requireNonNull(client);
      this.workDir = Objects.requireNonNull(workDir);
    }

    public Builder nodeName(String name) {
      this.nodeName = name;
      return this;
    }

    /** The Node's allocatable {@code resource} (cpu, memory, pods), as a quantity. */
    public Builder allocatable(String resource, String quantity) {
      allocatable.put(resource, quantity);
      return this;
    }

    /** Adds a runner; the first one that runs a pod starts it. */
    public Builder runner(PodRunner runner) {
      runners.add(Objects.requireNonNull(runner));
      return this;
    }

    /** Which namespaces' pods this node takes (default: all but {@code kube-*}). */
    public Builder namespaces(Predicate<String> accepted) {
      this.namespaces = Objects.requireNonNull(accepted);
      return this;
    }

    public Builder addresses(LoopbackAddresses addresses) {
      this.addresses = Objects.requireNonNull(addresses);
      return this;
    }

    /**
     * Serves {@code pods/exec} for this node's pods through {@code kubelet} (the one the control
     * plane trusts: {@link KubeControlPlane#testKubelet}); without it exec into them fails.
     */
    public Builder kubelet(TestKubelet kubelet) {
      this.kubelet = Objects.requireNonNull(kubelet);
      return this;
    }

    /** Registers the Node and starts watching pods. */
    public NodeAgent start() {
      runners.forEach(PodRunner::requireUsable);
      NodeAgent agent = new NodeAgent(this);
      agent.startAll();
      return agent;
    }
  }

  private void startAll() {
    try {
      Files.createDirectories(workDir);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    writeHosts();
    if (kubelet != null) {
      kubeletEndpoint =
          kubelet.start(workDir.resolve("kubelet-contexts"), workDir.resolve("test-kubelet.log"));
    }
    registerNode();
    pods = client.pods().inAnyNamespace().inform();
    claims = client.persistentVolumeClaims().inAnyNamespace().inform();
    loop.scheduleWithFixedDelay(this::syncQuietly, 0, 200, TimeUnit.MILLISECONDS);
    LOG.info("node agent started node={} allocatable={} dir={}", nodeName, allocatable, workDir);
  }

  /**
   * From now on starts pods through {@code others} instead of the runners it had (a test class
   * sharing this agent with the classes before it brings its own); pods that none of them runs are
   * no longer scheduled here.
   */
  public void useRunners(List<PodRunner> others) {
    others.forEach(PodRunner::requireUsable);
    this.runners = List.copyOf(others);
  }

  public String nodeName() {
    return nodeName;
  }

  /**
   * The hosts file of pod names and DNS names (member JVMs get it as {@code jdk.net.hosts.file}).
   */
  public Path hostsFile() {
    return hostsFile;
  }

  /** The address the agent gave (or will give) pod {@code namespace/name}. */
  public String addressOf(String namespace, String name) {
    String ip = addresses.addressOf(namespace, name);
    writeHosts();
    return ip;
  }

  /** The running process of pod {@code namespace/name}, if the agent runs one now. */
  public Optional<PodProcess> process(String namespace, String name) {
    return workers.values().stream()
        .filter(w -> w.namespace.equals(namespace) && w.name.equals(name))
        .map(w -> w.process)
        .filter(Objects::nonNull)
        .findFirst();
  }

  /**
   * Kills the member of pod {@code namespace/name} at once, as a crash would; the agent restarts
   * it.
   */
  public void crash(String namespace, String name) {
    process(namespace, name)
        .orElseThrow(() -> new IllegalStateException("no running member for " + name))
        .kill();
  }

  private void registerNode() {
    Map<String, Quantity> resources = new LinkedHashMap<>();
    allocatable.forEach((k, v) -> resources.put(k, new Quantity(v)));
    client
        .nodes()
        .resource(
            new NodeBuilder()
                .withNewMetadata()
                .withName(nodeName)
                .addToLabels("kubernetes.io/hostname", nodeName)
                .addToLabels("kubernetes.io/os", "linux")
                .endMetadata()
                .build())
        .serverSideApply();
    Map<String, Object> nodeStatus = new LinkedHashMap<>();
    nodeStatus.put("capacity", allocatable);
    nodeStatus.put("allocatable", allocatable);
    nodeStatus.put(
        "addresses",
        List.of(
            Map.of("type", "InternalIP", "address", "127.0.0.1"),
            Map.of("type", "Hostname", "address", nodeName)));
    if (kubeletEndpoint != null) {
      // Where the API server sends pods/exec: InternalIP and this port.
      nodeStatus.put(
          "daemonEndpoints", Map.of("kubeletEndpoint", Map.of("Port", kubeletEndpoint.port())));
    }
    nodeStatus.put(
        "conditions",
        List.of(
            Map.of(
                "type", "Ready",
                "status", "True",
                "reason", "KubeletReady",
                "message", "ballast test node agent is running",
                "lastHeartbeatTime", Instant.now().toString(),
                "lastTransitionTime", Instant.now().toString())));
    Map<String, Object> status = Map.of("status", nodeStatus);
    client
        .nodes()
        .withName(nodeName)
        .subresource("status")
        .patch(PatchContext.of(PatchType.JSON_MERGE), Serialization.asJson(status));
  }

  private void syncQuietly() {
    try {
      sync();
    } catch (RuntimeException e) {
      LOG.warn("node agent sync failed: {}", e.toString());
    }
  }

  private void sync() {
    if (closed) {
      return;
    }
    List<Pod> all = pods.getStore().list();
    Set<String> present = new HashSet<>();
    all.stream()
        .sorted(Comparator.comparing(p -> p.getMetadata().getCreationTimestamp()))
        .forEach(
            pod -> {
              present.add(pod.getMetadata().getUid());
              if (!namespaces.test(pod.getMetadata().getNamespace())) {
                return;
              }
              String bound = pod.getSpec().getNodeName();
              if (bound == null && pod.getMetadata().getDeletionTimestamp() == null) {
                trySchedule(pod, all);
              } else if (nodeName.equals(bound)
                  && !workers.containsKey(pod.getMetadata().getUid())
                  && !terminal(pod)) {
                PodWorker w = new PodWorker(pod);
                workers.put(pod.getMetadata().getUid(), w);
                w.thread.start();
              }
            });
    workers.forEach(
        (uid, w) -> {
          if (!present.contains(uid)) {
            w.gone = true;
          }
        });
    collectVolumes();
  }

  private static boolean terminal(Pod pod) {
    String phase = pod.getStatus() == null ? null : pod.getStatus().getPhase();
    return "Succeeded".equals(phase) || "Failed".equals(phase);
  }

  private void trySchedule(Pod pod, List<Pod> all) {
    String scheduler = pod.getSpec().getSchedulerName();
    if (scheduler != null && !scheduler.equals("default-scheduler")) {
      return;
    }
    String key = pod.getMetadata().getUid();
    if (runners.stream().noneMatch(r -> r.runs(pod))) {
      if (unschedulableReported.add(key)) {
        LOG.info(
            "pod={}/{} left Pending: no runner for image {}",
            pod.getMetadata().getNamespace(),
            pod.getMetadata().getName(),
            pod.getSpec().getContainers().get(0).getImage());
      }
      return;
    }
    Optional<String> shortOf = shortOf(pod, all);
    if (shortOf.isPresent()) {
      if (unschedulableReported.add(key)) {
        String message = "0/1 nodes are available: 1 Insufficient " + shortOf.get() + ".";
        LOG.info(
            "pod={}/{} unschedulable: {}",
            pod.getMetadata().getNamespace(),
            pod.getMetadata().getName(),
            message);
        patchStatus(
            pod,
            Map.of(
                "phase",
                "Pending",
                "conditions",
                List.of(
                    condition("PodScheduled", false, "Unschedulable", message, Instant.now()))));
      }
      return;
    }
    Binding binding =
        new BindingBuilder()
            .withNewMetadata()
            .withName(pod.getMetadata().getName())
            .withNamespace(pod.getMetadata().getNamespace())
            .withUid(pod.getMetadata().getUid())
            .endMetadata()
            .withNewTarget()
            .withApiVersion("v1")
            .withKind("Node")
            .withName(nodeName)
            .endTarget()
            .build();
    try {
      client.bindings().inNamespace(pod.getMetadata().getNamespace()).resource(binding).create();
      unschedulableReported.remove(key);
      LOG.info(
          "pod={}/{} bound node={}",
          pod.getMetadata().getNamespace(),
          pod.getMetadata().getName(),
          nodeName);
    } catch (KubernetesClientException e) {
      LOG.debug("binding {} failed: {}", pod.getMetadata().getName(), e.getMessage());
    }
  }

  /** The resource the node lacks for {@code pod}, given the pods already bound to it. */
  private Optional<String> shortOf(Pod pod, List<Pod> all) {
    List<Pod> onNode =
        all.stream()
            .filter(p -> nodeName.equals(p.getSpec().getNodeName()) && !terminal(p))
            .toList();
    if (allocatable.containsKey("pods")
        && onNode.size() + 1 > Integer.parseInt(allocatable.get("pods"))) {
      return Optional.of("pods");
    }
    for (String resource : List.of("cpu", "memory")) {
      if (!allocatable.containsKey(resource)) {
        continue;
      }
      double capacity =
          Quantity.getAmountInBytes(new Quantity(allocatable.get(resource))).doubleValue();
      double used =
          Stream.concat(onNode.stream(), Stream.of(pod))
              .mapToDouble(p -> requested(p, resource))
              .sum();
      if (used > capacity) {
        return Optional.of(resource);
      }
    }
    return Optional.empty();
  }

  private static double requested(Pod pod, String resource) {
    return pod.getSpec().getContainers().stream()
        .map(c -> c.getResources() == null ? null : c.getResources().getRequests())
        .filter(Objects::nonNull)
        .map(r -> r.get(resource))
        .filter(Objects::nonNull)
        .mapToDouble(q -> Quantity.getAmountInBytes(q).doubleValue())
        .sum();
  }

  private void patchStatus(Pod pod, Map<String, Object> status) {
    Map<String, Object> patch =
        Map.of("metadata", Map.of("uid", pod.getMetadata().getUid()), "status", status);
    client
        .pods()
        .inNamespace(pod.getMetadata().getNamespace())
        .withName(pod.getMetadata().getName())
        .subresource("status")
        .patch(PatchContext.of(PatchType.JSON_MERGE), Serialization.asJson(patch));
  }

  private static Map<String, Object> condition(
      String type, boolean status, String reason, String message, Instant since) {
    Map<String, Object> c = new LinkedHashMap<>();
    c.put("type", type);
    c.put("status", status ? "True" : "False");
    if (reason != null) {
      c.put("reason", reason);
    }
    if (message != null) {
      c.put("message", message);
    }
    c.put("lastTransitionTime", since.toString());
    return c;
  }

  /** Deletes data folders whose PVC no longer exists (a re-created claim has a new UID). */
  private void collectVolumes() {
    Path root = workDir.resolve("volumes");
    if (!Files.isDirectory(root)) {
      return;
    }
    Set<String> live = new HashSet<>();
    claims
        .getStore()
        .list()
        .forEach(
            c ->
                live.add(
                    c.getMetadata().getNamespace()
                        + "/"
                        + c.getMetadata().getName()
                        + "-"
                        + c.getMetadata().getUid()));
    try (Stream<Path> nsDirs = Files.list(root)) {
      for (Path ns : nsDirs.toList()) {
        try (Stream<Path> dirs = Files.list(ns)) {
          for (Path d : dirs.toList()) {
            String key = ns.getFileName() + "/" + d.getFileName();
            if (!live.contains(key) && !inUse(d)) {
              LOG.info("pvc={} deleted: removing its data folder", key);
              deleteTree(d);
            }
          }
        }
      }
    } catch (IOException e) {
      LOG.warn("cannot collect volume folders: {}", e.toString());
    }
  }

  private boolean inUse(Path dir) {
    return workers.values().stream().anyMatch(w -> dir.equals(w.dataDir) && w.process != null);
  }

  private Path dataDirOf(Pod pod) {
    String ns = pod.getMetadata().getNamespace();
    for (Volume v : Optional.ofNullable(pod.getSpec().getVolumes()).orElse(List.of())) {
      if (v.getPersistentVolumeClaim() != null) {
        String claim = v.getPersistentVolumeClaim().getClaimName();
        PersistentVolumeClaim pvc = claims.getStore().getByKey(ns + "/" + claim);
        if (pvc == null) {
          pvc = client.persistentVolumeClaims().inNamespace(ns).withName(claim).get();
        }
        if (pvc == null || pvc.getMetadata().getDeletionTimestamp() != null) {
          throw new IllegalStateException("persistentvolumeclaim \"" + claim + "\" not found");
        }
        return workDir
            .resolve("volumes")
            .resolve(ns)
            .resolve(claim + "-" + pvc.getMetadata().getUid());
      }
    }
    return workDir.resolve("pods").resolve(pod.getMetadata().getUid()).resolve("data");
  }

  /** The container's environment with field, ConfigMap and Secret references resolved. */
  private Map<String, String> envOf(Pod pod, String ip) {
    Map<String, String> env = new LinkedHashMap<>();
    List<EnvVar> vars =
        Optional.ofNullable(pod.getSpec().getContainers().get(0).getEnv()).orElse(List.of());
    for (EnvVar v : vars) {
      String value =
          v.getValueFrom() != null ? resolve(pod, ip, v.getValueFrom()) : expand(v.getValue(), env);
      if (value != null) {
        env.put(v.getName(), value);
      }
    }
    env.put(
        "HOSTNAME",
        Optional.ofNullable(pod.getSpec().getHostname()).orElse(pod.getMetadata().getName()));
    return env;
  }

  private static String expand(String value, Map<String, String> env) {
    if (value == null) {
      return "";
    }
    Matcher m = VAR_REF.matcher(value);
    StringBuilder out = new StringBuilder();
    while (m.find()) {
      m.appendReplacement(out, Matcher.quoteReplacement(env.getOrDefault(m.group(1), m.group())));
    }
    m.appendTail(out);
    return out.toString();
  }

  private String resolve(Pod pod, String ip, EnvVarSource from) {
    String ns = pod.getMetadata().getNamespace();
    if (from.getFieldRef() != null) {
      String path = from.getFieldRef().getFieldPath();
      return switch (path) {
        case "metadata.name" -> pod.getMetadata().getName();
        case "metadata.namespace" -> ns;
        case "metadata.uid" -> pod.getMetadata().getUid();
        case "spec.nodeName" -> nodeName;
        case "spec.serviceAccountName" -> pod.getSpec().getServiceAccountName();
        case "status.podIP", "status.podIPs" -> ip;
        case "status.hostIP", "status.hostIPs" -> "127.0.0.1";
        default -> {
          Matcher m = Pattern.compile("metadata\\.(labels|annotations)\\['(.+)']").matcher(path);
          if (!m.matches()) {
            throw new IllegalArgumentException("unsupported fieldRef " + path);
          }
          Map<String, String> map =
              m.group(1).equals("labels")
                  ? pod.getMetadata().getLabels()
                  : pod.getMetadata().getAnnotations();
          yield map == null ? "" : map.getOrDefault(m.group(2), "");
        }
      };
    }
    if (from.getConfigMapKeyRef() != null) {
      ConfigMap cm =
          client.configMaps().inNamespace(ns).withName(from.getConfigMapKeyRef().getName()).get();
      String v =
          cm == null || cm.getData() == null
              ? null
              : cm.getData().get(from.getConfigMapKeyRef().getKey());
      if (v == null && !Boolean.TRUE.equals(from.getConfigMapKeyRef().getOptional())) {
        throw new IllegalStateException(
            "configmap \""
                + from.getConfigMapKeyRef().getName()
                + "\" key \""
                + from.getConfigMapKeyRef().getKey()
                + "\" not found");
      }
      return v;
    }
    if (from.getSecretKeyRef() != null) {
      Secret s = client.secrets().inNamespace(ns).withName(from.getSecretKeyRef().getName()).get();
      String v =
          s == null || s.getData() == null
              ? null
              : s.getData().get(from.getSecretKeyRef().getKey());
      if (v == null && !Boolean.TRUE.equals(from.getSecretKeyRef().getOptional())) {
        throw new IllegalStateException(
            "secret \""
                + from.getSecretKeyRef().getName()
                + "\" key \""
                + from.getSecretKeyRef().getKey()
                + "\" not found");
      }
      return v == null ? null : new String(Base64.getDecoder().decode(v), StandardCharsets.UTF_8);
    }
    throw new IllegalArgumentException("unsupported env source " + from);
  }

  /**
   * Rewrites the hosts file: every reserved pod address with the pod's name and, when its subdomain
   * is known, its DNS names; plus this machine's host name and {@code localhost}.
   */
  private synchronized void writeHosts() {
    StringBuilder text = new StringBuilder("127.0.0.1 localhost");
    try {
      text.append(' ').append(InetAddress.getLocalHost().getHostName());
    } catch (IOException e) {
      // No resolvable host name: the member JVMs then do not need one either.
    }
    text.append('\n');
    Map<String, String> subdomains = new LinkedHashMap<>();
    if (pods != null) {
      pods.getStore()
          .list()
          .forEach(
              p -> {
                if (p.getSpec().getSubdomain() != null) {
                  String name = p.getMetadata().getName();
                  String set = name.substring(0, Math.max(0, name.lastIndexOf('-')));
                  subdomains.put(
                      p.getMetadata().getNamespace() + "/" + set, p.getSpec().getSubdomain());
                }
              });
    }
    addresses
        .reserved()
        .forEach(
            (key, ip) -> {
              String ns = key.substring(0, key.indexOf('/'));
              String name = key.substring(key.indexOf('/') + 1);
              String set = name.substring(0, Math.max(0, name.lastIndexOf('-')));
              text.append(ip).append(' ').append(name);
              String sub = subdomains.get(ns + "/" + set);
              if (sub != null) {
                String base = name + "." + sub + "." + ns;
                text.append(' ').append(base).append(".svc.cluster.local");
                text.append(' ').append(base).append(".svc");
                text.append(' ').append(base);
                text.append(' ').append(name).append('.').append(sub);
              }
              text.append('\n');
            });
    try {
      Path tmp = hostsFile.resolveSibling("hosts.tmp");
      Files.writeString(tmp, text.toString(), StandardCharsets.UTF_8);
      Files.move(
          tmp, hostsFile, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + hostsFile, e);
    }
  }

  @Override
  public void close() {
    closed = true;
    loop.shutdownNow();
    workers.values().forEach(w -> w.stopNow = true);
    workers.values().forEach(PodWorker::join);
    if (kubeletEndpoint != null) {
      kubeletEndpoint.close();
    }
    if (pods != null) {
      pods.close();
    }
    if (claims != null) {
      claims.close();
    }
    LOG.info("node agent stopped node={}", nodeName);
  }

  private static java.util.concurrent.ThreadFactory daemon(String name) {
    return r -> {
      Thread t = new Thread(r, name);
      t.setDaemon(true);
      return t;
    };
  }

  private static void deleteTree(Path dir) {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> walk = Files.walk(dir)) {
      walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      LOG.warn("cannot delete {}: {}", dir, e.toString());
    }
  }

  /** The kubelet's work for one pod: start, probe, report, restart, stop. */
  private final class PodWorker {
    final String uid;
    final String namespace;
    final String name;
    final String container;
    final Thread thread;
    final Instant started = Instant.now();
    volatile PodProcess process;
    volatile boolean gone;
    volatile boolean stopNow;
    Path dataDir;
    String ip;
    int restarts;
    Instant nextStart = Instant.EPOCH;
    Duration backoff = Duration.ofSeconds(1);
    Instant readySince = Instant.now();
    Boolean lastReady;
    String lastWaiting;
    String lastReported;

    PodWorker(Pod pod) {
      this.uid = pod.getMetadata().getUid();
      this.namespace = pod.getMetadata().getNamespace();
      this.name = pod.getMetadata().getName();
      this.container = pod.getSpec().getContainers().get(0).getName();
      this.thread = new Thread(this::run, "pod-" + name);
      this.thread.setDaemon(true);
    }

    private Pod current() {
      Pod p = pods.getStore().getByKey(namespace + "/" + name);
      return p != null && uid.equals(p.getMetadata().getUid()) ? p : null;
    }

    void run() {
      try {
        ip = addressOf(namespace, name);
        while (!stopNow) {
          Pod pod = current();
          if (pod == null && gone) {
            stopProcess(Duration.ofSeconds(5));
            break;
          }
          if (pod == null) {
            pause();
            continue;
          }
          if (pod.getMetadata().getDeletionTimestamp() != null) {
            terminate(pod);
            break;
          }
          step(pod);
          pause();
        }
      } catch (RuntimeException e) {
        LOG.warn("pod={}/{} worker failed: {}", namespace, name, e.toString(), e);
      } finally {
        if (stopNow) {
          stopProcess(Duration.ofSeconds(5));
        }
        workers.remove(uid);
        // The pod's scratch data goes with it; its log stays for the test report.
        deleteTree(workDir.resolve("pods").resolve(uid).resolve("data"));
      }
    }

    private void step(Pod pod) {
      PodRunner runner = runners.stream().filter(r -> r.runs(pod)).findFirst().orElse(null);
      if (process != null && !process.isAlive()) {
        restarts++;
        LOG.info(
            "pod={}/{} member exited; restart #{} after {}", namespace, name, restarts, backoff);
        process = null;
        forgetContext();
        nextStart = Instant.now().plus(backoff);
        backoff =
            backoff.multipliedBy(2).compareTo(Duration.ofSeconds(10)) > 0
                ? Duration.ofSeconds(10)
                : backoff.multipliedBy(2);
        lastWaiting = "CrashLoopBackOff";
      }
      if (process == null && runner != null && !Instant.now().isBefore(nextStart)) {
        try {
          dataDir = dataDirOf(pod);
          Files.createDirectories(dataDir);
          PodContext ctx =
              new PodContext(
                  pod,
                  ip,
                  envOf(pod, ip),
                  dataDir,
                  workDir.resolve("pods").resolve(uid),
                  hostsFile,
                  () -> siblings(pod),
                  other -> addressOf(namespace, other),
                  cm ->
                      Optional.ofNullable(
                              client.configMaps().inNamespace(namespace).withName(cm).get())
                          .map(c -> c.getData() == null ? Map.<String, String>of() : c.getData()));
          process = runner.start(ctx);
          publishContext(ctx);
          lastWaiting = null;
          LOG.info(
              "pod={}/{} member started ip={} pid={} data={}",
              namespace,
              name,
              ip,
              process.pid(),
              dataDir);
        } catch (Exception e) {
          lastWaiting = "CreateContainerError: " + e.getMessage();
          nextStart = Instant.now().plus(backoff);
          LOG.info("pod={}/{} cannot start yet: {}", namespace, name, e.getMessage());
        }
      }
      boolean ready = false;
      String why = lastWaiting;
      if (process != null) {
        Optional<String> notReady = process.notReady();
        ready = notReady.isEmpty();
        why = notReady.orElse(null);
        if (ready) {
          backoff = Duration.ofSeconds(1);
        }
      }
      if (lastReady == null || ready != lastReady) {
        readySince = Instant.now();
        lastReady = ready;
      }
      report(pod, ready, why);
    }

    private void report(Pod pod, boolean ready, String why) {
      Map<String, Object> state =
          process != null
              ? Map.of("running", Map.of("startedAt", started.toString()))
              : Map.of(
                  "waiting",
                  Map.of(
                      "reason",
                      why == null ? "ContainerCreating" : why.split(":")[0],
                      "message",
                      why == null ? "" : why));
      Map<String, Object> container = new LinkedHashMap<>();
      container.put("name", pod.getSpec().getContainers().get(0).getName());
      container.put("image", pod.getSpec().getContainers().get(0).getImage());
      container.put("imageID", "");
      container.put("ready", ready);
      container.put("started", process != null);
      container.put("restartCount", restarts);
      container.put("state", state);
      if (process != null) {
        container.put("containerID", "ballast://" + process.pid());
      }
      Map<String, Object> status = new LinkedHashMap<>();
      status.put("phase", "Running");
      status.put("hostIP", "127.0.0.1");
      status.put("hostIPs", List.of(Map.of("ip", "127.0.0.1")));
      status.put("podIP", ip);
      status.put("podIPs", List.of(Map.of("ip", ip)));
      status.put("startTime", started.toString());
      status.put(
          "conditions",
          List.of(
              condition("PodScheduled", true, null, null, started),
              condition("Initialized", true, null, null, started),
              condition(
                  "ContainersReady", ready, ready ? null : "ContainersNotReady", null, readySince),
              condition(
                  "Ready",
                  ready,
                  ready ? null : "ContainersNotReady",
                  ready ? null : why,
                  readySince)));
      status.put("containerStatuses", List.of(container));
      String text = Serialization.asJson(status);
      if (text.equals(lastReported)) {
        return;
      }
      try {
        patchStatus(pod, status);
        lastReported = text;
        if (!Objects.equals(lastReady, Boolean.valueOf(ready)) || ready) {
          LOG.debug("pod={}/{} status ready={} why={}", namespace, name, ready, why);
        }
      } catch (KubernetesClientException e) {
        LOG.debug("pod={}/{} status patch failed: {}", namespace, name, e.getMessage());
      }
    }

    private List<PodContext.PeerPod> siblings(Pod pod) {
      String owner = ownerUid(pod);
      return pods.getStore().list().stream()
          .filter(p -> p.getMetadata().getNamespace().equals(namespace))
          .filter(p -> !p.getMetadata().getUid().equals(uid))
          .filter(p -> owner != null && owner.equals(ownerUid(p)))
          .filter(p -> p.getMetadata().getDeletionTimestamp() == null)
          .filter(
              p ->
                  workers.containsKey(p.getMetadata().getUid())
                      && workers.get(p.getMetadata().getUid()).process != null)
          .map(
              p ->
                  new PodContext.PeerPod(
                      p, addresses.addressOf(namespace, p.getMetadata().getName())))
          .toList();
    }

    private void terminate(Pod pod) {
      long grace =
          Optional.ofNullable(pod.getMetadata().getDeletionGracePeriodSeconds()).orElse(30L);
      LOG.info("pod={}/{} deleted: stopping its member (grace {}s)", namespace, name, grace);
      stopProcess(Duration.ofSeconds(Math.max(1, grace)));
      try {
        Pod latest = client.pods().inNamespace(namespace).withName(name).get();
        if (latest != null && uid.equals(latest.getMetadata().getUid())) {
          client.pods().inNamespace(namespace).withName(name).withGracePeriod(0).delete();
        }
      } catch (KubernetesClientException e) {
        LOG.warn("pod={}/{} final delete failed: {}", namespace, name, e.getMessage());
      }
    }

    /** Lets the test kubelet exec in this member's container, in its environment and folder. */
    private void publishContext(PodContext ctx) throws IOException {
      if (kubeletEndpoint != null) {
        Files.createDirectories(ctx.workDir());
        TestKubelet.writeContext(
            kubeletEndpoint.contexts(), namespace, name, container, uid, ctx.env(), ctx.workDir());
      }
    }

    private void forgetContext() {
      if (kubeletEndpoint != null) {
        TestKubelet.removeContext(kubeletEndpoint.contexts(), namespace, name, container, uid);
      }
    }

    private void stopProcess(Duration grace) {
      PodProcess p = process;
      if (p != null) {
        forgetContext();
        p.stop(grace);
        process = null;
      }
    }

    private void pause() {
      try {
        Thread.sleep(PROBE_PERIOD.toMillis());
      } catch (InterruptedException e) {
        stopNow = true;
        Thread.currentThread().interrupt();
      }
    }

    void join() {
      try {
        thread.join(15_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  private static String ownerUid(Pod pod) {
    return Optional.ofNullable(pod.getMetadata().getOwnerReferences()).orElse(List.of()).stream()
        .filter(o -> Boolean.TRUE.equals(o.getController()))
        .map(o -> o.getUid())
        .findFirst()
        .orElse(null);
  }
}
