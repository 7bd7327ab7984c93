package dev.ballast.k8s.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * Gives a non-Java member process (a Go binary such as etcd, which reads {@code /etc/hosts} and
 * nothing else) the pod DNS names of the agent's hosts file: the process runs in a private mount
 * namespace of its own ({@code unshare -m --propagation private}) where a per-pod copy of the hosts
 * file is bind-mounted over {@code /etc/hosts}; the machine's {@code /etc/hosts} is untouched. The
 * shell in between {@code exec}s the member, so the process the agent holds (and kills) is the
 * member itself, and the namespace ends with it.
 *
 * <p>A bind mount pins the file's inode, so the copy is never replaced: {@link #refresh} only
 * appends the agent's lines it does not hold yet (the agent's entries only grow: a pod name keeps
 * its address for good), and a reader never sees a half-rewritten file.
 */
public final class PrivateHosts {

  private static final String MOUNT_AND_EXEC = "mount --bind \"$0\" /etc/hosts && exec \"$@\"";
  private static volatile String unsupported;
  private static volatile boolean checked;

  private final Path source;
  private final Path copy;
  private final Set<String> written = new LinkedHashSet<>();

  private PrivateHosts(Path source, Path copy) {
    this.source = source;
    this.copy = copy;
  }

  /** A copy of {@code agentHostsFile} at {@code copy}, written now. */
  public static PrivateHosts copyOf(Path agentHostsFile, Path copy) {
    PrivateHosts h = new PrivateHosts(agentHostsFile, copy);
    try {
      Files.createDirectories(copy.toAbsolutePath().getParent());
      Files.writeString(copy, "", StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + copy, e);
    }
    h.refresh();
    return h;
  }

  /** The per-pod hosts file. */
  public Path file() {
    return copy;
  }

  /** Appends the agent's lines this copy does not hold yet (in place: the inode stays). */
  public synchronized void refresh() {
    List<String> lines;
    try {
      lines = Files.readAllLines(source, StandardCharsets.UTF_8);
    } catch (IOException e) {
      return; // the agent writes it atomically; the next refresh reads it
    }
    StringBuilder add = new StringBuilder();
    for (String line : lines) {
      if (!line.isBlank() && written.add(line)) {
        add.append(line).append('\n');
      }
    }
    if (add.length() > 0) {
      try {
        Files.writeString(copy, add, StandardCharsets.UTF_8, StandardOpenOption.APPEND);
      } catch (IOException e) {
        throw new UncheckedIOException("cannot append to " + copy, e);
      }
    }
  }

  /**
   * {@code argv} run in a private mount namespace where this copy is {@code /etc/hosts}: {@code
   * unshare -m --propagation private sh -c 'mount --bind "$0" /etc/hosts && exec "$@"' COPY
   * argv...}.
   */
  public List<String> wrap(List<String> argv) {
    List<String> out = new ArrayList<>();
    out.addAll(List.of("unshare", "-m", "--propagation", "private", "sh", "-c", MOUNT_AND_EXEC));
    out.add(copy.toAbsolutePath().toString());
    out.addAll(argv);
    return out;
  }

  /**
   * Fails with a message saying so when this machine does not let the tests make a private mount
   * namespace with a bind mount (needs root or CAP_SYS_ADMIN, and {@code unshare} from util-linux):
   * the tests that need it fail, they are never skipped. Checked once per JVM.
   */
  public static void requireSupported() {
    if (!checked) {
      unsupported = probe(List.of());
      checked = true;
    }
    if (unsupported != null) {
      throw unsupported(unsupported);
    }
  }

  /** The failure {@link #requireSupported} reports when the machine refused with {@code why}. */
  static IllegalStateException unsupported(String why) {
    return new IllegalStateException(
        "pods of non-Java members resolve pod DNS names through a private /etc/hosts, which"
            + " needs `unshare -m` and `mount --bind` (root or CAP_SYS_ADMIN, util-linux);"
            + " this machine refused: "
            + why);
  }

  /**
   * Null when a member started through {@code runAs} (a command prefix, e.g. one dropping root;
   * empty: as this JVM) sees a private {@code /etc/hosts}, else what refused it.
   */
  static String probe(List<String> runAs) {
    try {
      Path probe = Files.createTempFile("ballast-hosts-probe", ".txt");
      try {
        Files.writeString(probe, "127.0.0.1 ballast-private-hosts-probe\n");
        List<String> argv = new ArrayList<>(runAs);
        argv.addAll(
            new PrivateHosts(probe, probe)
                .wrap(List.of("grep", "-q", "ballast-private-hosts-probe", "/etc/hosts")));
        Process p = new ProcessBuilder(argv).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        if (!p.waitFor(10, TimeUnit.SECONDS)) {
          p.destroyForcibly();
          return "the probe did not finish within 10 s";
        }
        return p.exitValue() == 0
            ? null
            : "exit " + p.exitValue() + (out.isEmpty() ? "" : ": " + out);
      } finally {
        Files.deleteIfExists(probe);
      }
    } catch (IOException e) {
      return e.getMessage();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "interrupted";
    }
  }
}
