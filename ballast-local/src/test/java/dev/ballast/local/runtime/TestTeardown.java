package dev.ballast.local.runtime;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Ends a test cluster at once: every process of the given runtimes (members, their children and
 * strays carrying the cluster's marker) is killed together, before the runtime's own {@code
 * stopAll} runs. A graceful stop, one member after the other, costs seconds per member (a Kafka
 * broker's controlled shutdown, an etcd member that lost its quorum) and proves nothing once the
 * test is over: the cluster's directory is deleted right after.
 */
public final class TestTeardown {
  private static final Duration EXIT = Duration.ofSeconds(10);

  private TestTeardown() {}

  /** Kills every process of {@code runtimes} and waits until they are gone. */
  public static void killAll(LocalProcessRuntime... runtimes) {
    List<ProcessHandle> handles = new ArrayList<>();
    for (LocalProcessRuntime runtime : runtimes) {
      for (ProcessIdentity p : runtime.clusterProcesses()) {
        ProcessHandle.of(p.pid())
            .ifPresent(
                h -> {
                  h.descendants().forEach(handles::add);
                  handles.add(h);
                });
      }
    }
    handles.forEach(ProcessHandle::destroyForcibly);
    CompletableFuture<?>[] exits =
        handles.stream().map(ProcessHandle::onExit).toArray(CompletableFuture[]::new);
    try {
      CompletableFuture.allOf(exits).get(EXIT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (ExecutionException | TimeoutException e) {
      // stopAll, which runs next, signals again and says which process would not go
    }
  }
}
