package dev.ballast.crd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ballast.core.decide.model.MetricSpec;
import dev.ballast.core.plan.Stage;
import dev.ballast.core.policy.OnMetricFailure;
import dev.ballast.core.policy.QuorumGuard;
import dev.ballast.core.policy.ScalingPolicy;
import dev.ballast.core.policy.ShrinkPolicy;
import dev.ballast.core.port.DataPolicy;
import dev.ballast.core.predict.ForecastGateSettings;
import dev.ballast.core.vertical.VerticalSettings;
import dev.ballast.crd.v1alpha1.StatefulAutoscaler;
import dev.ballast.crd.v1alpha1.StatefulAutoscalerSpec.MembershipType;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AutoscalerSettingsTest {

  static StatefulAutoscaler cr(String specYaml) {
    String doc =
        "apiVersion: ballast.dev/v1alpha1\nkind: StatefulAutoscaler\nmetadata:\n  name: zk\n"
            + "spec:\n"
            + specYaml.indent(2);
    return Serialization.unmarshal(doc, StatefulAutoscaler.class);
  }

  @Test
  void fieldsLeftOutTakeThePolicyDefaultsOfClusterFiles() {
    // given
    StatefulAutoscaler sas =
        cr(
            """
            targetRef: {apiVersion: apps/v1, kind: StatefulSet, name: zk}
            maxReplicas: 7
            replicas: 3
            """);

    // when
    AutoscalerSettings s = AutoscalerSettings.from(sas.getSpec(), 500);

    // then: the same defaults as ScalingPolicy.builder(), with no membership protocol
    ScalingPolicy defaults = ScalingPolicy.builder().maxReplicas(7).build();
    assertThat(s.policy().minReplicas()).isEqualTo(defaults.minReplicas());
    assertThat(s.policy().shrink()).isEqualTo(defaults.shrink());
    assertThat(s.policy().dataPolicy()).isEqualTo(defaults.dataPolicy());
    assertThat(s.policy().drainTimeout()).isEqualTo(defaults.drainTimeout());
    assertThat(s.policy().timeouts()).isEqualTo(defaults.timeouts());
    assertThat(s.policy().onMetricFailure()).isEqualTo(OnMetricFailure.HOLD);
    assertThat(s.policy().quorumGuard()).isEqualTo(QuorumGuard.NONE);
    assertThat(s.membership()).isEqualTo(MembershipType.None);
    assertThat(s.autoscaling()).isFalse();
    assertThat(s.fixedReplicas()).hasValue(3);
    assertThat(s.autoscale().syncPeriod()).isEqualTo(Duration.ofSeconds(15));
    assertThat(s.prediction().enabled()).isFalse();
    assertThat(s.preflight()).isTrue();
  }

  @Test
  void etcdMembershipVotesAndKeepsItsSettings() {
    // given
    StatefulAutoscaler sas =
        cr(
            """
            targetRef: {apiVersion: apps/v1, kind: StatefulSet, name: etcd}
            maxReplicas: 5
            replicas: 3
            membership:
              type: Etcd
              settings: {clientPort: "2379", peerPort: "2380"}
            """);

    // when
    AutoscalerSettings s = AutoscalerSettings.from(sas.getSpec(), 500);

    // then: a removal keeps a voting majority, as for ZooKeeper
    assertThat(s.membership()).isEqualTo(MembershipType.Etcd);
    assertThat(s.policy().quorumGuard()).isEqualTo(QuorumGuard.MAJORITY);
    assertThat(s.membershipSettings())
        .containsOnly(Map.entry("clientPort", "2379"), Map.entry("peerPort", "2380"));
  }

  @Test
  void mapsTheStatefulRulesMetricsAndPrometheusQueries() {
    // given
    StatefulAutoscaler sas =
        cr(
            """
            targetRef: {apiVersion: apps/v1, kind: StatefulSet, name: zk}
            minReplicas: 3
            maxReplicas: 7
            allowedReplicas: [3, 5, 7]
            membership: {type: ZooKeeper, settings: {clientPort: "2181"}}
            scaleDown: {policy: Disabled, dataPolicy: Delete, drainTimeout: 5m}
            scaleUp: {verifyTimeout: 90s, preflight: false}
            onMetricFailure: ScaleToMax
            syncPeriod: 5s
            metrics:
            - type: Resource
              resource: {name: cpu, target: {type: Utilization, averageUtilization: 60}}
            - type: Prometheus
              prometheus:
                server: {url: "http://prometheus:9090"}
                query: sum(rate(zk_packets_received[1m]))
                target: {type: Value, value: "900"}
            behavior:
              scaleDown: {stabilizationWindowSeconds: 600}
            prediction:
              enabled: true
              season: 24h
              defaultJoinTime: 3m
              gate: {minAccuracy: 0.4, resumeAccuracy: 0.6, memory: 12}
            """);

    // when
    AutoscalerSettings s = AutoscalerSettings.from(sas.getSpec(), 500);

    // then
    assertThat(s.policy().allowedReplicas()).containsExactly(3, 5, 7);
    assertThat(s.policy().shrink()).isEqualTo(ShrinkPolicy.DISABLED);
    assertThat(s.policy().dataPolicy()).isEqualTo(DataPolicy.DELETE);
    assertThat(s.policy().drainTimeout()).isEqualTo(Duration.ofMinutes(5));
    assertThat(s.policy().timeout(Stage.VERIFY)).isEqualTo(Duration.ofSeconds(90));
    assertThat(s.policy().onMetricFailure()).isEqualTo(OnMetricFailure.SCALE_TO_MAX);
    assertThat(s.policy().quorumGuard()).isEqualTo(QuorumGuard.MAJORITY);
    assertThat(s.membershipSettings()).containsEntry("clientPort", "2181");
    assertThat(s.preflight()).isFalse();
    assertThat(s.autoscale().syncPeriod()).isEqualTo(Duration.ofSeconds(5));
    assertThat(s.autoscale().cpuRequestMilli()).isEqualTo(500);
    assertThat(s.autoscale().autoscaler().metrics())
        .extracting(MetricSpec::name)
        .containsExactly("cpu", "prometheus:sum(rate(zk_packets_received[1m]))");
    assertThat(s.autoscale().autoscaler().metrics().get(1)).isInstanceOf(MetricSpec.External.class);
    assertThat(s.autoscale().autoscaler().behavior().scaleDown().stabilizationWindowSeconds())
        .isEqualTo(600);
    assertThat(s.prediction().enabled()).isTrue();
    assertThat(s.prediction().season()).isEqualTo(Duration.ofHours(24));
    assertThat(s.prediction().defaultJoinTime()).isEqualTo(Duration.ofMinutes(3));
    assertThat(s.prediction().gate()).isEqualTo(new ForecastGateSettings(0.4, 0.6, 12));
  }

  @Test
  void refusesAForecastGateThatResumesBelowItsMinimumNamingTheField() {
    // given
    StatefulAutoscaler sas =
        cr(
            """
            targetRef: {apiVersion: apps/v1, kind: StatefulSet, name: zk}
            maxReplicas: 7
            metrics:
            - type: Resource
              resource: {name: cpu, target: {type: Utilization, averageUtilization: 60}}
            prediction: {gate: {minAccuracy: 0.5, resumeAccuracy: 0.2}}
            """);

    // when / then
    assertThatThrownBy(() -> AutoscalerSettings.from(sas.getSpec(), 1000))
        .isInstanceOf(InvalidSpecException.class)
        .hasMessageContaining("spec.prediction.gate.resumeAccuracy: must be in minAccuracy");
  }

  @Test
  void reportsEveryProblemWithItsField() {
    // given: a size outside the bounds, a bad duration and a metric without its target
    StatefulAutoscaler sas =
        cr(
            """
            targetRef: {apiVersion: apps/v1, kind: StatefulSet, name: zk}
            minReplicas: 3
            maxReplicas: 7
            allowedReplicas: [3, 5, 9]
            scaleDown: {drainTimeout: soon}
            metrics:
            - type: Pods
              pods: {metric: {name: rps}}
            """);

    // when / then
    assertThatThrownBy(() -> AutoscalerSettings.from(sas.getSpec(), 1000))
        .isInstanceOfSatisfying(
            InvalidSpecException.class,
            e ->
                assertThat(e.problems())
                    .anySatisfy(p -> assertThat(p).startsWith("spec.scaleDown.drainTimeout"))
                    .anySatisfy(p -> assertThat(p).startsWith("spec.metrics[0].pods.target")));
  }

  @Test
  void nullListEntriesAndAPrometheusMetricWithoutQueryAreProblemsNamingTheirField() {
    // given: what the fuzz test found (a null metric threw a NullPointerException)
    StatefulAutoscaler sas =
        cr(
            """
            targetRef: {apiVersion: apps/v1, kind: StatefulSet, name: zk}
            maxReplicas: 7
            allowedReplicas: [3, null]
            metrics:
            - null
            - type: Prometheus
              prometheus: {server: {url: "http://prom:9090"}}
            """);

    // when / then
    assertThatThrownBy(() -> AutoscalerSettings.from(sas.getSpec(), 1000))
        .isInstanceOfSatisfying(
            InvalidSpecException.class,
            e ->
                assertThat(e.problems())
                    .anySatisfy(p -> assertThat(p).startsWith("spec.allowedReplicas[1]: "))
                    .anySatisfy(p -> assertThat(p).startsWith("spec.metrics[0]: "))
                    .anySatisfy(p -> assertThat(p).startsWith("spec.metrics[1].prometheus.query")));
  }

  @Test
  void refusesAReplicasOutsideTheAllowedSizes() {
    // given
    StatefulAutoscaler sas =
        cr(
            """
            targetRef: {apiVersion: apps/v1, kind: StatefulSet, name: zk}
            maxReplicas: 7
            allowedReplicas: [3, 5, 7]
            minReplicas: 3
            replicas: 4
            """);

    // when / then
    assertThatThrownBy(() -> AutoscalerSettings.from(sas.getSpec(), 1000))
        .isInstanceOf(InvalidSpecException.class)
        .hasMessageContaining("spec.replicas: 4 is not an allowed size");
  }

  @Test
  void verticalAdviceTakesTheCoreDefaultsAndMapsQuantitiesAndTheHalfLife() {
    // given
    String base =
        """
        targetRef: {apiVersion: apps/v1, kind: StatefulSet, name: zk}
        maxReplicas: 7
        replicas: 3
        """;

    // when
    AutoscalerSettings none = AutoscalerSettings.from(cr(base).getSpec(), 500);
    AutoscalerSettings empty =
        AutoscalerSettings.from(cr(base + "verticalAdvice: {}\n").getSpec(), 500);
    AutoscalerSettings off =
        AutoscalerSettings.from(cr(base + "verticalAdvice: {enabled: false}\n").getSpec(), 500);
    AutoscalerSettings set =
        AutoscalerSettings.from(
            cr(base
                    + "verticalAdvice: {targetPercentile: 0.8, safetyMargin: 0.2, minCpu: 50m,"
                    + " minMemory: 1Gi, halfLife: 1h}\n")
                .getSpec(),
            500);

    // then
    assertThat(none.vertical()).isEmpty();
    assertThat(off.vertical()).isEmpty();
    assertThat(empty.vertical()).hasValue(VerticalSettings.defaults());
    VerticalSettings v = set.vertical().orElseThrow();
    assertThat(v.targetPercentile()).isEqualTo(0.8);
    assertThat(v.lowerPercentile()).isEqualTo(VerticalSettings.defaults().lowerPercentile());
    assertThat(v.safetyMargin()).isEqualTo(0.2);
    assertThat(v.minCpuCores()).isEqualTo(0.05);
    assertThat(v.minMemoryBytes()).isEqualTo(1024.0 * 1024 * 1024);
    assertThat(v.halfLife()).isEqualTo(Duration.ofHours(1));
  }

  @Test
  void verticalAdviceProblemsNameTheirFieldAndTheDefaultsTheyCollideWith() {
    // given: a target below the default lower percentile (0.5), and a minCpu that is no quantity
    StatefulAutoscaler sas =
        cr(
            """
            targetRef: {apiVersion: apps/v1, kind: StatefulSet, name: zk}
            maxReplicas: 7
            replicas: 3
            verticalAdvice: {targetPercentile: 0.4, minCpu: lots, halfLife: 0s}
            """);

    // when / then: every problem at once
    assertThatThrownBy(() -> AutoscalerSettings.from(sas.getSpec(), 500))
        .isInstanceOf(InvalidSpecException.class)
        .hasMessageContaining("spec.verticalAdvice.lowerPercentile: 0.5 is above targetPercentile")
        .hasMessageContaining("spec.verticalAdvice.minCpu")
        .hasMessageContaining("spec.verticalAdvice.halfLife: must be positive");
  }
}
