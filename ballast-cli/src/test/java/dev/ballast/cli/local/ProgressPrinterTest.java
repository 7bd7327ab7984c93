package dev.ballast.cli.local;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ballast.core.execute.EventReason;
import dev.ballast.core.execute.ScalingEvent;
import dev.ballast.core.history.Trigger;
import dev.ballast.core.plan.Stage;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class ProgressPrinterTest {
  private static final Instant T0 = Instant.parse("2026-01-01T12:00:00Z");

  private static ScalingEvent event(
      long millis, EventReason reason, Integer ordinal, Stage stage, String message) {
    return new ScalingEvent(
        T0.plusMillis(millis), reason, "op-1", Trigger.MANUAL, 3, 5, ordinal, stage, message);
  }

  @Test
  void printsOneLinePerStageWithTheTimeItTook() {
    // given
    StringWriter text = new StringWriter();
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
}
