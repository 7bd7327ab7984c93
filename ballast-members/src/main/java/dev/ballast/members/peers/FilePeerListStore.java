package dev.ballast.members.peers;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * A peer list in a file, its state in a JSON state file beside the cluster's other state; both are
 * replaced atomically (a reader sees the old or the new list, never half), the state first.
 */
public final class FilePeerListStore implements PeerListStore {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Path file;
  private final Path stateFile;

  public FilePeerListStore(Path file, Path stateFile) {
    this.file = file;
    this.stateFile = stateFile;
  }

  @Override
  public State read() {
    if (!Files.exists(stateFile)) {
      return State.initial();
    }
    try {
      var node = JSON.readTree(stateFile.toFile());
      Set<Integer> current = new TreeSet<>();
      node.path("current").forEach(n -> current.add(n.asInt()));
      return new State(
          node.path("version").asInt(),
          node.path("list").asText(),
          node.path("reloaded").asBoolean(),
          current);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + stateFile, e);
    }
  }

  @Override
  public void save(State state, Optional<String> content) {
    ObjectNode node = JSON.createObjectNode();
    node.put("version", state.version());
    node.put("list", state.list());
    node.put("reloaded", state.reloaded());
    var current = node.putArray("current");
    new TreeSet<>(state.current()).forEach(current::add);
    try {
      write(stateFile, JSON.writerWithDefaultPrettyPrinter().writeValueAsString(node));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    content.ifPresent(c -> write(file, c));
  }

  @Override
  public String describe() {
    return String.valueOf(file.getFileName());
  }

  /**
   * Replaces {@code target} atomically: a temporary file in its folder, then renamed over it. The
   * temporary name does not hold the target's (a watcher that reacts to any event whose file name
   * holds it, as Nacos' does for {@code cluster.conf}, sees only the rename).
   */
  static void write(Path target, String content) {
    try {
      Path dir = target.toAbsolutePath().getParent();
      Files.createDirectories(dir);
      Path tmp = Files.createTempFile(dir, ".ballast-", ".tmp");
      Files.writeString(tmp, content, StandardCharsets.UTF_8);
      Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + target, e);
    }
  }
}
