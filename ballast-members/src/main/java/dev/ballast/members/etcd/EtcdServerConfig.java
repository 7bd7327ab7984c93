package dev.ballast.members.etcd;

import dev.ballast.core.port.Member;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * How an etcd member is started: its name ({@code member-<ordinal>}), its two ports ({@code client}
 * and {@code peer}, plain HTTP on the member's host), and its command line. The launch settings are
 * the initial cluster it joins: every member of a new cluster at once ({@link #bootstrap}), or the
 * cluster a learner was added to ({@link EtcdMembership#announce}), which it starts with {@code
 * --initial-cluster-state=existing}. A member that has run before ignores them and rejoins from its
 * data directory.
 */
public final class EtcdServerConfig {

  /** The port clients (and Ballast) talk to. */
  public static final String CLIENT_PORT = "client";

  /** The port members talk to each other on. */
  public static final String PEER_PORT = "peer";

  /** The port names of an etcd member, in a stable order. */
  public static final List<String> PORTS = List.of(CLIENT_PORT, PEER_PORT);

  /** Launch setting: the {@code --initial-cluster} value, {@code name=peerURL,...}. */
  public static final String INITIAL_CLUSTER = "initialCluster";

  /** Launch setting: {@code new} for a cluster's first members, {@code existing} for a learner. */
  public static final String INITIAL_CLUSTER_STATE = "initialClusterState";

  /** The etcd release the project's test tools build; tests use it. */
  public static final String TOOLS_RELEASE = "k8s-v1.36.3";

  private EtcdServerConfig() {}

  /** The etcd member name of {@code ordinal}: {@code member-<ordinal>}. */
  public static String name(int ordinal) {
    return "member-" + ordinal;
  }

  /** The ordinal an etcd member name stands for, if it is one of ours. */
  public static Optional<Integer> ordinalOf(String name) {
    if (name == null || !name.startsWith("member-")) {
      return Optional.empty();
    }
    try {
      int ordinal = Integer.parseInt(name.substring("member-".length()));
      return ordinal >= 0 ? Optional.of(ordinal) : Optional.empty();
    } catch (NumberFormatException e) {
      return Optional.empty();
    }
  }

  /** The URL clients use to reach {@code member}. */
  public static String clientUrl(Member member) {
    return "http://" + member.host() + ":" + member.port(CLIENT_PORT);
  }

  /** The URL other members use to reach {@code member}. */
  public static String peerUrl(Member member) {
    return "http://" + member.host() + ":" + member.port(PEER_PORT);
  }

  /** The launch settings of the first members of a new cluster: all of them, state {@code new}. */
  public static Map<String, String> bootstrap(List<Member> members) {
    String initial =
        members.stream()
            .map(m -> name(m.ordinal()) + "=" + peerUrl(m))
            .collect(Collectors.joining(","));
    return Map.of(INITIAL_CLUSTER, initial, INITIAL_CLUSTER_STATE, "new");
  }

  /** Whether {@code dataDir} holds a member that has run (etcd then ignores the initial flags). */
  public static boolean hasRun(Path dataDir) {
    return java.nio.file.Files.isDirectory(dataDir.resolve("member"));
  }

  /**
   * The command line that starts {@code member} from {@code binary} with its data in {@code
   * dataDir}, joining the cluster {@code launchSettings} name. A member without data must be given
   * its initial cluster: etcd would otherwise start a cluster of its own.
   */
  public static List<String> command(
      Path binary, Member member, Path dataDir, Map<String, String> launchSettings) {
    return command(binary, member, member.host(), dataDir, launchSettings);
  }

  /**
   * As {@link #command(Path, Member, Path, Map)}, listening on {@code listenHost} (an IP address:
   * etcd binds only to addresses) while advertising the member's host, e.g. a pod listening on its
   * pod IP and advertising its DNS name, as an etcd StatefulSet does.
   */
  public static List<String> command(
      Path binary,
      Member member,
      String listenHost,
      Path dataDir,
      Map<String, String> launchSettings) {
    String initial = launchSettings.get(INITIAL_CLUSTER);
    if ((initial == null || initial.isBlank()) && !hasRun(dataDir)) {
      throw new IllegalArgumentException(
          "member " + member.ordinal() + " has no data and no initial cluster to start with");
    }
    List<String> cmd = new ArrayList<>();
    cmd.add(binary.toString());
    cmd.add("--name=" + name(member.ordinal()));
    cmd.add("--data-dir=" + dataDir);
    cmd.add("--listen-client-urls=http://" + listenHost + ":" + member.port(CLIENT_PORT));
    cmd.add("--advertise-client-urls=" + clientUrl(member));
    cmd.add("--listen-peer-urls=http://" + listenHost + ":" + member.port(PEER_PORT));
    cmd.add("--initial-advertise-peer-urls=" + peerUrl(member));
    if (initial != null && !initial.isBlank()) {
      cmd.add("--initial-cluster=" + initial);
      cmd.add(
          "--initial-cluster-state=" + launchSettings.getOrDefault(INITIAL_CLUSTER_STATE, "new"));
    }
    // Refuse a membership change that the started members could not carry (etcd's default; kept
    // explicit because the safety of a removal relies on it).
    cmd.add("--strict-reconfig-check=true");
    cmd.add("--log-level=warn");
    return cmd;
  }

  /**
   * Where the etcd binary is: {@code etcd} under {@code <tools>/k8s-v1.36.3/bin}, where {@code
   * <tools>} is {@code BALLAST_TOOLS_DIR} or {@code ~/.cache/ballast} (the project's {@code
   * scripts/install-test-tools} builds it there).
   */
  public static Path defaultBinary(Map<String, String> env, String userHome) {
    String tools = env.get("BALLAST_TOOLS_DIR");
    Path base =
        tools != null && !tools.isBlank() ? Path.of(tools) : Path.of(userHome, ".cache", "ballast");
    return base.resolve(TOOLS_RELEASE).resolve("bin").resolve("etcd");
  }
}
