package dev.ballast.cli.local;

import dev.ballast.core.execute.EventReason;
import dev.ballast.core.execute.ExecutionListener;
import dev.ballast.core.execute.Operation;
import dev.ballast.core.execute.Phase;
import dev.ballast.core.execute.Progress;
import dev.ballast.core.execute.ScalingEvent;
import dev.ballast.core.plan.Plan;
import dev.ballast.core.plan.Stage;
import dev.ballast.core.plan.Step;
import java.io.PrintWriter;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/**
 * Prints one line per scaling event, e.g. {@code [12:00:01] add member 3 (3→4): JOIN ok (1.2s)}:
 * each completed stage with the time it took, retries and failures with the error, and the end.
 *
 * <p>On an interactive {@link Terminal} a stage still running after {@link #STATUS_AFTER} also gets
 * a status line below the others, redrawn in place every {@link #REDRAW_EVERY} (spinner, stage,
 * time so far, what it waits for): {@code ⠋ add member 3 (3→4): READY 4.2s member 3 is running but
 * not ready yet}. The stage comes from the loop's ticks ({@link #onTick}), its start from the
 * events. Every other line is printed through {@link #line} so that the status line is cleared
 * first and drawn again after it. Elsewhere (a pipe, a file, CI) the output is the plain lines
 * only. Thread-safe: the engine, the loop and the redraw thread print through one lock.
 */
public final class ProgressPrinter implements ExecutionListener, AutoCloseable {
  /** How long a stage runs before the status line shows it. */
  static final Duration STATUS_AFTER = Duration.ofSeconds(1);

  /** How often the status line is redrawn (the spinner's speed). */
  static final Duration REDRAW_EVERY = Duration.ofMillis(100);

  /** Back to the start of the line, and clear it. */
  static final String CLEAR_LINE = "\r\033[K";

  private static final String[] DOTS = {"⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"};
  private static final String[] BAR = {"|", "/", "-", "\\"};

  private final PrintWriter out;
  private final Clock clock;
  private final Terminal terminal;
  private final DateTimeFormatter hms;
  private final String arrow;
  private final String[] spinner;
  private final Object lock = new Object();
  private Instant stageStart;
  private Running running;
  private String shown = "";
  private Thread redraw;
  private boolean closed;

  /** Plain lines only; stages are timed from {@code start} until the first event. */
  ProgressPrinter(PrintWriter out, Instant start) {
    this(out, Clock.systemDefaultZone(), Terminal.PLAIN, start);
  }

  /** Lines, and a status line when {@code terminal} is interactive; time from {@code clock}. */
  ProgressPrinter(PrintWriter out, Clock clock, Terminal terminal) {
    this(out, clock, terminal, clock.instant());
  }

  private ProgressPrinter(PrintWriter out, Clock clock, Terminal terminal, Instant start) {
    this.out = out;
    this.clock = clock;
    this.terminal = terminal;
    this.stageStart = start;
    this.hms = DateTimeFormatter.ofPattern("HH:mm:ss").withZone(clock.getZone());
    this.arrow = terminal.unicode() ? "→" : "->";
    this.spinner = terminal.unicode() ? DOTS : BAR;
  }

  /** Starts redrawing the status line (on an interactive terminal only); {@link #close} stops. */
  ProgressPrinter start() {
    synchronized (lock) {
      if (terminal.interactive() && redraw == null && !closed) {
        redraw = new Thread(this::redrawLoop, "ballast-progress");
        redraw.setDaemon(true);
        redraw.start();
      }
    }
    return this;
  }

  @Override
  public void onEvent(ScalingEvent e) {
    synchronized (lock) {
      print("[" + hms.format(e.time()) + "] " + describe(e));
    }
  }

  /** The event's line, and what it ends: the stage timed from here on, the status line shown. */
  private String describe(ScalingEvent e) {
    String line =
        switch (e.reason()) {
          case STAGE_COMPLETED ->
              step(e)
                  + ": "
                  + e.stage()
                  + " ok ("
                  + seconds(Duration.between(stageStart, e.time()))
                  + ")"
                  + stageDetail(e);
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
    if (e.reason() == EventReason.SCALING_STARTED && e.from() != e.to()) {
      // Its first stage runs before any tick reports it: every plan starts with its first step.
      Step first = Plan.between(e.from(), e.to()).steps().get(0);
      running = new Running(first, false, first.firstStage(), null);
    } else if (e.reason() != EventReason.STAGE_RETRIED) {
      // The stage the status line showed has ended; the next tick tells the one that follows.
      running = null;
    }
    return line;
  }

  /**
   * What a completed stage reports beyond "done" (a fill's "1000/1000 moved (100%): hash slots"),
   * as ": detail"; empty for the stages that report nothing more.
   */
  private static String stageDetail(ScalingEvent e) {
    String marker = e.stage() + " done: ";
    int at = e.message() == null ? -1 : e.message().indexOf(marker);
    return at < 0 ? "" : ": " + e.message().substring(at + marker.length());
  }

  /** One tick of the loop: the operation in flight, whose stage the status line shows. */
  public void onTick(Progress progress) {
    synchronized (lock) {
      running = progress.operation().filter(op -> !op.finished()).map(Running::of).orElse(null);
    }
  }

  /** Prints a line of another kind (a timeline line) without garbling the status line. */
  void line(String text) {
    synchronized (lock) {
      print(text);
    }
  }

  /** Draws the status line as it should look now, if it changed (the redraw thread calls this). */
  void refresh() {
    synchronized (lock) {
      if (!terminal.interactive() || closed) {
        return;
      }
      String status = status(clock.instant());
      if (!status.equals(shown)) {
        out.print(CLEAR_LINE + status);
        out.flush();
        shown = status;
      }
    }
  }

  /** Stops redrawing and clears the status line, so that what follows starts on a clean line. */
  @Override
  public void close() {
    Thread t;
    synchronized (lock) {
      closed = true;
      running = null;
      if (!shown.isEmpty()) {
        out.print(CLEAR_LINE);
        out.flush();
        shown = "";
      }
      t = redraw;
    }
    if (t != null) {
      t.interrupt();
      try {
        t.join(1000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  private void redrawLoop() {
    while (true) {
      try {
        Thread.sleep(REDRAW_EVERY.toMillis());
      } catch (InterruptedException e) {
        return;
      }
      synchronized (lock) {
        if (closed) {
          return;
        }
      }
      refresh();
    }
  }

  /** A permanent line: the status line is cleared first and drawn again below it. */
  private void print(String text) {
    if (!shown.isEmpty()) {
      out.print(CLEAR_LINE);
      shown = "";
    }
    out.println(text);
    if (terminal.interactive() && !closed) {
      shown = status(clock.instant());
      out.print(shown);
    }
    out.flush();
  }

  /** " ⠋ add member 3 (3→4): READY 4.2s member 3 is running but not ready yet", or "". */
  private String status(Instant now) {
    Running op = running;
    if (op == null) {
      return "";
    }
    Duration took = Duration.between(stageStart, now);
    if (took.compareTo(STATUS_AFTER) < 0) {
      return "";
    }
    String frame =
        spinner[(int) Math.floorMod(now.toEpochMilli() / REDRAW_EVERY.toMillis(), spinner.length)];
    String waiting = op.waiting() == null ? "" : "  " + op.waiting().replaceAll("\\s+", " ").trim();
    return fit("  " + frame + " " + step(op) + ": " + op.stage() + " " + seconds(took) + waiting);
  }

  /** Cut to the terminal's width: a line that wraps could not be redrawn in place. */
  private String fit(String text) {
    int width = terminal.columns() - 1;
    if (width <= 0 || text.codePointCount(0, text.length()) <= width) {
      return text;
    }
    return text.substring(0, text.offsetByCodePoints(0, width));
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

  /** The same words for the stage's step as {@link #step(ScalingEvent)}. */
  private String step(Running op) {
    Step s = op.step();
    int k = s.ordinal();
    if (op.cancelling()) {
      return "cancel removal of member " + k;
    }
    String what =
        switch (s.kind()) {
          case ADD -> "add member ";
          case REMOVE -> "remove member ";
          case UNDO_ADD -> "roll back member ";
        };
    return what + k + " (" + s.sizeBefore() + arrow + s.sizeAfter() + ")";
  }

  /** The stage in flight, as the status line shows it; {@code waiting} is null or why it waits. */
  private record Running(Step step, boolean cancelling, Stage stage, String waiting) {
    static Running of(Operation op) {
      return new Running(
          op.currentStep(), op.phase() == Phase.CANCELLING, op.stage(), op.lastError());
    }
  }

  private static String seconds(Duration d) {
    return String.format(Locale.ROOT, "%.1fs", d.toMillis() / 1000.0);
  }
}
