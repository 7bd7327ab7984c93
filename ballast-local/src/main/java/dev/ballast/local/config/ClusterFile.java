package dev.ballast.local.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.ballast.api.InputDocuments;
import dev.ballast.api.InvalidDocumentException;
import dev.ballast.core.policy.ScalingPolicy;
import dev.ballast.core.predict.PredictionSettings;
import dev.ballast.core.vertical.VerticalSettings;
import dev.ballast.members.hooks.HooksSpec;
import dev.ballast.members.peers.PeerListSpec;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A local cluster as its YAML file describes it (see {@code examples/local/zookeeper.yaml}),
 * validated and with every default applied (the scaling policy's defaults are the core's, {@link
 * ScalingPolicy.Builder#build}, shared with the operator and the simulator). {@code stateDir} is
 * absolute (a relative one in the file is relative to the file). {@code metrics} and {@code
 * behavior} are kept as written, in the {@code autoscaling/v2} syntax, for the autoscaling loop to
 * interpret; {@code prediction} is the scale-ahead section (disabled when the file has none), read
 * with the simulator's reader so that both accept the same fields; {@code verticalAdvice} is the
 * settings of {@code recommend --vertical} ({@link VerticalSettings#defaults()} when the file has
 * no {@code verticalAdvice} section, empty when it says {@code enabled: false}), read with the
 * operator's rules ({@code VerticalAdviceReader}); {@code hooks} is the {@code hooks} membership's
 * section (present exactly when {@code membership} is {@link MembershipType#HOOKS}); {@code system}
 * is set when the file describes several components of one system and this is one of them ({@link
 * #load(Path, String)}).
 */
public record ClusterFile(
    Path file,
    String name,
    Path stateDir,
    int replicas,
    MemberSpec member,
    MembershipType membership,
    ScalingPolicy policy,
    Duration syncPeriod,
    JsonNode metrics,
    JsonNode behavior,
    PredictionSettings prediction,
    Optional<VerticalSettings> verticalAdvice,
    Optional<HooksSpec> hooks,
    Optional<PeerListSpec> peers,
    List<String> nodes,
    Optional<SystemComponents> system) {

  public ClusterFile {
    Objects.requireNonNull(file, "file");
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(stateDir, "stateDir");
    Objects.requireNonNull(member, "member");
    Objects.requireNonNull(membership, "membership");
    Objects.requireNonNull(policy, "policy");
    Objects.requireNonNull(syncPeriod, "syncPeriod");
    metrics = metrics == null ? JsonNodeFactory.instance.arrayNode() : metrics.deepCopy();
    behavior = behavior == null ? JsonNodeFactory.instance.nullNode() : behavior.deepCopy();
    prediction = prediction == null ? PredictionSettings.disabled() : prediction;
    verticalAdvice = verticalAdvice == null ? Optional.empty() : verticalAdvice;
    hooks = hooks == null ? Optional.empty() : hooks;
    peers = peers == null ? Optional.empty() : peers;
    nodes = nodes == null ? List.of() : List.copyOf(nodes);
    system = system == null ? Optional.empty() : system;
    if (membership == MembershipType.HOOKS && hooks.isEmpty()) {
      throw new IllegalArgumentException("membership hooks needs its hooks section");
    }
  }

  /** Reads and validates the file; every problem is reported at once in the exception. */
  public static ClusterFile load(Path file) throws ClusterFileException {
    Path absolute = file.toAbsolutePath().normalize();
    String label = String.valueOf(file.getFileName());
    String text;
    try {
      text = InputDocuments.readText(absolute, InputDocuments.MAX_CONFIG_BYTES, label);
    } catch (InvalidDocumentException e) {
      throw new ClusterFileException(List.of(e.getMessage()));
    }
    return parse(text, absolute);
  }

  /**
   * Reads component {@code component} (null: none named) of a file with {@code spec.components}; a
   * file without components is read as by {@link #load(Path)} when no component is named.
   */
  public static ClusterFile load(Path file, String component) throws ClusterFileException {
    Path absolute = file.toAbsolutePath().normalize();
    String label = String.valueOf(file.getFileName());
    String text;
    try {
      text = InputDocuments.readText(absolute, InputDocuments.MAX_CONFIG_BYTES, label);
    } catch (InvalidDocumentException e) {
      throw new ClusterFileException(List.of(e.getMessage()));
    }
    return new ClusterFileReader(absolute).read(text, component);
  }

  /** Validates {@code yaml} as if read from {@code file} (relative paths resolve against it). */
  public static ClusterFile parse(String yaml, Path file) throws ClusterFileException {
    return new ClusterFileReader(file.toAbsolutePath().normalize()).read(yaml);
  }

  /** Validates component {@code component} of {@code yaml} as if read from {@code file}. */
  public static ClusterFile parse(String yaml, Path file, String component)
      throws ClusterFileException {
    return new ClusterFileReader(file.toAbsolutePath().normalize()).read(yaml, component);
  }

  /** The metrics are an empty list when the file names none. */
  public JsonNode metrics() {
    return metrics.deepCopy();
  }

  /** A null node when the file has no {@code behavior}. */
  public JsonNode behavior() {
    return behavior.deepCopy();
  }
}
