package dev.ballast.members.hooks;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Runs command hooks as processes on this machine, in {@code workDir} (the local runtime). */
public final class LocalCommandExecutor implements CommandExecutor {
  private static final Logger LOG = LoggerFactory.getLogger(LocalCommandExecutor.class);

  private final Path workDir;

  public LocalCommandExecutor(Path workDir) {
    this.workDir = workDir;
  }

  @Override
  public Outcome run(Hook hook, List<String> command, Map<String, String> values)
      throws InterruptedException {
    Process process;
    Path out;
    try {
      out = Files.createTempFile("ballast-hook", ".out");
    } catch (IOException e) {
      return Outcome.cannotRun("cannot run (" + e.getMessage() + ")", "");
    }
    try {
      try {
        process =
            new ProcessBuilder(command)
                .directory(workDir.toFile())
                .redirectErrorStream(true)
                .redirectOutput(out.toFile())
                .start();
      } catch (IOException e) {
        return Outcome.cannotRun("cannot run (" + e.getMessage() + ")", "");
      }
      try {
        boolean ended = process.waitFor(hook.timeout().toMillis(), TimeUnit.MILLISECONDS);
        if (!ended) {
          process.descendants().forEach(ProcessHandle::destroyForcibly);
          process.destroyForcibly();
          process.waitFor(5, TimeUnit.SECONDS);
          return Outcome.timedOut(read(out), "");
        }
        return Outcome.exited(process.exitValue(), read(out), "");
      } catch (InterruptedException e) {
        process.destroyForcibly();
        throw e;
      }
    } finally {
      try {
        Files.deleteIfExists(out);
      } catch (IOException e) {
        LOG.debug("action=delete-hook-output outcome=failed reason=\"{}\"", e.toString());
      }
    }
  }

  private static String read(Path file) {
    try {
      return Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      return "(output unreadable: " + e + ")";
    }
  }
}
