package dev.ballast.core.execute;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import dev.ballast.core.history.HistoryRecord;
import dev.ballast.core.plan.Stage;
import dev.ballast.core.policy.ScalingPolicy;
import dev.ballast.core.policy.ShrinkPolicy;
import dev.ballast.core.policy.StageTimeouts;
import dev.ballast.core.port.OperationStore;
import dev.ballast.core.testing.Journals;
import dev.ballast.core.testing.OperationStoreContract;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * The journal, history and policy records serialize with a plain Jackson mapper (plus the JSR-310
 * module), as the file and CR-status adapters will store them.
 */
class JournalJsonTest {

  private static final ObjectMapper JSON =
      new ObjectMapper()
          .registerModule(new JavaTimeModule())
          .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);

  @Test
  void anOperationRoundTripsThroughJson() throws Exception {
    // given
    Operation op = Journals.rollingBack();

    // when
    String json = JSON.writeValueAsString(op);
    Operation back = JSON.readValue(json, Operation.class);

    // then
    assertThat(back).isEqualTo(op);
    assertThat(json)
        .contains("\"stage\":\"STOP\"")
        .contains("\"phase\":\"ROLLING_BACK\"")
        .contains("\"startedAt\":\"2026-01-01T12:00:00.123456789Z\"")
        .doesNotContain("currentStep")
        .doesNotContain("position");
  }

  @Test
  void historyRecordsRoundTripThroughJson() throws Exception {
    // given
    List<HistoryRecord> records = Journals.records();

    // when
    String json = JSON.writeValueAsString(records);
    HistoryRecord[] back = JSON.readValue(json, HistoryRecord[].class);

    // then
    assertThat(back).containsExactlyElementsOf(records);
    assertThat(json).contains("\"trigger\":\"AUTO\"").contains("\"outcome\":\"SUCCEEDED\"");
  }

  @Test
  void aPolicyRoundTripsThroughJson() throws Exception {
    // given
    ScalingPolicy policy =
        ScalingPolicy.builder()
            .minReplicas(3)
            .allowedReplicas(List.of(3, 5, 7))
            .shrink(ShrinkPolicy.DISABLED)
            .timeouts(
                StageTimeouts.uniform(Duration.ofMinutes(2))
                    .with(Stage.JOIN, Duration.ofSeconds(60)))
            .build();

    // when
    ScalingPolicy back = JSON.readValue(JSON.writeValueAsString(policy), ScalingPolicy.class);

    // then
    assertThat(back).isEqualTo(policy);
  }

  /** A store that keeps only JSON text, so a reopen must parse what a save wrote. */
  @Nested
  class JsonTextStoreFulfilsTheContract extends OperationStoreContract {
    private final class TextStore implements OperationStore {
      private final String[] text;

      TextStore(String[] text) {
        this.text = text;
      }

      @Override
      public Optional<Operation> load() {
        try {
          return text[0] == null
              ? Optional.empty()
              : Optional.of(JSON.readValue(text[0], Operation.class));
        } catch (Exception e) {
          throw new IllegalStateException(e);
        }
      }

      @Override
      public void save(Operation operation) {
        try {
          text[0] = JSON.writeValueAsString(operation);
        } catch (Exception e) {
          throw new IllegalStateException(e);
        }
      }

      @Override
      public void clear() {
        text[0] = null;
      }
    }

    @Override
    protected OperationStore newStore() {
      return new TextStore(new String[1]);
    }

    @Override
    protected OperationStore reopen(OperationStore store) {
      return new TextStore(((TextStore) store).text);
    }
  }
}
