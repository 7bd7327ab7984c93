// Command hpa-oracle reads Ballast decision snapshots (docs/snapshot.md) and prints what the real
// Kubernetes HorizontalController decides in one reconcile of each.
//
// Usage:
//
//	hpa-oracle [FILE...]
//
// Each FILE (or standard input when none is given, or for "-") holds one or more JSON snapshots,
// one after the other. For each snapshot one JSON line is printed, in order:
//
//	{"currentReplicas":3,"desiredReplicas":5,
//	 "metrics":[{"proposedReplicas":5,"error":null}],
//	 "conditions":[{"type":"AbleToScale","status":"True","reason":"SucceededRescale"},...],
//	 "currentMetrics":[...],"history":{"recommendations":[...],"scaleUpEvents":[],"scaleDownEvents":[]}}
//
// or {"inputError":"..."} for a snapshot the oracle cannot run (see README.md for what is out of
// reach). The controller is the exported NewHorizontalController of k8s.io/kubernetes, driven over
// fake clients: informers whose indexers hold the autoscaler (with the API server's defaults) and
// the pods, a scale client that serves the snapshot's Scale, and the real REST metrics client over
// fake resource, custom and external metrics clients. The snapshot's times are shifted so that
// its "now" is the wall clock at the start of the reconcile.
package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"math"
	"os"
	"sync"
	"time"

	autoscalingv1 "k8s.io/api/autoscaling/v1"
	autoscalingv2 "k8s.io/api/autoscaling/v2"
	corev1 "k8s.io/api/core/v1"
	k8serrors "k8s.io/apimachinery/pkg/api/errors"
	apimeta "k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/types"
	autoscalinginformers "k8s.io/client-go/informers/autoscaling/v2"
	coreinformers "k8s.io/client-go/informers/core/v1"
	kubefake "k8s.io/client-go/kubernetes/fake"
	autoscalinglisters "k8s.io/client-go/listers/autoscaling/v2"
	corelisters "k8s.io/client-go/listers/core/v1"
	"k8s.io/client-go/scale"
	clienttesting "k8s.io/client-go/testing"
	"k8s.io/client-go/tools/cache"
	"k8s.io/klog/v2"
	autoscalingdefaults "k8s.io/kubernetes/pkg/apis/autoscaling/v2"
	"k8s.io/kubernetes/pkg/controller/podautoscaler"
	metricsclient "k8s.io/kubernetes/pkg/controller/podautoscaler/metrics"
	custommetricsv1beta2 "k8s.io/metrics/pkg/apis/custom_metrics/v1beta2"
	externalmetricsv1beta1 "k8s.io/metrics/pkg/apis/external_metrics/v1beta1"
	metricsv1beta1 "k8s.io/metrics/pkg/apis/metrics/v1beta1"
	metricsfake "k8s.io/metrics/pkg/client/clientset/versioned/fake"
)

// controllerSettings are kube-controller-manager's flags; absent keys take the production defaults.
type controllerSettings struct {
	Tolerance                           *float64 `json:"tolerance"`
	CPUInitializationPeriodSeconds      *int64   `json:"cpuInitializationPeriodSeconds"`
	InitialReadinessDelaySeconds        *int64   `json:"initialReadinessDelaySeconds"`
	DownscaleStabilizationWindowSeconds *int64   `json:"downscaleStabilizationWindowSeconds"`
}

type snapshot struct {
	Now             metav1.Time                                  `json:"now"`
	Controller      *controllerSettings                          `json:"controller"`
	Autoscaler      *autoscalingv2.HorizontalPodAutoscaler       `json:"autoscaler"`
	Scale           *autoscalingv1.Scale                         `json:"scale"`
	Pods            []corev1.Pod                                 `json:"pods"`
	PodMetrics      []metricsv1beta1.PodMetrics                  `json:"podMetrics"`
	CustomMetrics   []custommetricsv1beta2.MetricValue           `json:"customMetrics"`
	ExternalMetrics []externalmetricsv1beta1.ExternalMetricValue `json:"externalMetrics"`
	History         json.RawMessage                              `json:"history"`
}

type condition struct {
	Type   string `json:"type"`
	Status string `json:"status"`
	Reason string `json:"reason"`
}

type metricOutcome struct {
	ProposedReplicas *int32  `json:"proposedReplicas"`
	Error            *string `json:"error"`
}

type result struct {
	InputError      string                       `json:"inputError,omitempty"`
	CurrentReplicas *int32                       `json:"currentReplicas,omitempty"`
	DesiredReplicas *int32                       `json:"desiredReplicas,omitempty"`
	Metrics         []metricOutcome              `json:"metrics,omitempty"`
	Conditions      []condition                  `json:"conditions,omitempty"`
	CurrentMetrics  []autoscalingv2.MetricStatus `json:"currentMetrics,omitempty"`
	History         *historyOut                  `json:"history,omitempty"`
}

func main() {
	klog.InitFlags(nil)
	_ = flag.Set("logtostderr", "false")
	_ = flag.Set("stderrthreshold", "FATAL")
	klog.SetOutput(io.Discard)
	klog.LogToStderr(false)
	flag.Usage = func() {
		fmt.Fprintln(os.Stderr, "usage: hpa-oracle [FILE...]   (no FILE or '-': standard input; one JSON line out per snapshot in)")
	}
	flag.Parse()
	out := bufio.NewWriter(os.Stdout)
	defer out.Flush()
	files := flag.Args()
	if len(files) == 0 {
		files = []string{"-"}
	}
	for _, f := range files {
		var r io.Reader = os.Stdin
		if f != "-" {
			file, err := os.Open(f)
			if err != nil {
				fmt.Fprintf(os.Stderr, "hpa-oracle: %v\n", err)
				os.Exit(2)
			}
			defer file.Close()
			r = file
		}
		dec := json.NewDecoder(bufio.NewReader(r))
		for {
			var raw json.RawMessage
			if err := dec.Decode(&raw); err == io.EOF {
				break
			} else if err != nil {
				fmt.Fprintf(os.Stderr, "hpa-oracle: %s: not a JSON document: %v\n", f, err)
				os.Exit(2)
			}
			res := decide(raw)
			line, _ := json.Marshal(res)
			out.Write(line)
			out.WriteByte('\n')
			// A caller that streams snapshots waits for each answer.
			out.Flush()
		}
	}
}

func decide(raw json.RawMessage) result {
	var s snapshot
	if err := json.Unmarshal(raw, &s); err != nil {
		return result{InputError: err.Error()}
	}
	if s.Autoscaler == nil || s.Scale == nil {
		return result{InputError: "autoscaler and scale are required"}
	}
	var memory *history
	if len(s.History) > 0 && string(s.History) != "null" {
		memory = &history{}
		if err := json.Unmarshal(s.History, memory); err != nil {
			return result{InputError: "history: " + err.Error()}
		}
	}
	if s.Autoscaler.Kind != "" && s.Autoscaler.Kind != "HorizontalPodAutoscaler" {
		return result{InputError: "autoscaler.kind: only HorizontalPodAutoscaler"}
	}
	hpa := s.Autoscaler.DeepCopy()
	if hpa.Namespace == "" {
		hpa.Namespace = "default"
	}
	if hpa.Name == "" {
		hpa.Name = "autoscaler"
	}
	hpa.Kind = "HorizontalPodAutoscaler"
	hpa.APIVersion = "autoscaling/v2"
	// What the API server stores: the autoscaling/v2 defaults applied.
	autoscalingdefaults.SetObjectDefaults_HorizontalPodAutoscaler(hpa)
	// The status is the controller's own output; starting from an empty one makes every reconcile
	// write it (the oracle reads the decision from that write). Nothing in the status decides
	// anything while the HPAScaleToZero gate is off (the default).
	hpa.Status = autoscalingv2.HorizontalPodAutoscalerStatus{}

	whole := reconcileOnce(&s, hpa, memory)
	if whole.failure != "" {
		return result{InputError: whole.failure}
	}
	res := result{CurrentReplicas: &whole.current, DesiredReplicas: &whole.desired, CurrentMetrics: whole.status.CurrentMetrics, History: whole.memory}
	for _, c := range whole.status.Conditions {
		res.Conditions = append(res.Conditions, condition{Type: string(c.Type), Status: string(c.Status), Reason: c.Reason})
	}
	for i := range hpa.Spec.Metrics {
		res.Metrics = append(res.Metrics, proposal(&s, hpa, i))
	}
	return res
}

// proposal is metric i's own proposal: a reconcile of the autoscaler with that metric alone and
// every later rule made neutral (bounds 0..MaxInt32, both stabilization windows 0, rate policies of
// 2^30 pods), so that the replicas it writes are the replica calculator's proposal. The tolerances
// stay the autoscaler's. Null with the reason when the metric gives no proposal.
func proposal(s *snapshot, hpa *autoscalingv2.HorizontalPodAutoscaler, i int) metricOutcome {
	one := hpa.DeepCopy()
	one.Spec.Metrics = []autoscalingv2.MetricSpec{hpa.Spec.Metrics[i]}
	zero := int32(0)
	one.Spec.MinReplicas = &zero
	one.Spec.MaxReplicas = math.MaxInt32
	neutral := func(from *autoscalingv2.HPAScalingRules) *autoscalingv2.HPAScalingRules {
		window := int32(0)
		maxPolicy := autoscalingv2.MaxChangePolicySelect
		r := &autoscalingv2.HPAScalingRules{
			StabilizationWindowSeconds: &window,
			SelectPolicy:               &maxPolicy,
			Policies:                   []autoscalingv2.HPAScalingPolicy{{Type: autoscalingv2.PodsScalingPolicy, Value: 1 << 30, PeriodSeconds: 1}},
		}
		if from != nil {
			r.Tolerance = from.Tolerance
		}
		return r
	}
	var up, down *autoscalingv2.HPAScalingRules
	if hpa.Spec.Behavior != nil {
		up, down = hpa.Spec.Behavior.ScaleUp, hpa.Spec.Behavior.ScaleDown
	}
	one.Spec.Behavior = &autoscalingv2.HorizontalPodAutoscalerBehavior{ScaleUp: neutral(up), ScaleDown: neutral(down)}
	o := reconcileOnce(s, one, nil)
	if o.failure != "" {
		return metricOutcome{Error: strp(o.failure)}
	}
	for _, c := range o.status.Conditions {
		if (c.Type == autoscalingv2.ScalingActive || c.Type == autoscalingv2.AbleToScale) && c.Status == corev1.ConditionFalse {
			return metricOutcome{Error: strp(c.Reason + ": " + c.Message)}
		}
	}
	d := o.desired
	return metricOutcome{ProposedReplicas: &d}
}

// shifter moves snapshot times so that the snapshot's "now" becomes base. Go's zero time stays zero.
type shifter struct{ by time.Duration }

func (sh shifter) t(t *metav1.Time) {
	if t != nil && !t.IsZero() {
		t.Time = t.Time.Add(sh.by)
	}
}

// outcome is what one reconcile did: the replicas it left the target at and the status it wrote.
type outcome struct {
	current int32
	desired int32
	status  autoscalingv2.HorizontalPodAutoscalerStatus
	failure string
	memory  *historyOut
}

func reconcileOnce(s *snapshot, hpa *autoscalingv2.HorizontalPodAutoscaler, memory *history) outcome {
	settings := controllerSettings{}
	if s.Controller != nil {
		settings = *s.Controller
	}
	tolerance := 0.1
	if settings.Tolerance != nil {
		tolerance = *settings.Tolerance
	}
	cpuInit := 300 * time.Second
	if settings.CPUInitializationPeriodSeconds != nil {
		cpuInit = time.Duration(*settings.CPUInitializationPeriodSeconds) * time.Second
	}
	readinessDelay := 30 * time.Second
	if settings.InitialReadinessDelaySeconds != nil {
		readinessDelay = time.Duration(*settings.InitialReadinessDelaySeconds) * time.Second
	}
	downscaleWindow := 300 * time.Second
	if settings.DownscaleStabilizationWindowSeconds != nil {
		downscaleWindow = time.Duration(*settings.DownscaleStabilizationWindowSeconds) * time.Second
	}

	hpa = hpa.DeepCopy()
	ns := hpa.Namespace

	ref := hpa.Spec.ScaleTargetRef
	gv, err := schema.ParseGroupVersion(ref.APIVersion)
	if err != nil {
		gv = schema.GroupVersion{}
	}
	mapper := apimeta.NewDefaultRESTMapper([]schema.GroupVersion{gv})
	targetGVK := gv.WithKind(ref.Kind)
	mapper.Add(targetGVK, apimeta.RESTScopeNamespace)
	targetMapping, mapErr := mapper.RESTMapping(targetGVK.GroupKind(), gv.Version)

	scaleObj := s.Scale.DeepCopy()
	scaleObj.Namespace = ns
	scaleObj.Name = ref.Name
	initialSpec := scaleObj.Spec.Replicas

	// Recording fakes.
	var mu sync.Mutex
	var statusWrites []*autoscalingv2.HorizontalPodAutoscaler
	var scaleWrites []int32
	done := make(chan struct{})
	var doneOnce sync.Once

	// The controller and the time shift, set below; the status reactor reads the memory through them.
	var hc *podautoscaler.HorizontalController
	var sh shifter
	var memoryAfter *historyOut
	hpaIndexer := newInformer(&autoscalingv2.HorizontalPodAutoscaler{})
	podIndexer := newInformer(&corev1.Pod{})

	kube := kubefake.NewClientset()
	kube.PrependReactor("update", "horizontalpodautoscalers", func(action clienttesting.Action) (bool, runtime.Object, error) {
		u, ok := action.(clienttesting.UpdateAction)
		if !ok || u.GetSubresource() != "status" {
			return false, nil, nil
		}
		obj := u.GetObject().(*autoscalingv2.HorizontalPodAutoscaler).DeepCopy()
		mu.Lock()
		statusWrites = append(statusWrites, obj)
		if len(statusWrites) == 1 {
			// The status write ends the reconcile: its memory is complete (and the next reconcile,
			// finding the autoscaler gone, erases it).
			memoryAfter = recalled(hc, obj.Namespace+"/"+obj.Name, sh)
		}
		mu.Unlock()
		// One reconcile only: the next one finds the autoscaler gone and forgets it.
		_ = hpaIndexer.GetIndexer().Delete(obj)
		doneOnce.Do(func() { close(done) })
		return true, obj, nil
	})

	scales := &fakeScales{get: func(gr schema.GroupResource, name string) (*autoscalingv1.Scale, error) {
		if mapErr == nil && gr == targetMapping.Resource.GroupResource() && name == ref.Name {
			return scaleObj.DeepCopy(), nil
		}
		return nil, k8serrors.NewNotFound(gr, name)
	}, update: func(gr schema.GroupResource, sc *autoscalingv1.Scale) (*autoscalingv1.Scale, error) {
		mu.Lock()
		scaleWrites = append(scaleWrites, sc.Spec.Replicas)
		mu.Unlock()
		return sc.DeepCopy(), nil
	}}

	// Times: the snapshot's now becomes the wall clock now.
	base := time.Now()
	sh = shifter{by: base.Sub(s.Now.Time)}

	pods := make([]*corev1.Pod, 0, len(s.Pods))
	podLabels := map[string]map[string]string{}
	for i := range s.Pods {
		p := s.Pods[i].DeepCopy()
		if p.Namespace == "" {
			p.Namespace = ns
		}
		sh.t(p.DeletionTimestamp)
		sh.t(p.Status.StartTime)
		for j := range p.Status.Conditions {
			sh.t(&p.Status.Conditions[j].LastTransitionTime)
			sh.t(&p.Status.Conditions[j].LastProbeTime)
		}
		pods = append(pods, p)
		podLabels[p.Name] = p.Labels
	}
	podMetrics := make([]*metricsv1beta1.PodMetrics, 0, len(s.PodMetrics))
	for i := range s.PodMetrics {
		m := s.PodMetrics[i].DeepCopy()
		if m.Namespace == "" {
			m.Namespace = ns
		}
		if len(m.Labels) == 0 {
			// metrics-server copies the pod's labels; the API lists PodMetrics by label selector.
			m.Labels = podLabels[m.Name]
		}
		sh.t(&m.Timestamp)
		podMetrics = append(podMetrics, m)
	}
	custom := make([]custommetricsv1beta2.MetricValue, len(s.CustomMetrics))
	for i := range s.CustomMetrics {
		custom[i] = *s.CustomMetrics[i].DeepCopy()
		sh.t(&custom[i].Timestamp)
	}
	external := make([]externalmetricsv1beta1.ExternalMetricValue, len(s.ExternalMetrics))
	for i := range s.ExternalMetrics {
		external[i] = *s.ExternalMetrics[i].DeepCopy()
		sh.t(&external[i].Timestamp)
	}

	for _, p := range pods {
		_ = podIndexer.GetIndexer().Add(p)
	}
	_ = hpaIndexer.GetIndexer().Add(hpa)

	metricsClient := metricsclient.NewRESTMetricsClient(
		resourceMetrics(podMetrics).MetricsV1beta1(),
		&fakeCustomMetrics{values: custom, pods: pods},
		&fakeExternalMetrics{values: external},
	)

	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	hc = podautoscaler.NewHorizontalController(
		ctx,
		kube.CoreV1(),
		scales,
		kube.AutoscalingV2(),
		mapper,
		metricsClient,
		hpaInformerOf{hpaIndexer},
		podInformerOf{podIndexer},
		0, // resync: the first enqueue is processed at once
		downscaleWindow,
		tolerance,
		cpuInit,
		readinessDelay,
	)
	if memory != nil {
		remember(hc, ns+"/"+hpa.Name, memory, sh)
	}
	runDone := make(chan struct{})
	go func() {
		hc.Run(ctx, 1)
		close(runDone)
	}()
	hpaIndexer.handler.OnAdd(hpa, false)

	select {
	case <-done:
	case <-time.After(30 * time.Second):
		cancel()
		<-runDone
		return outcome{failure: "the controller wrote no status within 30 s"}
	}
	cancel()
	<-runDone

	mu.Lock()
	defer mu.Unlock()
	written := statusWrites[0]
	desired := initialSpec
	if len(scaleWrites) > 0 {
		desired = scaleWrites[0]
	}
	return outcome{desired: desired, current: initialSpec, status: written.Status, memory: memoryAfter}
}

// resourceMetrics is a fake metrics.k8s.io clientset that lists the PodMetrics whose labels match
// the request's selector (its generated object tracker files PodMetrics under a resource name its
// List does not use, so the list is answered by a reactor, as the controller's own tests do).
func resourceMetrics(items []*metricsv1beta1.PodMetrics) *metricsfake.Clientset {
	c := &metricsfake.Clientset{}
	c.AddReactor("list", "pods", func(action clienttesting.Action) (bool, runtime.Object, error) {
		selector := action.(clienttesting.ListAction).GetListRestrictions().Labels
		list := &metricsv1beta1.PodMetricsList{}
		for _, m := range items {
			if selector == nil || selector.Matches(labels.Set(m.Labels)) {
				list.Items = append(list.Items, *m.DeepCopy())
			}
		}
		return true, list, nil
	})
	return c
}

// ------------------------------------------------------------------------------ informers

// fakeInformer is an informer that is never started: its indexer is filled by hand, it is always
// synced, and it keeps the controller's event handler so that the oracle can announce the autoscaler.
type fakeInformer struct {
	cache.SharedIndexInformer
	handler cache.ResourceEventHandler
}

func newInformer(obj runtime.Object) *fakeInformer {
	return &fakeInformer{SharedIndexInformer: cache.NewSharedIndexInformer(&cache.ListWatch{}, obj, 0,
		cache.Indexers{cache.NamespaceIndex: cache.MetaNamespaceIndexFunc})}
}

func (f *fakeInformer) HasSynced() bool { return true }

func (f *fakeInformer) AddEventHandlerWithResyncPeriod(h cache.ResourceEventHandler, _ time.Duration) (cache.ResourceEventHandlerRegistration, error) {
	f.handler = h
	return nil, nil
}

type hpaInformerOf struct{ f *fakeInformer }

func (h hpaInformerOf) Informer() cache.SharedIndexInformer { return h.f }
func (h hpaInformerOf) Lister() autoscalinglisters.HorizontalPodAutoscalerLister {
	return autoscalinglisters.NewHorizontalPodAutoscalerLister(h.f.GetIndexer())
}

var _ autoscalinginformers.HorizontalPodAutoscalerInformer = hpaInformerOf{}

type podInformerOf struct{ f *fakeInformer }

func (p podInformerOf) Informer() cache.SharedIndexInformer { return p.f }
func (p podInformerOf) Lister() corelisters.PodLister {
	return corelisters.NewPodLister(p.f.GetIndexer())
}

var _ coreinformers.PodInformer = podInformerOf{}

// ------------------------------------------------------------------------------ scale client

type fakeScales struct {
	get    func(schema.GroupResource, string) (*autoscalingv1.Scale, error)
	update func(schema.GroupResource, *autoscalingv1.Scale) (*autoscalingv1.Scale, error)
}

func (f *fakeScales) Scales(string) scale.ScaleInterface { return f }

func (f *fakeScales) Get(_ context.Context, gr schema.GroupResource, name string, _ metav1.GetOptions) (*autoscalingv1.Scale, error) {
	return f.get(gr, name)
}

func (f *fakeScales) Update(_ context.Context, gr schema.GroupResource, sc *autoscalingv1.Scale, _ metav1.UpdateOptions) (*autoscalingv1.Scale, error) {
	return f.update(gr, sc)
}

func (f *fakeScales) Patch(context.Context, schema.GroupVersionResource, string, types.PatchType, []byte, metav1.PatchOptions) (*autoscalingv1.Scale, error) {
	return nil, errors.New("patch is not used by the HPA controller")
}

// ------------------------------------------------------------------------------ errors

func strp(s string) *string { return &s }
