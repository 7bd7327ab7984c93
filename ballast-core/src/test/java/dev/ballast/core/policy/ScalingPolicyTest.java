package dev.ballast.core.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ballast.core.plan.Stage;
import dev.ballast.core.port.DataPolicy;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class ScalingPolicyTest {

  @Test
  void appliesEveryDefaultWhenOnlyMaxReplicasIsGiven() {
    // given
    var builder = ScalingPolicy.builder().maxReplicas(5);

    // when
    ScalingPolicy policy = builder.build();

    // then
    assertThat(policy.minReplicas()).isEqualTo(1);
    assertThat(policy.maxReplicas()).isEqualTo(5);
    assertThat(policy.allowedReplicas()).isEmpty();
    assertThat(policy.shrink()).isEqualTo(ShrinkPolicy.ALLOWED);
    assertThat(policy.dataPolicy()).isEqualTo(DataPolicy.RETAIN);
    assertThat(policy.quorumGuard()).isEqualTo(QuorumGuard.MAJORITY);
    assertThat(policy.timeout(Stage.JOIN)).isEqualTo(Duration.ofMinutes(2));
    assertThat(policy.timeout(Stage.DRAINED)).isEqualTo(Duration.ofMinutes(10));
    assertThat(policy.maxAttempts()).isEqualTo(3);
    assertThat(policy.retryBackoff()).isEqualTo(Duration.ofSeconds(2));
    assertThat(policy.onMetricFailure()).isEqualTo(OnMetricFailure.HOLD);
  }

  @Test
  void maxReplicasDefaultsToTheLargestAllowedSize() {
    // when
    ScalingPolicy policy =
        ScalingPolicy.builder().minReplicas(3).allowedReplicas(List.of(7, 3, 5)).build();

    // then
    assertThat(policy.maxReplicas()).isEqualTo(7);
    assertThat(policy.allowedReplicas()).containsExactly(3, 5, 7);
    assertThat(policy.allowedReplicasText()).isEqualTo("3, 5, 7");
  }

  @Test
  void reportsEveryProblemAtOnceWithTheFieldAndTheFix() {
    // given
    var builder =
        ScalingPolicy.builder()
            .minReplicas(0)
            .maxReplicas(-1)
            .allowedReplicas(List.of(9))
            .drainTimeout(Duration.ZERO)
            .maxAttempts(0)
            .timeouts(StageTimeouts.uniform(Duration.ofSeconds(-1)));

    // when
    List<String> problems = builder.validate();

    // then
    assertThat(problems)
        .anySatisfy(p -> assertThat(p).startsWith("minReplicas: must be at least 1, was 0"))
        .anySatisfy(p -> assertThat(p).startsWith("maxReplicas: must be at least minReplicas"))
        .anySatisfy(p -> assertThat(p).startsWith("allowedReplicas: 9 is outside"))
        .anySatisfy(p -> assertThat(p).startsWith("drainTimeout: must be a positive duration"))
        .anySatisfy(p -> assertThat(p).startsWith("maxAttempts: must be at least 1"))
        .anySatisfy(p -> assertThat(p).startsWith("timeouts.default: must be a positive"))
        .hasSize(6);
    assertThatThrownBy(builder::build)
        .isInstanceOf(PolicyValidationException.class)
        .satisfies(e -> assertThat(((PolicyValidationException) e).problems()).isEqualTo(problems));
  }

  @Test
  void requiresMaxReplicasWhenNoAllowedSizesAreGiven() {
    // when
    List<String> problems = ScalingPolicy.builder().minReplicas(3).validate();

    // then
    assertThat(problems)
        .containsExactly("maxReplicas: required; set the largest size Ballast may scale to");
  }

  @Test
  void aValidPolicyHasNoProblems() {
    assertThat(ScalingPolicy.builder().minReplicas(3).maxReplicas(7).validate()).isEmpty();
  }

  @Test
  void stageOverridesTakePrecedenceOverTheDefaultTimeout() {
    // given
    StageTimeouts timeouts =
        StageTimeouts.uniform(Duration.ofMinutes(2)).with(Stage.JOIN, Duration.ofSeconds(60));

    // when
    ScalingPolicy policy = ScalingPolicy.builder().maxReplicas(3).timeouts(timeouts).build();

    // then
    assertThat(policy.timeout(Stage.JOIN)).isEqualTo(Duration.ofSeconds(60));
    assertThat(policy.timeout(Stage.READY)).isEqualTo(Duration.ofMinutes(2));
  }

  @Test
  void allowsOnlySizesWithinBoundsAndTheAllowedSet() {
    // given
    ScalingPolicy policy =
        ScalingPolicy.builder().minReplicas(3).allowedReplicas(List.of(3, 5, 7)).build();

    // then
    assertThat(policy.allows(5)).isTrue();
    assertThat(policy.allows(4)).isFalse();
    assertThat(policy.allows(9)).isFalse();
  }
}
