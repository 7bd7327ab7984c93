package dev.ballast.operator;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.APIResourceBuilder;
import io.fabric8.kubernetes.api.model.APIResourceListBuilder;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceBuilder;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionBuilder;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.autoscaling.v1.ScaleBuilder;
import io.fabric8.kubernetes.api.model.autoscaling.v2.CrossVersionObjectReference;
import io.fabric8.kubernetes.api.model.autoscaling.v2.CrossVersionObjectReferenceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What the operator reads of a target kind that is not a StatefulSet, on the fabric8 mock API
 * server (expectations mode, every request recorded): which permissions it asks before starting a
 * cache ({@link TargetAccess}), and that {@link TargetWorkload} reads its replicas from a cache at
 * the kind's {@code /scale} path when one serves the kind, and with a GET of {@code /scale}
 * otherwise (the fallback when {@code list}/{@code watch} is not granted).
 */
@EnableKubernetesMockClient
class TargetCacheFallbackIT {
  static final String NS = "apps";
  static final String CRD = "widgets.test.ballast.dev";

  KubernetesMockServer server;
  KubernetesClient client;

  /** The reviews asked ({@code verb resource}); the operator may do what {@code granted} lists. */
  final List<String> asked = new CopyOnWriteArrayList<>();

  final Set<String> granted = new java.util.concurrent.CopyOnWriteArraySet<>();

  static final CrossVersionObjectReference WIDGET =
      new CrossVersionObjectReferenceBuilder()
          .withApiVersion("test.ballast.dev/v1")
          .withKind("Widget")
          .withName("wid")
          .build();

  @BeforeEach
  void apiServer() {
    server
        .expect()
        .get()
        .withPath("/apis/test.ballast.dev/v1")
        .andReturn(
            200,
            new APIResourceListBuilder()
                .withGroupVersion("test.ballast.dev/v1")
                .withResources(
                    new APIResourceBuilder()
                        .withName("widgets")
                        .withKind("Widget")
                        .withNamespaced(true)
                        .build(),
                    new APIResourceBuilder()
                        .withName("widgets/scale")
                        .withKind("Scale")
                        .withNamespaced(true)
                        .build())
                .build())
        .always();
    MockCluster.answerAccessReviews(server, granted::contains, asked::add);
    server
        .expect()
        .get()
        .withPath("/apis/apiextensions.k8s.io/v1/customresourcedefinitions/" + CRD)
        .andReturn(
            200,
            new CustomResourceDefinitionBuilder()
                .withNewMetadata()
                .withName(CRD)
                .endMetadata()
                .withNewSpec()
                .withGroup("test.ballast.dev")
                .withScope("Namespaced")
                .withNewNames()
                .withKind("Widget")
                .withPlural("widgets")
                .endNames()
                .addNewVersion()
                .withName("v1")
                .withServed(true)
                .withStorage(true)
                .withNewSubresources()
                .withNewScale()
                .withSpecReplicasPath(".spec.size")
                .withStatusReplicasPath(".status.size")
                .endScale()
                .endSubresources()
                .endVersion()
                .endSpec()
                .build())
        .always();
  }

  @Test
  void withoutListAndWatchTheKindIsNotCachedAndTheMessageNamesThePermission() {
    // given: the operator may read widgets one by one and their CRD, not list or watch them
    granted.add("get customresourcedefinitions");

    // when
    TargetAccess access = TargetAccess.check(client, NS, WIDGET, true);

    // then: no informer, and what to grant is said
    assertThat(access.watchable()).isFalse();
    assertThat(access.why())
        .hasValue(
            "reading widgets.test.ballast.dev with a GET at each reconcile: grant list and watch"
                + " on widgets.test.ballast.dev in namespace apps to serve them from a cache");
    // and the CRD still tells where /scale keeps the replicas
    assertThat(access.scalePath()).hasValue(".spec.size");
  }

  @Test
  void withoutGetOnTheCrdTheReplicasPathIsUnknownAndTheMessageNamesTheCrd() {
    // given: list and watch on widgets, nothing on their CRD
    granted.addAll(List.of("list widgets", "watch widgets"));

    // when
    TargetAccess access = TargetAccess.check(client, NS, WIDGET, true);

    // then
    assertThat(access.watchable()).isTrue();
    assertThat(access.scaleKnown()).isFalse();
    assertThat(access.why())
        .hasValueSatisfying(
            why -> assertThat(why).contains("grant get on customresourcedefinitions " + CRD));
    assertThat(asked).doesNotContain("list customresourcedefinitions");
  }

  @Test
  void withEveryPermissionNothingIsMissingAndTheCrdGivesTheScalePath() {
    // given
    granted.addAll(List.of("list widgets", "watch widgets", "get customresourcedefinitions"));

    // when
    TargetAccess access = TargetAccess.check(client, NS, WIDGET, true);

    // then
    assertThat(access.watchable()).isTrue();
    assertThat(access.scalePath()).hasValue(".spec.size");
    assertThat(access.why()).isEmpty();
  }

  @Test
  void aResourceWithItsOwnReplicasPathDoesNotAskForTheCrd() {
    // given
    granted.addAll(List.of("list widgets", "watch widgets"));

    // when
    TargetAccess access = TargetAccess.check(client, NS, WIDGET, false);

    // then
    assertThat(access.why()).isEmpty();
    assertThat(asked).containsExactlyInAnyOrder("list widgets", "watch widgets");
  }

  @Test
  void aMissingPermissionIsAskedAgainAfterFiveMinutesNotAtEveryReconcile() {
    // given: a StatefulAutoscaler of a widget; the operator may not list or watch widgets
    granted.add("get customresourcedefinitions");
    InformerReads reads = new InformerReads(client, id -> Optional.empty(), id -> Optional.empty());
    var sas = new dev.ballast.crd.v1alpha1.StatefulAutoscaler();
    sas.setMetadata(
        new io.fabric8.kubernetes.api.model.ObjectMetaBuilder()
            .withName("wid")
            .withNamespace(NS)
            .build());
    sas.setSpec(new dev.ballast.crd.v1alpha1.StatefulAutoscalerSpec());
    sas.getSpec().targetRef = WIDGET;
    java.time.Instant t0 = java.time.Instant.parse("2026-01-01T00:00:00Z");
    Optional<String> first = reads.serve(null, sas, t0);
    int reviews = asked.size();

    // when: reconciles within the next 5 minutes
    Optional<String> later = reads.serve(null, sas, t0.plus(java.time.Duration.ofMinutes(4)));

    // then: the same answer, nothing asked again, no cache
    assertThat(first).hasValueSatisfying(why -> assertThat(why).contains("grant list and watch"));
    assertThat(later).isEqualTo(first);
    assertThat(asked).hasSize(reviews);
    assertThat(reads.workloads(NS, WIDGET)).isEmpty();

    // when: a reconcile 5 minutes after
    Optional<String> after = reads.serve(null, sas, t0.plus(InformerReads.ASK_AGAIN));

    // then: asked again (still missing)
    assertThat(asked).hasSizeGreaterThan(reviews);
    assertThat(after).isEqualTo(first);
  }

  /** Reads with no StatefulSet, pod or Node, and {@code cache} as the widgets' cache. */
  static KubernetesReads reads(Optional<KubernetesReads.WorkloadCache> cache) {
    return new KubernetesReads() {
      @Override
      public Optional<StatefulSet> statefulSet(String namespace, String name) {
        return Optional.empty();
      }

      @Override
      public Optional<Pod> pod(String namespace, String name) {
        return Optional.empty();
      }

      @Override
      public boolean cached() {
        return true;
      }

      @Override
      public List<Node> nodes() {
        return List.of();
      }

      @Override
      public Optional<KubernetesReads.WorkloadCache> workloads(
          String namespace, CrossVersionObjectReference ref) {
        return cache;
      }
    };
  }

  static GenericKubernetesResource widget(int size, int replicas) {
    return new GenericKubernetesResourceBuilder()
        .withApiVersion("test.ballast.dev/v1")
        .withKind("Widget")
        .withNewMetadata()
        .withName("wid")
        .withNamespace(NS)
        .endMetadata()
        .withAdditionalProperties(Map.of("spec", Map.of("size", size, "replicas", replicas)))
        .build();
  }

  /** The requests the server received since the last call. */
  List<String> requests() throws InterruptedException {
    List<String> out = new ArrayList<>();
    for (var r = server.takeRequest(10, java.util.concurrent.TimeUnit.MILLISECONDS);
        r != null;
        r = server.takeRequest(10, java.util.concurrent.TimeUnit.MILLISECONDS)) {
      out.add(r.getMethod() + " " + r.getPath());
    }
    return out;
  }

  @Test
  void aCachedKindIsReadAtItsScalePathWithoutARequest() throws Exception {
    // given: a cache of widgets whose /scale keeps the replicas at .spec.size
    TargetWorkload target =
        new TargetWorkload(
            client,
            reads(
                Optional.of(
                    new KubernetesReads.WorkloadCache(
                        name -> Optional.of(widget(3, 9)), Optional.of(".spec.size")))),
            NS,
            WIDGET,
            Optional.empty());
    requests();

    // when / then: the value at that path, and nothing asked of the server
    assertThat(target.replicas()).isEqualTo(3);
    assertThat(requests()).isEmpty();
  }

  @Test
  void anUncachedKindIsReadWithAGetOfScale() throws Exception {
    // given: no cache serves widgets (list/watch not granted); the server's /scale says 4
    server
        .expect()
        .get()
        .withPath("/apis/test.ballast.dev/v1/namespaces/apps/widgets/wid/scale")
        .andReturn(200, new ScaleBuilder().withNewSpec().withReplicas(4).endSpec().build())
        .always();
    TargetWorkload target =
        new TargetWorkload(client, reads(Optional.empty()), NS, WIDGET, Optional.empty());
    requests();

    // when
    int replicas = target.replicas();

    // then: the server's value, read with a GET of /scale
    assertThat(replicas).isEqualTo(4);
    assertThat(requests())
        .contains("GET /apis/test.ballast.dev/v1/namespaces/apps/widgets/wid/scale");
  }

  @Test
  void aReplicasPathOverridesTheScalePathInTheCache() throws Exception {
    // given
    TargetWorkload target =
        new TargetWorkload(
            client,
            reads(
                Optional.of(
                    new KubernetesReads.WorkloadCache(
                        name -> Optional.of(widget(3, 5)), Optional.of(".spec.size")))),
            NS,
            WIDGET,
            Optional.of(".spec.replicas"));
    requests();

    // when / then
    assertThat(target.replicas()).isEqualTo(5);
    assertThat(requests()).isEmpty();
  }
}
