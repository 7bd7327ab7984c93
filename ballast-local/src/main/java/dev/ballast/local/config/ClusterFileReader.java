package dev.ballast.local.config;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ballast.api.InputDocuments;
import dev.ballast.api.InvalidDocumentException;
import dev.ballast.api.PredictionReader;
import dev.ballast.api.VerticalAdviceReader;
import dev.ballast.autoscaler.AutoscaleSpec;
import dev.ballast.core.plan.Stage;
import dev.ballast.core.policy.NodeCountSizing;
import dev.ballast.core.policy.NodeRules;
import dev.ballast.core.policy.OnMetricFailure;
import dev.ballast.core.policy.PolicyValidationException;
import dev.ballast.core.policy.QuorumGuard;
import dev.ballast.core.policy.ScalingPolicy;
import dev.ballast.core.policy.ShrinkPolicy;
import dev.ballast.core.policy.StageTimeouts;
import dev.ballast.core.port.DataPolicy;
import dev.ballast.core.predict.PredictionSettings;
import dev.ballast.core.vertical.VerticalSettings;
import dev.ballast.members.hooks.HooksReader;
import dev.ballast.members.hooks.HooksSpec;
import dev.ballast.members.peers.PeerListSpec;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * Walks a cluster file's YAML tree, applying defaults and collecting every problem with its field
 * path; the one place where the defaults of a local cluster are decided.
 */
final class ClusterFileReader {
  static final String API_VERSION = "ballast.dev/v1alpha1";
  static final String KIND = "LocalCluster";
  static final Duration DEFAULT_SYNC_PERIOD = AutoscaleSpec.DEFAULT_SYNC_PERIOD;
  static final Duration DEFAULT_TICK_TIME = Duration.ofMillis(500);
  // ZooKeeper's basic time unit: below 10 ms its timers misbehave; above a minute nothing works.
  static final Duration MIN_TICK_TIME = Duration.ofMillis(10);
  static final Duration MAX_TICK_TIME = Duration.ofMinutes(1);
  static final String DEFAULT_HEAP = "128m";
  static final String DEFAULT_HOST = "127.0.0.1";

  private static final Pattern NAME = Pattern.compile("[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?");
  private static final Pattern HEAP = Pattern.compile("[1-9][0-9]{0,5}[kKmMgG]");
  private static final Pattern PORT_NAME = Pattern.compile("[a-z][a-z0-9-]{0,30}");
  private static final Pattern PLACEHOLDER = Pattern.compile("\\{([^{}]*)}");

  private final Path file;
  private final String label;
  private final List<String> problems = new ArrayList<>();

  ClusterFileReader(Path file) {
    this.file = file;
    this.label = String.valueOf(file.getFileName());
  }

  ClusterFile read(String yaml) throws ClusterFileException {
    return read(yaml, null);
  }

  /**
   * Reads the file; with {@code spec.components}, reads the component named {@code component} as a
   * cluster of its own (name {@code <system>-<component>}, state directory {@code
   * <stateDir>/<component>} unless it names one), its problems named by their path in the file.
   */
  ClusterFile read(String yaml, String component) throws ClusterFileException {
    JsonNode root;
    try {
      root = InputDocuments.parse(yaml, InputDocuments.Syntax.YAML, label);
    } catch (InvalidDocumentException e) {
      throw new ClusterFileException(List.of(e.getMessage()));
    }
    if (root == null || !root.isObject()) {
      throw new ClusterFileException(
          List.of(label + ": must be a YAML mapping with apiVersion, kind, metadata and spec"));
    }
    JsonNode spec = root.get("spec");
    ClusterFile result;
    if (spec != null && spec.isObject() && spec.has("components")) {
      result = readComponent(root, component);
    } else {
      if (component != null) {
        problem("--component", "this file has no spec.components; leave --component out");
        throw new ClusterFileException(problems);
      }
      result = readRoot(root);
    }
    if (!problems.isEmpty()) {
      throw new ClusterFileException(problems);
    }
    return result;
  }

  /** Whether the spec being read has a peer list (its file may be named by {peersFile}). */
  private boolean hasPeers;

  /** The prefix that replaces {@code spec} in problem paths while a component is read. */
  private String specPath = "spec";

  private ClusterFile readComponent(JsonNode root, String component) {
    JsonNode spec = root.get("spec");
    known(spec, "spec", "stateDir", "components");
    String system = root.path("metadata").path("name").asText("cluster");
    if (!NAME.matcher(system).matches()) {
      problem("metadata.name", "must be lower-case letters, digits and '-' (at most 63)");
      return null;
    }
    JsonNode list = spec.get("components");
    if (!list.isArray() || list.isEmpty()) {
      problem("spec.components", "must be a list of components, each with a name and its spec");
      return null;
    }
    Path systemDir = stateDir(spec, system);
    Map<String, Path> dirs = new LinkedHashMap<>();
    Map<String, Integer> index = new LinkedHashMap<>();
    for (int i = 0; i < list.size(); i++) {
      JsonNode c = list.get(i);
      String path = "spec.components[" + i + "]";
      String name = c.isObject() ? c.path("name").asText("") : "";
      if (!NAME.matcher(name).matches() || name.length() > 30) {
        problem(path + ".name", "is required: lower-case letters, digits and '-' (at most 30)");
        continue;
      }
      if (dirs.containsKey(name)) {
        problem(path + ".name", name + " is named twice; each component needs its own name");
        continue;
      }
      index.put(name, i);
      JsonNode own = c.get("stateDir");
      try {
        dirs.put(
            name,
            own != null && own.isTextual()
                ? (file.getParent() == null ? Path.of("") : file.getParent())
                    .resolve(own.asText())
                    .toAbsolutePath()
                    .normalize()
                : systemDir.resolve(name));
      } catch (InvalidPathException e) {
        problem(path + ".stateDir", "must be a directory path (" + e.getReason() + ")");
      }
    }
    if (!problems.isEmpty()) {
      return null;
    }
    if (component == null || !dirs.containsKey(component)) {
      problem(
          "--component",
          (component == null ? "is required" : component + " is not a component of this file")
              + ": this file describes the components "
              + String.join(", ", dirs.keySet())
              + " of system "
              + system
              + "; name one, e.g. --component "
              + dirs.keySet().iterator().next());
      return null;
    }
    int i = index.get(component);
    com.fasterxml.jackson.databind.node.ObjectNode one =
        ((com.fasterxml.jackson.databind.node.ObjectNode) list.get(i)).deepCopy();
    one.remove("name");
    one.put("stateDir", dirs.get(component).toString());
    com.fasterxml.jackson.databind.node.ObjectNode cluster = root.deepCopy();
    cluster.putObject("metadata").put("name", system + "-" + component);
    cluster.set("spec", one);
    specPath = "spec.components[" + i + "]";
    ClusterFile read = readRoot(cluster);
    specPath = "spec";
    if (read == null) {
      return null;
    }
    return new ClusterFile(
        read.file(),
        read.name(),
        read.stateDir(),
        read.replicas(),
        read.member(),
        read.membership(),
        read.policy(),
        read.syncPeriod(),
        read.metrics(),
        read.behavior(),
        read.prediction(),
        read.verticalAdvice(),
        read.hooks(),
        read.peers(),
        read.nodes(),
        Optional.of(new SystemComponents(system, systemDir, component, dirs)));
  }

  private ClusterFile readRoot(JsonNode root) {
    known(root, "", "apiVersion", "kind", "metadata", "spec");
    text(root, "", "apiVersion", false)
        .filter(v -> !v.equals(API_VERSION))
        .ifPresent(v -> problem("apiVersion", "must be " + API_VERSION + " (was " + v + ")"));
    text(root, "", "kind", false)
        .filter(v -> !v.equals(KIND))
        .ifPresent(v -> problem("kind", "must be " + KIND + " (was " + v + ")"));

    String name = "cluster";
    JsonNode metadata = object(root, "", "metadata", true);
    if (metadata != null) {
      known(metadata, "metadata", "name");
      name =
          text(metadata, "metadata", "name", true)
              .filter(
                  n -> {
                    if (!NAME.matcher(n).matches()) {
                      problem(
                          "metadata.name",
                          "must be lower-case letters, digits and '-' (at most 63), e.g. zk-demo");
                      return false;
                    }
                    return true;
                  })
              .orElse(name);
    }

    JsonNode spec = object(root, "", "spec", true);
    if (spec == null) {
      return null;
    }
    known(
        spec,
        "spec",
        "stateDir",
        "replicas",
        "minReplicas",
        "maxReplicas",
        "allowedReplicas",
        "member",
        "membership",
        "scaleDown",
        "timeouts",
        "onMetricFailure",
        "syncPeriod",
        "metrics",
        "behavior",
        "prediction",
        "verticalAdvice",
        "peers",
        "nodes",
        "placement",
        "sizeByNodes");

    Path stateDir = stateDir(spec, name);
    Optional<Integer> replicas = positiveInt(spec, "spec", "replicas", true);
    ScalingPolicy.Builder policy = ScalingPolicy.builder();
    Optional<Integer> minReplicas = positiveInt(spec, "spec", "minReplicas", false);
    minReplicas.ifPresent(policy::minReplicas);
    Optional<Integer> maxReplicas = positiveInt(spec, "spec", "maxReplicas", false);
    maxReplicas.ifPresent(policy::maxReplicas);
    List<Integer> allowed = allowedReplicas(spec);
    policy.allowedReplicas(allowed);
    hasPeers = spec.has("peers") && !spec.get("peers").isNull();
    MemberSpec member = member(spec);
    MembershipType membership = membership(spec, member);
    // Members without a membership protocol do not vote: no quorum arithmetic for their removals.
    policy.quorumGuard(membership == MembershipType.NONE ? QuorumGuard.NONE : QuorumGuard.MAJORITY);
    Optional<HooksSpec> hooks = Optional.empty();
    if (membership == MembershipType.HOOKS) {
      JsonNode node = spec.get("membership");
      hooks =
          Optional.of(
              new HooksReader(
                      HooksReader.Dialect.LOCAL,
                      file.getParent() == null ? Path.of("") : file.getParent(),
                      member.portNames(),
                      Durations::parse,
                      this::problem)
                  .read(node, "spec.membership"));
      choice(node, "spec.membership", "quorum", QuorumGuard.class).ifPresent(policy::quorumGuard);
    }
    Optional<PeerListSpec> peers =
        new HooksReader(
                HooksReader.Dialect.LOCAL,
                file.getParent() == null ? Path.of("") : file.getParent(),
                member.portNames(),
                Durations::parse,
                this::problem)
            .peers(spec.get("peers"), "spec.peers");
    JsonNode scaleDown = object(spec, "spec", "scaleDown", false);
    if (scaleDown != null) {
      known(scaleDown, "spec.scaleDown", "policy", "dataPolicy", "drainTimeout");
      choice(scaleDown, "spec.scaleDown", "policy", ShrinkPolicy.class).ifPresent(policy::shrink);
      choice(scaleDown, "spec.scaleDown", "dataPolicy", DataPolicy.class)
          .ifPresent(policy::dataPolicy);
      positiveDuration(scaleDown, "spec.scaleDown", "drainTimeout").ifPresent(policy::drainTimeout);
    }
    timeouts(spec).ifPresent(policy::timeouts);
    List<String> nodes = nodes(spec);
    policy.nodes(nodeRules(spec, nodes));
    choice(spec, "spec", "onMetricFailure", OnMetricFailure.class)
        .ifPresent(policy::onMetricFailure);
    Duration syncPeriod = positiveDuration(spec, "spec", "syncPeriod").orElse(DEFAULT_SYNC_PERIOD);
    JsonNode metrics = spec.get("metrics");
    if (metrics != null && !metrics.isArray()) {
      problem("spec.metrics", "must be a list of autoscaling/v2 metric specs");
    }
    JsonNode behavior = spec.get("behavior");
    if (behavior != null && !behavior.isObject()) {
      problem("spec.behavior", "must be an autoscaling/v2 behavior mapping");
    }
    PredictionSettings prediction = PredictionSettings.disabled();
    JsonNode predictionNode = spec.get("prediction");
    if (predictionNode != null && !predictionNode.isNull()) {
      prediction =
          PredictionReader.read(
              predictionNode,
              "spec.prediction",
              (path, v) -> durationValue(path, v).orElse(null),
              this::problem);
    }
    Optional<VerticalSettings> vertical = verticalAdvice(spec.get("verticalAdvice"));
    if (!problems.isEmpty()) {
      return null;
    }
    ScalingPolicy built;
    try {
      built = policy.build();
    } catch (PolicyValidationException e) {
      // The core names fields as the policy does ("maxReplicas: ..."); here they live in spec.
      e.problems().forEach(p -> problems.add(label + ": spec." + p));
      return null;
    }
    int r = replicas.orElseThrow();
    if (!built.allows(r)) {
      problem(
          "spec.replicas",
          "must be between spec.minReplicas ("
              + built.minReplicas()
              + ") and spec.maxReplicas ("
              + built.maxReplicas()
              + ")"
              + (built.allowedReplicas().isEmpty()
                  ? ""
                  : " and one of spec.allowedReplicas [" + built.allowedReplicasText() + "]"));
      return null;
    }
    return new ClusterFile(
        file,
        name,
        stateDir,
        r,
        member,
        membership,
        built,
        syncPeriod,
        metrics,
        behavior,
        prediction,
        vertical,
        hooks,
        peers,
        nodes,
        Optional.empty());
  }

  /**
   * {@code verticalAdvice}: the settings of {@code recommend --vertical}, with the operator's
   * fields and rules; the defaults when the section is absent, empty when it says {@code enabled:
   * false}.
   */
  private Optional<VerticalSettings> verticalAdvice(JsonNode node) {
    if (node == null || node.isNull()) {
      return Optional.of(VerticalSettings.defaults());
    }
    String path = "spec.verticalAdvice";
    VerticalAdviceReader.Values v =
        VerticalAdviceReader.read(
            node, path, (field, value) -> durationValue(field, value).orElse(null), this::problem);
    if (v == null) {
      return Optional.empty();
    }
    Optional<VerticalSettings> settings =
        VerticalAdviceReader.settings(v, field -> path + "." + field, this::problem);
    return Boolean.FALSE.equals(v.enabled()) ? Optional.empty() : settings;
  }

  /** {@code nodes}: a count (node-0, node-1, ...) or a list of names. */
  private List<String> nodes(JsonNode spec) {
    JsonNode node = spec.get("nodes");
    if (node == null || node.isNull()) {
      return List.of();
    }
    if (node.isIntegralNumber() && node.asInt() >= 1 && node.asInt() <= 10000) {
      List<String> names = new ArrayList<>();
      for (int i = 0; i < node.asInt(); i++) {
        names.add("node-" + i);
      }
      return names;
    }
    if (node.isArray() && !node.isEmpty()) {
      List<String> names = stringList(spec, "spec", "nodes");
      if (new java.util.HashSet<>(names).size() != names.size()) {
        problem("spec.nodes", "lists a node twice; each name once");
      }
      return names;
    }
    problem("spec.nodes", "must be a node count (e.g. 6) or a list of node names");
    return List.of();
  }

  private NodeRules nodeRules(JsonNode spec, List<String> nodes) {
    boolean onePerNode = false;
    Optional<String> placement = text(spec, "spec", "placement", false);
    if (placement.isPresent()) {
      switch (placement.get()) {
        case "OnePerNode" -> onePerNode = true;
        case "Any" -> onePerNode = false;
        default -> problem("spec.placement", "must be OnePerNode or Any");
      }
    }
    Optional<NodeCountSizing> sizing = Optional.empty();
    JsonNode s = object(spec, "spec", "sizeByNodes", false);
    if (s != null) {
      known(s, "spec.sizeByNodes", "tiers", "otherwise");
      Optional<Integer> otherwise = positiveInt(s, "spec.sizeByNodes", "otherwise", true);
      List<NodeCountSizing.Tier> tiers = new ArrayList<>();
      JsonNode tn = s.get("tiers");
      if (tn == null || !tn.isArray() || tn.isEmpty()) {
        problem("spec.sizeByNodes.tiers", "must list tiers such as [{atLeast: 5, replicas: 5}]");
      } else {
        for (int i = 0; i < tn.size(); i++) {
          String tp = "spec.sizeByNodes.tiers[" + i + "]";
          if (!tn.get(i).isObject()) {
            problem(tp, "must be a mapping {atLeast: N, replicas: M}");
            continue;
          }
          known(tn.get(i), tp, "atLeast", "replicas");
          Optional<Integer> atLeast = positiveInt(tn.get(i), tp, "atLeast", true);
          Optional<Integer> replicas = positiveInt(tn.get(i), tp, "replicas", true);
          if (atLeast.isPresent() && replicas.isPresent()) {
            tiers.add(new NodeCountSizing.Tier(atLeast.get(), replicas.get()));
          }
        }
      }
      if (nodes.isEmpty()) {
        problem("spec.sizeByNodes", "needs spec.nodes: the node count it sizes by");
      }
      if (otherwise.isPresent() && !tiers.isEmpty()) {
        sizing = Optional.of(new NodeCountSizing(tiers, otherwise.get()));
      }
    }
    if (onePerNode && nodes.isEmpty()) {
      problem("spec.placement", "OnePerNode needs spec.nodes: the nodes members are placed on");
    }
    return NodeRules.of(
        nodes.isEmpty() ? java.util.OptionalInt.empty() : java.util.OptionalInt.of(nodes.size()),
        sizing,
        onePerNode);
  }

  private Path stateDir(JsonNode spec, String name) {
    String raw = text(spec, "spec", "stateDir", false).orElse(".ballast/" + name);
    try {
      Path base = file.getParent() == null ? Path.of("") : file.getParent();
      Path dir = base.resolve(raw).toAbsolutePath().normalize();
      // The directory is created later: the nearest part that exists must be a directory.
      for (Path p = dir; p != null; p = p.getParent()) {
        if (Files.exists(p)) {
          if (!Files.isDirectory(p)) {
            problem(
                "spec.stateDir",
                p
                    + " is a file, not a directory; name a directory (or leave stateDir out for"
                    + " .ballast/"
                    + name
                    + ")");
          }
          break;
        }
      }
      return dir;
    } catch (InvalidPathException e) {
      problem("spec.stateDir", "must be a directory path (" + e.getReason() + ")");
      return Path.of("").toAbsolutePath();
    }
  }

  private List<Integer> allowedReplicas(JsonNode spec) {
    JsonNode node = spec.get("allowedReplicas");
    if (node == null || node.isNull()) {
      return List.of();
    }
    if (!node.isArray()) {
      problem("spec.allowedReplicas", "must be a list of sizes, e.g. [3, 5, 7]");
      return List.of();
    }
    List<Integer> sizes = new ArrayList<>();
    for (int i = 0; i < node.size(); i++) {
      JsonNode v = node.get(i);
      String path = "spec.allowedReplicas[" + i + "]";
      if (!v.canConvertToExactIntegral()
          || !v.isNumber()
          || v.asLong() < 1
          || !v.canConvertToInt()) {
        problem(path, "must be a positive integer");
      } else if (!sizes.isEmpty() && v.asInt() <= sizes.get(sizes.size() - 1)) {
        problem(path, "sizes must be listed in increasing order without repeats");
      } else {
        sizes.add(v.asInt());
      }
    }
    if (node.isEmpty()) {
      problem("spec.allowedReplicas", "must list at least one size, or be left out");
    }
    return sizes;
  }

  private MemberSpec member(JsonNode spec) {
    JsonNode node = object(spec, "spec", "member", true);
    if (node == null) {
      return new MemberSpec(
          MemberKind.ZOOKEEPER,
          DEFAULT_HOST,
          DEFAULT_HEAP,
          DEFAULT_TICK_TIME,
          List.of(),
          List.of(),
          Map.of(),
          null,
          OptionalLong.empty(),
          MemberSpec.DEFAULT_CONTROLLERS);
    }
    String p = "spec.member";
    known(
        node,
        p,
        "kind",
        "host",
        "heap",
        "tickTime",
        "command",
        "ports",
        "env",
        "binary",
        "storageCapacity",
        "clusterReplicas",
        "controllers");
    OptionalLong capacity = OptionalLong.empty();
    Optional<String> capacityText = text(node, p, "storageCapacity", false);
    if (capacityText.isPresent()) {
      try {
        long bytes =
            dev.ballast.api.Quantities.parse(capacityText.get(), p + ".storageCapacity")
                .longValueExact();
        if (bytes <= 0) {
          throw new ArithmeticException("not positive");
        }
        capacity = OptionalLong.of(bytes);
      } catch (RuntimeException e) {
        problem(p + ".storageCapacity", "must be a positive size in bytes such as 512Mi or 10Gi");
      }
    }
    MemberKind kind = choice(node, p, "kind", MemberKind.class).orElse(null);
    if (kind == null && !node.has("kind")) {
      problem(p + ".kind", "is required: zookeeper, etcd, redis, rabbitmq, kafka or command");
    }
    String host = text(node, p, "host", false).orElse(DEFAULT_HOST);
    String heap = text(node, p, "heap", false).orElse(DEFAULT_HEAP);
    if (!HEAP.matcher(heap).matches()) {
      problem(p + ".heap", "must be a JVM heap size such as 128m or 1g");
    }
    Duration tickTime = duration(node, p, "tickTime").orElse(DEFAULT_TICK_TIME);
    if (tickTime.compareTo(MIN_TICK_TIME) < 0 || tickTime.compareTo(MAX_TICK_TIME) > 0) {
      problem(
          p + ".tickTime",
          "must be between 10ms and 1m (ZooKeeper's basic time unit, e.g. 500ms), was "
              + Durations.format(tickTime));
      tickTime = DEFAULT_TICK_TIME;
    }
    List<String> command = stringList(node, p, "command");
    List<String> ports = stringList(node, p, "ports");
    Map<String, String> env = stringMap(node, p, "env");
    if (kind == MemberKind.ZOOKEEPER) {
      if (HEAP.matcher(heap).matches() && megabytes(heap) < 32) {
        problem(p + ".heap", "a ZooKeeper member needs at least 32m");
      }
      if (node.has("command")) {
        problem(p + ".command", "only applies to kind command; remove it for kind zookeeper");
      }
      if (node.has("ports")) {
        problem(
            p + ".ports",
            "kind zookeeper has the fixed ports client, quorum, election, admin; remove it");
      }
    }
    if (kind == MemberKind.COMMAND) {
      if (command.isEmpty()) {
        problem(p + ".command", "is required for kind command: the program and its arguments");
      }
      for (int i = 0; i < ports.size(); i++) {
        if (!PORT_NAME.matcher(ports.get(i)).matches()) {
          problem(p + ".ports[" + i + "]", "must be a lower-case name such as client");
        } else if (ports.indexOf(ports.get(i)) != i) {
          problem(p + ".ports[" + i + "]", "repeats the port name " + ports.get(i));
        }
      }
      for (int i = 0; i < command.size(); i++) {
        checkPlaceholders(command.get(i), p + ".command[" + i + "]", ports);
      }
    }
    Path binary = null;
    if (kind == MemberKind.ETCD || kind == MemberKind.REDIS || kind == MemberKind.RABBITMQ) {
      String name = kind.name().toLowerCase(Locale.ROOT);
      for (String field : List.of("command", "ports", "heap", "tickTime")) {
        if (node.has(field)) {
          problem(p + "." + field, "does not apply to kind " + name + "; remove it");
        }
      }
      binary = text(node, p, "binary", false).map(this::relativeToFile).orElse(null);
    } else if (node.has("binary")) {
      problem(p + ".binary", "only applies to kinds etcd, redis and rabbitmq; remove it");
    }
    if (node.has("clusterReplicas")) {
      JsonNode replicas = node.get("clusterReplicas");
      if (kind != MemberKind.REDIS) {
        problem(p + ".clusterReplicas", "only applies to kind redis; remove it");
      } else if (!replicas.isInt() || replicas.asInt() != 0) {
        problem(
            p + ".clusterReplicas",
            "Redis Cluster replicas (redis-cli --cluster-replicas) are not supported yet: Ballast"
                + " runs masters only; set 0 or remove it");
      }
    }
    int controllers = MemberSpec.DEFAULT_CONTROLLERS;
    if (kind == MemberKind.KAFKA) {
      for (String field : List.of("command", "ports", "tickTime")) {
        if (node.has(field)) {
          problem(p + "." + field, "does not apply to kind kafka; remove it");
        }
      }
      if (HEAP.matcher(heap).matches() && megabytes(heap) < 128) {
        problem(p + ".heap", "a Kafka broker needs at least 128m");
      }
      controllers = positiveInt(node, p, "controllers", false).orElse(controllers);
      if (controllers % 2 == 0) {
        problem(
            p + ".controllers",
            "must be odd (1, 3 or 5): a KRaft quorum of "
                + controllers
                + " is no safer than one less");
      }
    } else if (node.has("controllers")) {
      problem(p + ".controllers", "only applies to kind kafka; remove it");
    }
    return new MemberSpec(
        kind == null ? MemberKind.COMMAND : kind,
        host,
        heap,
        tickTime,
        command,
        ports,
        env,
        binary,
        capacity,
        controllers);
  }

  private Path relativeToFile(String raw) {
    try {
      Path base = file.getParent() == null ? Path.of("") : file.getParent();
      return base.resolve(raw).toAbsolutePath().normalize();
    } catch (InvalidPathException e) {
      problem("spec.member.binary", "must be a file path (" + e.getReason() + ")");
      return null;
    }
  }

  private void checkPlaceholders(String arg, String path, List<String> ports) {
    var m = PLACEHOLDER.matcher(arg);
    while (m.find()) {
      String key = m.group(1);
      if (key.startsWith("port:")) {
        String port = key.substring("port:".length());
        if (!ports.contains(port)) {
          problem(
              path,
              "uses {"
                  + shown(key)
                  + "} but spec.member.ports does not list '"
                  + shown(port)
                  + "'");
        }
      } else if (key.equals("peersFile")) {
        if (!hasPeers) {
          problem(path, "uses {peersFile} but the file has no spec.peers section");
        }
      } else if (!Set.of("ordinal", "id", "dataDir", "host", "name").contains(key)) {
        problem(
            path,
            "unknown placeholder {"
                + shown(key)
                + "}; use {ordinal}, {id}, {dataDir}, {host}, {name}, {peersFile} or {port:NAME}");
      }
    }
  }

  private MembershipType membership(JsonNode spec, MemberSpec member) {
    JsonNode node = object(spec, "spec", "membership", false);
    MembershipType type =
        switch (member.kind()) {
          case ZOOKEEPER -> MembershipType.ZOOKEEPER;
          case ETCD -> MembershipType.ETCD;
          case REDIS -> MembershipType.REDIS;
          case RABBITMQ -> MembershipType.RABBITMQ;
          case KAFKA -> MembershipType.KAFKA;
          default -> MembershipType.NONE;
        };
    if (node != null) {
      if (!"hooks".equals(node.path("type").asText())) {
        known(node, "spec.membership", "type");
      }
      type = choice(node, "spec.membership", "type", MembershipType.class).orElse(type);
    }
    if (type == MembershipType.ZOOKEEPER && member.kind() == MemberKind.COMMAND) {
      for (String needed : List.of("client", "quorum", "election")) {
        if (!member.ports().contains(needed)) {
          problem(
              "spec.member.ports",
              "membership zookeeper needs a port named '" + needed + "'; add it to the list");
        }
      }
    }
    if (type == MembershipType.ETCD && member.kind() != MemberKind.ETCD) {
      problem("spec.membership.type", "etcd needs spec.member.kind etcd");
    }
    if (type == MembershipType.REDIS && member.kind() != MemberKind.REDIS) {
      problem("spec.membership.type", "redis needs spec.member.kind redis");
    }
    if (type == MembershipType.RABBITMQ && member.kind() != MemberKind.RABBITMQ) {
      problem("spec.membership.type", "rabbitmq needs spec.member.kind rabbitmq");
    }
    if (type == MembershipType.KAFKA && member.kind() != MemberKind.KAFKA) {
      problem("spec.membership.type", "kafka needs spec.member.kind kafka");
    }
    return type;
  }

  private Optional<StageTimeouts> timeouts(JsonNode spec) {
    JsonNode node = object(spec, "spec", "timeouts", false);
    if (node == null) {
      return Optional.empty();
    }
    Duration defaultTimeout = ScalingPolicy.DEFAULT_STAGE_TIMEOUT;
    Map<Stage, Duration> byStage = new LinkedHashMap<>();
    List<String> stageNames = new ArrayList<>();
    for (Stage s : Stage.values()) {
      stageNames.add(s.name().toLowerCase(Locale.ROOT));
    }
    for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
      String key = it.next();
      if (!key.equals("default") && !stageNames.contains(key)) {
        problem(
            "spec.timeouts." + key,
            "unknown stage; use default or one of " + String.join(", ", stageNames));
        continue;
      }
      Optional<Duration> d = positiveDuration(node, "spec.timeouts", key);
      if (d.isPresent()) {
        if (key.equals("default")) {
          defaultTimeout = d.get();
        } else {
          byStage.put(Stage.valueOf(key.toUpperCase(Locale.ROOT)), d.get());
        }
      }
    }
    return Optional.of(new StageTimeouts(defaultTimeout, byStage));
  }

  // --- field helpers: each records a problem and returns empty/null when the value is unusable

  private void known(JsonNode node, String path, String... names) {
    Set<String> allowed = Set.of(names);
    for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
      String f = it.next();
      if (!allowed.contains(f)) {
        problem(
            join(path, f), "unknown field; expected one of " + new TreeSet<>(Arrays.asList(names)));
      }
    }
  }

  private JsonNode object(JsonNode parent, String path, String key, boolean required) {
    JsonNode v = parent.get(key);
    if (v == null || v.isNull()) {
      if (required) {
        problem(join(path, key), "is required");
      }
      return null;
    }
    if (!v.isObject()) {
      problem(join(path, key), "must be a mapping");
      return null;
    }
    return v;
  }

  private Optional<String> text(JsonNode parent, String path, String key, boolean required) {
    JsonNode v = parent.get(key);
    if (v == null || v.isNull()) {
      if (required) {
        problem(join(path, key), "is required");
      }
      return Optional.empty();
    }
    if (!v.isValueNode() || v.asText().isBlank()) {
      problem(join(path, key), "must be a non-empty string");
      return Optional.empty();
    }
    return Optional.of(v.asText());
  }

  private Optional<Integer> positiveInt(
      JsonNode parent, String path, String key, boolean required) {
    JsonNode v = parent.get(key);
    if (v == null || v.isNull()) {
      if (required) {
        problem(join(path, key), "is required: a positive integer");
      }
      return Optional.empty();
    }
    if (!v.isIntegralNumber() || !v.canConvertToInt() || v.asInt() < 1) {
      problem(join(path, key), "must be a positive integer");
      return Optional.empty();
    }
    return Optional.of(v.asInt());
  }

  private Optional<Duration> duration(JsonNode parent, String path, String key) {
    JsonNode v = parent.get(key);
    if (v == null || v.isNull()) {
      return Optional.empty();
    }
    return durationValue(join(path, key), v);
  }

  private Optional<Duration> durationValue(String path, JsonNode v) {
    Optional<Duration> d = v.isTextual() ? Durations.parse(v.asText()) : Optional.empty();
    if (d.isEmpty()) {
      problem(path, "must be a duration such as 500ms, 30s, 2m or 1h");
    }
    return d;
  }

  private Optional<Duration> positiveDuration(JsonNode parent, String path, String key) {
    Optional<Duration> d = duration(parent, path, key);
    if (d.isPresent() && d.get().isZero()) {
      problem(join(path, key), "must be longer than 0s");
      return Optional.empty();
    }
    return d;
  }

  private <E extends Enum<E>> Optional<E> choice(
      JsonNode parent, String path, String key, Class<E> type) {
    JsonNode v = parent.get(key);
    if (v == null || v.isNull()) {
      return Optional.empty();
    }
    String raw = v.isTextual() ? v.asText().replace("_", "") : "";
    for (E e : type.getEnumConstants()) {
      if (e.name().replace("_", "").equalsIgnoreCase(raw)) {
        return Optional.of(e);
      }
    }
    List<String> names = new ArrayList<>();
    for (E e : type.getEnumConstants()) {
      names.add(display(e));
    }
    problem(join(path, key), "must be one of " + String.join(", ", names));
    return Optional.empty();
  }

  private List<String> stringList(JsonNode parent, String path, String key) {
    JsonNode v = parent.get(key);
    if (v == null || v.isNull()) {
      return List.of();
    }
    if (!v.isArray()) {
      problem(join(path, key), "must be a list of strings");
      return List.of();
    }
    List<String> out = new ArrayList<>();
    for (int i = 0; i < v.size(); i++) {
      JsonNode e = v.get(i);
      if (!e.isValueNode() || e.isNull()) {
        problem(join(path, key) + "[" + i + "]", "must be a string");
      } else {
        out.add(e.asText());
      }
    }
    return out;
  }

  private Map<String, String> stringMap(JsonNode parent, String path, String key) {
    JsonNode v = parent.get(key);
    if (v == null || v.isNull()) {
      return Map.of();
    }
    if (!v.isObject()) {
      problem(join(path, key), "must be a mapping of names to strings");
      return Map.of();
    }
    Map<String, String> out = new LinkedHashMap<>();
    v.fields()
        .forEachRemaining(
            e -> {
              if (!e.getValue().isValueNode() || e.getValue().isNull()) {
                problem(join(path, key) + "." + e.getKey(), "must be a string");
              } else {
                out.put(e.getKey(), e.getValue().asText());
              }
            });
    return out;
  }

  private static long megabytes(String heap) {
    long n = Long.parseLong(heap.substring(0, heap.length() - 1));
    return switch (Character.toLowerCase(heap.charAt(heap.length() - 1))) {
      case 'g' -> n * 1024;
      case 'k' -> n / 1024;
      default -> n;
    };
  }

  /** Enum constants as a file spells them: ZOOKEEPER → zookeeper, ALLOWED → Allowed. */
  static String display(Enum<?> e) {
    String lower = e.name().toLowerCase(Locale.ROOT);
    if (e instanceof ShrinkPolicy || e instanceof DataPolicy || e instanceof OnMetricFailure) {
      // PascalCase as in Kubernetes enums: Allowed, Delete, ScaleToMax.
      StringBuilder out = new StringBuilder();
      for (String part : lower.split("_")) {
        out.append(Character.toUpperCase(part.charAt(0))).append(part.substring(1));
      }
      return out.toString();
    }
    return lower;
  }

  private static String join(String path, String key) {
    return path.isEmpty() ? key : path + "." + key;
  }

  private void problem(String path, String message) {
    // Paths hold the file's keys: a problem stays one readable line whatever they are.
    String where =
        path.equals("spec") || path.startsWith("spec.") || path.startsWith("spec[")
            ? specPath + path.substring("spec".length())
            : path;
    problems.add(label + ": " + shown(where) + ": " + message.replaceAll("\\R", "\\\\n"));
  }

  private static String shown(String text) {
    return InputDocuments.shown(text);
  }
}
