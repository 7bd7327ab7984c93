package dev.ballast.cli.local;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sun.misc.Signal;
import sun.misc.SignalHandler;

/**
 * Turns SIGINT and SIGTERM into a graceful stop of a foreground loop: the first signal runs {@code
 * stop} and lets the command return (and so exit 0, where the JVM's own handling would exit 130 or
 * 143 through the shutdown hooks); a second one exits at once with {@code 128 + signal}. The JVM's
 * handlers are put back by {@link #restore}.
 */
final class GracefulStop {
  private static final Logger LOG = LoggerFactory.getLogger(GracefulStop.class);
  private static final List<String> SIGNALS = List.of("INT", "TERM");

  private final AtomicReference<String> received = new AtomicReference<>();
  private final List<Previous> previous = new ArrayList<>();

  private record Previous(Signal signal, SignalHandler handler) {}

  private GracefulStop() {}

  /** Handles SIGINT and SIGTERM with {@code stop} until {@link #restore}. */
  static GracefulStop install(Runnable stop) {
    GracefulStop graceful = new GracefulStop();
    for (String name : SIGNALS) {
      Signal signal = new Signal(name);
      try {
        SignalHandler old =
            Signal.handle(
                signal,
                s -> {
                  if (graceful.received.compareAndSet(null, s.getName())) {
                    LOG.info("signal=SIG{} action=stop-after-current-stage", s.getName());
                    stop.run();
                  } else {
                    // Asked twice: the user does not want to wait for the current stage.
                    System.exit(128 + s.getNumber());
                  }
                });
        graceful.previous.add(new Previous(signal, old));
      } catch (IllegalArgumentException e) {
        // The JVM runs with -Xrs, or the signal is ignored (nohup): its default stays.
        LOG.debug("signal=SIG{} action=keep-default reason=\"{}\"", name, e.getMessage());
      }
    }
    return graceful;
  }

  /** Puts the JVM's own handlers back. */
  void restore() {
    previous.forEach(p -> Signal.handle(p.signal(), p.handler()));
    previous.clear();
  }
}
