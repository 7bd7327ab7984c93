package dev.ballast.local;

import dev.ballast.local.io.AtomicFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The state directory of a local cluster and what Ballast keeps in it. A directory Ballast creates
 * gets a marker file ({@value #MARKER}); {@link #purge} deletes only what Ballast made there (the
 * files and directories it knows, and the directory itself when its marker says Ballast created
 * it), and deletes nothing when the directory holds anything else. Files Ballast writes there for
 * other purposes (the demo's cluster file and report) are listed in the marker, one {@code file
 * NAME} line each, by {@link #recordFiles}.
 */
public final class StateDirectory {
  /** The marker Ballast writes into a state directory it creates. */
  public static final String MARKER = ".ballast-state";

  private static final Set<String> FILES =
      Set.of(
          MARKER,
          ClusterLock.FILE,
          "members.json",
          LocalWiring.OPERATION_FILE,
          LocalWiring.HISTORY_FILE,
          LocalWiring.FORECAST_FILE,
          LocalWiring.PEERS_STATE_FILE);
  private static final Pattern MEMBER_DIR = Pattern.compile("\\d+");
  private static final Pattern RETIRED_DIR = Pattern.compile("member-\\d+-.+");
  private static final Pattern TRASH_DIR = Pattern.compile("\\.trash-member-\\d+-\\d+");
  private static final int NAMES_SHOWN = 8;

  private StateDirectory() {}

  /** Creates {@code dir} with its marker, unless it exists (then it is left as it is). */
  public static void create(Path dir, String clusterName, Instant now) throws IOException {
    if (Files.exists(dir)) {
      return;
    }
    Files.createDirectories(dir);
    AtomicFiles.write(
        dir.resolve(MARKER),
        ("created by ballast for local cluster " + clusterName + " at " + now + "\n")
            .getBytes(StandardCharsets.UTF_8));
  }

  /**
   * Records in the marker of a directory Ballast created that Ballast wrote these top-level files
   * too, so that {@link #purge} deletes them; does nothing for a directory Ballast did not create.
   */
  public static void recordFiles(Path dir, Set<String> names) throws IOException {
    if (!createdByBallast(dir)) {
      return;
    }
    Set<String> known = new java.util.TreeSet<>(recorded(dir));
    if (known.addAll(names)) {
      String text = Files.readString(dir.resolve(MARKER), StandardCharsets.UTF_8);
      StringBuilder out =
          new StringBuilder(
              text.lines().filter(l -> !l.startsWith("file ")).findFirst().orElse(""));
      out.append('\n');
      known.forEach(n -> out.append("file ").append(n).append('\n'));
      AtomicFiles.write(dir.resolve(MARKER), out.toString().getBytes(StandardCharsets.UTF_8));
    }
  }

  /** The files the marker says Ballast wrote besides its state (none without a marker). */
  private static Set<String> recorded(Path dir) throws IOException {
    if (!createdByBallast(dir)) {
      return Set.of();
    }
    return Files.readAllLines(dir.resolve(MARKER), StandardCharsets.UTF_8).stream()
        .filter(l -> l.startsWith("file "))
        .map(l -> l.substring("file ".length()).strip())
        .collect(java.util.stream.Collectors.toSet());
  }

  /** Whether Ballast created {@code dir} (its marker is there). */
  public static boolean createdByBallast(Path dir) {
    return Files.isRegularFile(dir.resolve(MARKER));
  }

  /**
   * What {@code dir} holds that Ballast did not make, as paths relative to it (empty when nothing);
   * {@code alsoKnown} names more top-level files the caller wrote there.
   */
  public static List<String> foreign(Path dir, Set<String> alsoKnown) throws IOException {
    List<String> found = new ArrayList<>();
    if (!Files.isDirectory(dir)) {
      return found;
    }
    Set<String> recorded = recorded(dir);
    for (Path p : list(dir)) {
      String name = p.getFileName().toString();
      boolean known;
      if (Files.isDirectory(p, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
        known =
            name.equals("members")
                ? children(p, MEMBER_DIR, found, name)
                : name.equals("retired")
                    ? children(p, RETIRED_DIR, found, name)
                    : TRASH_DIR.matcher(name).matches()
                        // a RabbitMQ cluster's Erlang cookie and epmd port
                        || name.equals(dev.ballast.members.rabbitmq.RabbitMqNodes.HOME_DIR)
                        // a Kafka cluster's controller quorum (its own member table and members)
                        || name.equals(dev.ballast.local.runtime.KafkaControllerQuorum.DIR);
      } else {
        known =
            Files.isRegularFile(p, java.nio.file.LinkOption.NOFOLLOW_LINKS)
                && (FILES.contains(name)
                    || alsoKnown.contains(name)
                    || recorded.contains(name)
                    || isTemporary(name));
      }
      if (!known) {
        found.add(name + (Files.isDirectory(p) ? "/" : ""));
      }
    }
    return found;
  }

  /**
   * Deletes what Ballast made in {@code dir}, and {@code dir} itself when Ballast created it; when
   * the directory holds anything else, deletes nothing and refuses, naming what it found.
   */
  public static void purge(Path dir, Set<String> alsoKnown)
      throws IOException, ClusterOperationException {
    requirePurgeable(dir, alsoKnown);
    if (!Files.exists(dir)) {
      return;
    }
    boolean ours = createdByBallast(dir);
    for (Path p : list(dir)) {
      if (!p.getFileName().toString().equals(MARKER)) {
        deleteRecursively(p);
      }
    }
    Files.deleteIfExists(dir.resolve(MARKER));
    if (ours) {
      Files.deleteIfExists(dir);
    }
  }

  /** Refuses (naming what it found) when {@code dir} holds anything Ballast did not make. */
  public static void requirePurgeable(Path dir, Set<String> alsoKnown)
      throws IOException, ClusterOperationException {
    List<String> foreign = foreign(dir, alsoKnown);
    if (foreign.isEmpty()) {
      return;
    }
    String shown =
        String.join(", ", foreign.subList(0, Math.min(NAMES_SHOWN, foreign.size())))
            + (foreign.size() > NAMES_SHOWN
                ? " and " + (foreign.size() - NAMES_SHOWN) + " more"
                : "");
    throw ClusterOperationException.refused(
        "refusing to purge "
            + dir
            + ": it holds files Ballast did not create ("
            + shown
            + "); nothing was deleted. Delete the cluster's files yourself, or give the cluster a"
            + " state directory of its own (spec.stateDir)");
  }

  private static boolean children(Path dir, Pattern names, List<String> found, String parent)
      throws IOException {
    for (Path child : list(dir)) {
      String name = child.getFileName().toString();
      if (!Files.isDirectory(child, java.nio.file.LinkOption.NOFOLLOW_LINKS)
          || !names.matcher(name).matches()) {
        found.add(parent + "/" + name);
      }
    }
    return true;
  }

  /** A temporary file of an atomic write ({@code .<name><random>.tmp}) left by a crash. */
  private static boolean isTemporary(String name) {
    return name.startsWith(".")
        && name.endsWith(".tmp")
        && FILES.stream().anyMatch(f -> name.startsWith("." + f));
  }

  private static List<Path> list(Path dir) throws IOException {
    try (Stream<Path> s = Files.list(dir)) {
      return s.sorted().toList();
    }
  }

  private static void deleteRecursively(Path root) throws IOException {
    try (Stream<Path> walk = Files.walk(root)) {
      for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }
}
