package dev.ballast.cli.local;

import dev.ballast.core.execute.EventReason;
import dev.ballast.core.execute.ExecutionListener;
import dev.ballast.core.execute.ScalingEvent;
import java.io.PrintWriter;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/**
 * Prints one line per scaling event, e.g. {@code [12:00:01] add member 3 (3→4): JOIN ok (1.2s)}:
 * each completed stage with the time it took, retries and failures with the error, and the end.
 */
final class ProgressPrinter implements ExecutionListener {
  private static final DateTimeFormatter HMS =
      DateTimeFormatter.ofPattern("HH:mm:ss").withZone(ZoneId.systemDefault());

  private final PrintWriter out;
  private final String arrow;
  private Instant stageStart;

  ProgressPrinter(PrintWriter out, Instant start) {
    this.out = out;
    this.stageStart = start;
    this.arrow = Charset.defaultCharset().equals(StandardCharsets.UTF_8) ? "→" : "->";
  }

  @Override
  public void onEvent(ScalingEvent e) {
    String line =
        switch (e.reason()) {
          case STAGE_COMPLETED ->
              step(e)
                  + ": "
                  + e.stage()
                  + " ok ("
                  + seconds(Duration.between(stageStart, e.time()))
                  + ")";
          case STAGE_RETRIED, STEP_FAILED ->
              step(e) + ": " + e.stage() + " " + kind(e) + ": " + e.message();
          case STEP_COMPLETED -> step(e) + ": done";
          case SCALING_STARTED -> e.message();
          default -> e.reason().code() + ": " + e.message();
        };
    if (e.reason() == EventReason.STAGE_COMPLETED
        || e.reason() == EventReason.STEP_FAILED
        || e.reason() == EventReason.SCALING_STARTED) {
      stageStart = e.time();
    }
    out.println("[" + HMS.format(e.time()) + "] " + line);
    out.flush();
  }

  private static String kind(ScalingEvent e) {
    return e.reason() == EventReason.STAGE_RETRIED ? "retrying" : "FAILED";
  }

  /** "add member 3 (3→4)", from the event's message ("adding member 3: ..."). */
  private String step(ScalingEvent e) {
    String m = e.message().toLowerCase(Locale.ROOT);
    Integer k = e.ordinal();
    if (k == null) {
      return e.message();
    }
    if (m.startsWith("adding")) {
      return "add member " + k + " (" + k + arrow + (k + 1) + ")";
    }
    if (m.startsWith("removing")) {
      return "remove member " + k + " (" + (k + 1) + arrow + k + ")";
    }
    if (m.startsWith("rolling back")) {
      return "roll back member " + k + " (" + (k + 1) + arrow + k + ")";
    }
    if (m.startsWith("cancelling")) {
      return "cancel removal of member " + k;
    }
    return "member " + k;
  }

  private static String seconds(Duration d) {
    return String.format(Locale.ROOT, "%.1fs", d.toMillis() / 1000.0);
  }
}
