package main

import (
	"strings"

	corev1 "k8s.io/api/core/v1"
	k8serrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/runtime/schema"
	custommetricsv1beta2 "k8s.io/metrics/pkg/apis/custom_metrics/v1beta2"
	externalmetricsv1beta1 "k8s.io/metrics/pkg/apis/external_metrics/v1beta1"
	customclient "k8s.io/metrics/pkg/client/custom_metrics"
	externalclient "k8s.io/metrics/pkg/client/external_metrics"
)

// fakeCustomMetrics serves custom.metrics.k8s.io as an adapter would: values for pods are
// returned for the snapshot's pods that the selector matches, a described object's value by kind
// and name. Metric label selectors are not modelled: the snapshot has one series per object.
type fakeCustomMetrics struct {
	values []custommetricsv1beta2.MetricValue
	pods   []*corev1.Pod
}

func (f *fakeCustomMetrics) RootScopedMetrics() customclient.MetricsInterface {
	return customScope{f}
}

func (f *fakeCustomMetrics) NamespacedMetrics(string) customclient.MetricsInterface {
	return customScope{f}
}

type customScope struct{ f *fakeCustomMetrics }

func (c customScope) GetForObject(gk schema.GroupKind, name string, metricName string, _ labels.Selector) (*custommetricsv1beta2.MetricValue, error) {
	for i := range c.f.values {
		v := &c.f.values[i]
		if v.Metric.Name == metricName && strings.EqualFold(v.DescribedObject.Kind, gk.Kind) &&
			v.DescribedObject.Name == name && groupOf(v.DescribedObject.APIVersion, gk.Group) {
			return v.DeepCopy(), nil
		}
	}
	return nil, k8serrors.NewNotFound(schema.GroupResource{Group: "custom.metrics.k8s.io", Resource: metricName}, name)
}

func (c customScope) GetForObjects(gk schema.GroupKind, selector labels.Selector, metricName string, _ labels.Selector) (*custommetricsv1beta2.MetricValueList, error) {
	selected := map[string]bool{}
	for _, p := range c.f.pods {
		if selector.Matches(labels.Set(p.Labels)) {
			selected[p.Name] = true
		}
	}
	out := &custommetricsv1beta2.MetricValueList{}
	for i := range c.f.values {
		v := &c.f.values[i]
		if v.Metric.Name == metricName && strings.EqualFold(v.DescribedObject.Kind, gk.Kind) &&
			selected[v.DescribedObject.Name] {
			out.Items = append(out.Items, *v.DeepCopy())
		}
	}
	return out, nil
}

// groupOf reports whether an object's apiVersion belongs to group (an empty apiVersion to any).
func groupOf(apiVersion, group string) bool {
	if apiVersion == "" {
		return true
	}
	gv, err := schema.ParseGroupVersion(apiVersion)
	return err == nil && gv.Group == group
}

// fakeExternalMetrics serves external.metrics.k8s.io: the series of that name whose labels the
// metric selector matches.
type fakeExternalMetrics struct {
	values []externalmetricsv1beta1.ExternalMetricValue
}

func (f *fakeExternalMetrics) NamespacedMetrics(string) externalclient.MetricsInterface {
	return externalScope{f}
}

type externalScope struct{ f *fakeExternalMetrics }

func (e externalScope) List(metricName string, selector labels.Selector) (*externalmetricsv1beta1.ExternalMetricValueList, error) {
	// The REST client sends the selector as a string: a nil metric selector (labels.Nothing())
	// goes out as "" and selects every series on the server.
	selector, err := labels.Parse(selector.String())
	if err != nil {
		return nil, err
	}
	out := &externalmetricsv1beta1.ExternalMetricValueList{}
	for i := range e.f.values {
		v := &e.f.values[i]
		if v.MetricName == metricName && selector.Matches(labels.Set(v.MetricLabels)) {
			out.Items = append(out.Items, *v.DeepCopy())
		}
	}
	return out, nil
}
