package dev.ballast.cli.local;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ballast.core.execute.EventReason;
import dev.ballast.core.execute.Operation;
import dev.ballast.core.execute.Phase;
import dev.ballast.core.execute.Progress;
import dev.ballast.core.execute.ScalingEvent;
import dev.ballast.core.history.Outcome;
import dev.ballast.core.history.Trigger;
import dev.ballast.core.plan.Plan;
import dev.ballast.core.plan.Stage;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ProgressPrinterTest {
  private static final Instant T0 = Instant.parse("2026-01-01T12:00:00Z");
  private static final Terminal TTY = new Terminal(true, 80, true);
  private static final Terminal PIPE = new Terminal(false, 0, true);
  private static final String CLEAR = "\r\033[K";

  private final StringWriter text = new StringWriter();
  private final FakeClock clock = new FakeClock();

  private static ScalingEvent event(
      long millis, EventReason reason, Integer ordinal, Stage stage, String message) {
    return new ScalingEvent(
        T0.plusMillis(millis), reason, "op-1", Trigger.MANUAL, 3, 5, ordinal, stage, message);
  }

  /** Operation op-1 (3 to 4) adding member 3, at {@code stage}, waiting for {@code why}. */
  private static Progress adding3(Stage stage, String why) {
    Operation op =
        new Operation(
            "op-1",
            Trigger.MANUAL,
            3,
            4,
            Plan.between(3, 4).steps(),
            0,
            stage,
            1,
            T0,
            T0,
            null,
            T0,
            Map.of(),
            why,
            null,
            Phase.FORWARD,
            false,
            Outcome.IN_PROGRESS,
            null,
            null,
            List.of());
    return new Progress(Optional.of(op), false, Duration.ofMillis(100));
  }

  /** A stage that takes two seconds, a timeline line printed while it runs, and its end. */
  private void playAnAddWithASlowReadyStage(ProgressPrinter printer) {
    clock.at(0);
    printer.onEvent(
        event(
            0,
            EventReason.SCALING_STARTED,
            null,
            null,
            "scaling from 3 to 4 members (manual), one member at a time"));
    printer.onTick(adding3(Stage.PREFLIGHT, null));
    clock.at(200);
    printer.onEvent(
        event(200, EventReason.STAGE_COMPLETED, 3, Stage.PREFLIGHT, "adding member 3: done"));
    printer.onTick(adding3(Stage.READY, null));
    clock.at(700);
    printer.refresh(); // 0.5 s: too short to show
    clock.at(1300);
    printer.refresh();
    printer.onTick(adding3(Stage.READY, "member 3 is running but not ready yet"));
    clock.at(1400);
    printer.refresh();
    printer.refresh(); // unchanged: nothing written
    clock.at(2000);
    printer.line("[12:00:02] load  389/s  members 4");
    clock.at(2100);
    printer.onEvent(
        event(2100, EventReason.STAGE_COMPLETED, 3, Stage.READY, "adding member 3: READY done"));
    printer.onTick(adding3(Stage.JOIN, null));
    clock.at(2200);
    printer.refresh(); // JOIN began 0.1 s ago
    printer.close();
  }

  @Test
  void printsOneLinePerStageWithTheTimeItTook() {
    // given
    ProgressPrinter printer = new ProgressPrinter(new PrintWriter(text), T0.minusSeconds(60));

    // when
    printer.onEvent(event(0, EventReason.SCALING_STARTED, null, null, "scaling from 3 to 5"));
    printer.onEvent(
        event(200, EventReason.STAGE_COMPLETED, 3, Stage.PREFLIGHT, "adding member 3: done"));
    printer.onEvent(
        event(1400, EventReason.STAGE_COMPLETED, 3, Stage.JOIN, "adding member 3: JOIN done"));
    printer.onEvent(
        event(1500, EventReason.STAGE_RETRIED, 4, Stage.LEAVE, "removing member 4: refused"));

    // then
    String[] lines = text.toString().lines().map(l -> l.substring(11)).toArray(String[]::new);
    String arrow = java.nio.charset.Charset.defaultCharset().name().equals("UTF-8") ? "→" : "->";
    assertThat(lines)
        .containsExactly(
            "scaling from 3 to 5",
            "add member 3 (3" + arrow + "4): PREFLIGHT ok (0.2s)",
            "add member 3 (3" + arrow + "4): JOIN ok (1.2s)",
            "remove member 4 (5" + arrow + "4): LEAVE retrying: removing member 4: refused");
    assertThat(text.toString()).startsWith("[");
  }

  @Test
  void aFillStageLineSaysHowMuchMoved() {
    // given
    ProgressPrinter printer = new ProgressPrinter(new PrintWriter(text), T0.minusSeconds(60));

    // when
    printer.onEvent(event(0, EventReason.SCALING_STARTED, null, null, "scaling from 3 to 5"));
    printer.onEvent(
        event(
            2500,
            EventReason.STAGE_COMPLETED,
            3,
            Stage.REBALANCED,
            "adding member 3: REBALANCED done: 4096/4096 moved (100%): hash slots"));

    // then
    String arrow = java.nio.charset.Charset.defaultCharset().name().equals("UTF-8") ? "→" : "->";
    assertThat(text.toString().lines().map(l -> l.substring(11)))
        .containsExactly(
            "scaling from 3 to 5",
            "add member 3 (3"
                + arrow
                + "4): REBALANCED ok (2.5s): 4096/4096 moved (100%): hash slots");
  }

  @Test
  void timesTheFirstStageOfEveryOperationFromThatOperationsStart() {
    // given: a printer made long before, and an operation that ended 34 s before the next began
    clock.at(-60_000);
    ProgressPrinter printer = new ProgressPrinter(new PrintWriter(text), clock, PIPE);

    // when
    printer.onEvent(event(0, EventReason.SCALING_STARTED, null, null, "scaling from 3 to 4"));
    printer.onEvent(
        event(300, EventReason.STAGE_COMPLETED, 3, Stage.PREFLIGHT, "adding member 3: done"));
    printer.onEvent(
        event(2000, EventReason.STAGE_COMPLETED, 3, Stage.PUBLISH, "adding member 3: done"));
    printer.onEvent(event(2000, EventReason.STEP_COMPLETED, 3, null, "adding member 3 done"));
    printer.onEvent(event(2000, EventReason.SCALED_UP, null, null, "scaled up from 3 to 4"));
    printer.onEvent(event(36_000, EventReason.SCALING_STARTED, null, null, "scaling from 4 to 3"));
    printer.onEvent(
        event(36_200, EventReason.STAGE_COMPLETED, 3, Stage.PREFLIGHT, "removing member 3: ok"));

    // then
    assertThat(text.toString().lines())
        .containsExactly(
            "[12:00:00] scaling from 3 to 4",
            "[12:00:00] add member 3 (3→4): PREFLIGHT ok (0.3s)",
            "[12:00:02] add member 3 (3→4): PUBLISH ok (1.7s)",
            "[12:00:02] add member 3 (3→4): done",
            "[12:00:02] ScaledUp: scaled up from 3 to 4",
            "[12:00:36] scaling from 4 to 3",
            "[12:00:36] remove member 3 (4→3): PREFLIGHT ok (0.2s)");
  }

  @Test
  void onATerminalRedrawsAStatusLineInPlaceWhileAStageTakesLongerThanASecond() {
    // given
    ProgressPrinter printer = new ProgressPrinter(new PrintWriter(text), clock, TTY);

    // when
    playAnAddWithASlowReadyStage(printer);

    // then: the exact bytes, spinner frames by the clock (one per 100 ms)
    assertThat(text.toString())
        .isEqualTo(
            "[12:00:00] scaling from 3 to 4 members (manual), one member at a time\n"
                + "[12:00:00] add member 3 (3→4): PREFLIGHT ok (0.2s)\n"
                + CLEAR
                + "  ⠸ add member 3 (3→4): READY 1.1s"
                + CLEAR
                + "  ⠼ add member 3 (3→4): READY 1.2s  member 3 is running but not ready yet"
                + CLEAR
                + "[12:00:02] load  389/s  members 4\n"
                + "  ⠋ add member 3 (3→4): READY 1.8s  member 3 is running but not ready yet"
                + CLEAR
                + "[12:00:02] add member 3 (3→4): READY ok (1.9s)\n");
  }

  @Test
  void elsewherePrintsExactlyThePlainLines() {
    // given
    ProgressPrinter printer = new ProgressPrinter(new PrintWriter(text), clock, PIPE).start();

    // when
    playAnAddWithASlowReadyStage(printer);

    // then
    assertThat(text.toString())
        .isEqualTo(
            "[12:00:00] scaling from 3 to 4 members (manual), one member at a time\n"
                + "[12:00:00] add member 3 (3→4): PREFLIGHT ok (0.2s)\n"
                + "[12:00:02] load  389/s  members 4\n"
                + "[12:00:02] add member 3 (3→4): READY ok (1.9s)\n")
        .doesNotContain("\r", "\033");
  }

  @Test
  void closingClearsTheStatusLineAndStopsDrawing() {
    // given: a stage that is shown
    ProgressPrinter printer = new ProgressPrinter(new PrintWriter(text), clock, TTY);
    clock.at(0);
    printer.onEvent(event(0, EventReason.SCALING_STARTED, null, null, "scaling from 3 to 4"));
    printer.onTick(adding3(Stage.PREFLIGHT, null));
    clock.at(1000);
    printer.refresh();

    // when
    printer.close();
    clock.at(1100);
    printer.refresh();

    // then
    assertThat(text.toString())
        .isEqualTo(
            "[12:00:00] scaling from 3 to 4\n"
                + CLEAR
                + "  ⠋ add member 3 (3→4): PREFLIGHT 1.0s"
                + CLEAR);
  }

  @Test
  void showsTheFirstStageOfAnOperationBeforeAnyTickReportsIt() {
    // given: PREFLIGHT's action runs in the first tick, before that tick can report anything
    ProgressPrinter printer = new ProgressPrinter(new PrintWriter(text), clock, TTY);
    clock.at(0);

    // when
    printer.onEvent(
        new ScalingEvent(
            T0, EventReason.SCALING_STARTED, "op-2", Trigger.AUTO, 5, 3, null, null, "shrink"));
    clock.at(1200);
    printer.refresh();

    // then
    assertThat(text.toString())
        .isEqualTo("[12:00:00] shrink\n" + CLEAR + "  ⠹ remove member 4 (5→4): PREFLIGHT 1.2s");
  }

  @Test
  void timesAResumedStageFromWhenThisProcessTookItOver() {
    // given: the journal says READY began an hour ago, in the process that crashed
    clock.at(0);
    ProgressPrinter printer = new ProgressPrinter(new PrintWriter(text), clock, TTY);
    printer.onTick(adding3(Stage.READY, null));

    // when
    clock.at(1500);
    printer.refresh();

    // then
    assertThat(text.toString()).isEqualTo(CLEAR + "  ⠴ add member 3 (3→4): READY 1.5s");
  }

  @Test
  void cutsTheStatusLineToTheTerminalWidth() {
    // given
    ProgressPrinter printer =
        new ProgressPrinter(new PrintWriter(text), clock, new Terminal(true, 30, true));
    clock.at(0);
    printer.onEvent(event(0, EventReason.SCALING_STARTED, null, null, "go"));
    printer.onTick(adding3(Stage.READY, "member 3 is running but not ready yet"));

    // when
    clock.at(1000);
    printer.refresh();

    // then: 29 columns, so that the line never wraps
    assertThat(text.toString()).endsWith(CLEAR + "  ⠋ add member 3 (3→4): READY");
  }

  @Test
  void withoutUnicodeUsesAsciiArrowsAndSpinner() {
    // given
    ProgressPrinter printer =
        new ProgressPrinter(new PrintWriter(text), clock, new Terminal(true, 80, false));
    clock.at(0);
    printer.onEvent(event(0, EventReason.SCALING_STARTED, null, null, "go"));
    printer.onTick(adding3(Stage.READY, null));

    // when
    clock.at(1300);
    printer.refresh();

    // then
    assertThat(text.toString()).endsWith(CLEAR + "  / add member 3 (3->4): READY 1.3s");
  }

  /** A clock the test sets, in UTC, relative to {@link #T0}. */
  private static final class FakeClock extends Clock {
    private Instant now = T0;

    void at(long millisAfterT0) {
      now = T0.plusMillis(millisAfterT0);
    }

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      throw new UnsupportedOperationException();
    }

    @Override
    public Instant instant() {
      return now;
    }
  }
}
