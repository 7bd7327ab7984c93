package dev.ballast.operator;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.ballast.core.policy.ShrinkPolicy;
import dev.ballast.crd.AutoscalerSettings;
import dev.ballast.crd.v1alpha1.StatefulAutoscalerSpec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The StatefulAutoscalers of examples/kubernetes read with no unknown field and map onto the core's
 * policy as their comments say. (The API server's schema and CEL rules check them in the
 * real-API-server tier.)
 */
class KubernetesExamplesTest {
  static final Path EXAMPLES = Path.of("..", "examples", "kubernetes");
  static final ObjectMapper STRICT =
      new ObjectMapper(new YAMLFactory()).enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

  static Map<String, AutoscalerSettings> settings() throws IOException {
    Map<String, AutoscalerSettings> out = new LinkedHashMap<>();
    try (var files = Files.list(EXAMPLES)) {
      for (Path f : files.filter(p -> p.toString().endsWith(".yaml")).sorted().toList()) {
        for (JsonNode doc : InstallManifestTest.documents(Files.readString(f))) {
          if (doc.path("kind").asText().equals("StatefulAutoscaler")) {
            StatefulAutoscalerSpec spec =
                STRICT.treeToValue(doc.path("spec"), StatefulAutoscalerSpec.class);
            out.put(doc.path("metadata").path("name").asText(), AutoscalerSettings.from(spec, 500));
          }
        }
      }
    }
    return out;
  }

  @Test
  void everyExampleMapsOntoThePolicyItsCommentsDescribe() throws IOException {
    // when
    Map<String, AutoscalerSettings> all = settings();

    // then
    assertThat(all).containsOnlyKeys("zk", "zk-by-hpa", "chat", "chunk", "meta", "etcd");
    assertThat(all.get("etcd").membership()).isEqualTo(StatefulAutoscalerSpec.MembershipType.Etcd);
    assertThat(all.get("etcd").policy().quorumGuard())
        .isEqualTo(dev.ballast.core.policy.QuorumGuard.MAJORITY);
    assertThat(all.get("etcd").policy().allowedReplicas()).containsExactly(3, 5);
    assertThat(all.get("etcd").fixedReplicas()).hasValue(3);
    assertThat(all.get("chat").vertical())
        .hasValue(dev.ballast.core.vertical.VerticalSettings.defaults());
    assertThat(all.get("zk").vertical()).isEmpty();
    assertThat(all.get("zk").policy().allowedReplicas()).containsExactly(3, 5, 7);
    assertThat(all.get("zk").autoscaling()).isTrue();
    assertThat(all.get("zk-by-hpa").autoscaling()).isFalse();
    assertThat(all.get("zk-by-hpa").fixedReplicas()).hasValue(3);
    assertThat(all.get("chat").policy().shrink()).isEqualTo(ShrinkPolicy.DISABLED);
    assertThat(all.get("chat").policy().allowedReplicas()).isEqualTo(java.util.Set.of(3, 5, 7));
    assertThat(all.get("chat").autoscale().autoscaler().metrics()).hasSize(2);
    assertThat(all.get("chat").membership()).isEqualTo(StatefulAutoscalerSpec.MembershipType.Hooks);
    assertThat(all.get("chat").runbook().hooks().get().members()).isPresent();
    assertThat(all.get("chunk").policy().nodes().onePerNode()).isTrue();
    assertThat(all.get("chunk").policy().quorumGuard())
        .isEqualTo(dev.ballast.core.policy.QuorumGuard.NONE);
    assertThat(all.get("chunk").runbook().execTargets().get("unregister").selector())
        .hasValue("iomesh.com/meta-leader");
    assertThat(all.get("meta").policy().nodes().sizing().get().sizeFor(5)).isEqualTo(5);
    assertThat(all.get("meta").policy().nodes().sizing().get().sizeFor(4)).isEqualTo(3);
    assertThat(all.get("meta").autoscaling()).isTrue();
    assertThat(List.copyOf(all.keySet())).isNotEmpty();
  }
}
