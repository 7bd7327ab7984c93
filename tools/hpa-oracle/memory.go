package main

import (
	"reflect"
	"time"
	"unsafe"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/kubernetes/pkg/controller/podautoscaler"
)

// history is the snapshot's controller memory (docs/snapshot.md): past unstabilized
// recommendations and past scale events. Recommendations absent or null means the controller has
// none yet (it then records the current size first); an empty list means an empty memory.
type history struct {
	Recommendations *[]struct {
		Timestamp metav1.Time `json:"timestamp"`
		Replicas  int32       `json:"replicas"`
	} `json:"recommendations"`
	ScaleUpEvents   []scaleEvent `json:"scaleUpEvents"`
	ScaleDownEvents []scaleEvent `json:"scaleDownEvents"`
}

type scaleEvent struct {
	Timestamp     metav1.Time `json:"timestamp"`
	ReplicaChange int32       `json:"replicaChange"`
}

// remember puts the snapshot's memory into the controller's private maps, as if its own earlier
// reconciles had recorded it (times shifted like every other snapshot time). The maps and their
// element types are unexported in k8s.io/kubernetes v1.36.3 (recommendations
// map[string][]timestampedRecommendation{recommendation int32; timestamp time.Time}, scaleUpEvents
// and scaleDownEvents map[string][]timestampedScaleEvent{replicaChange int32; timestamp time.Time;
// outdated bool}); they are reached by reflection, and a renamed field makes the oracle panic
// rather than silently ignore the memory. Called before the controller runs.
func remember(hc *podautoscaler.HorizontalController, key string, h *history, sh shifter) {
	c := reflect.ValueOf(hc).Elem()
	if h.Recommendations != nil {
		m := private(c.FieldByName("recommendations"))
		list := reflect.MakeSlice(m.Type().Elem(), 0, len(*h.Recommendations))
		for _, r := range *h.Recommendations {
			e := reflect.New(m.Type().Elem().Elem()).Elem()
			private(e.FieldByName("recommendation")).SetInt(int64(r.Replicas))
			private(e.FieldByName("timestamp")).Set(reflect.ValueOf(shifted(r.Timestamp, sh)))
			list = reflect.Append(list, e)
		}
		m.SetMapIndex(reflect.ValueOf(key), list)
	}
	events := func(field string, from []scaleEvent) {
		if len(from) == 0 {
			return
		}
		m := private(c.FieldByName(field))
		list := reflect.MakeSlice(m.Type().Elem(), 0, len(from))
		for _, ev := range from {
			e := reflect.New(m.Type().Elem().Elem()).Elem()
			private(e.FieldByName("replicaChange")).SetInt(int64(ev.ReplicaChange))
			private(e.FieldByName("timestamp")).Set(reflect.ValueOf(shifted(ev.Timestamp, sh)))
			list = reflect.Append(list, e)
		}
		m.SetMapIndex(reflect.ValueOf(key), list)
	}
	events("scaleUpEvents", h.ScaleUpEvents)
	events("scaleDownEvents", h.ScaleDownEvents)
}

func shifted(t metav1.Time, sh shifter) time.Time {
	sh.t(&t)
	return t.Time
}

// private makes an unexported field settable.
func private(f reflect.Value) reflect.Value {
	if !f.IsValid() {
		panic("hpa-oracle: the HorizontalController's memory fields changed; update memory.go")
	}
	return reflect.NewAt(f.Type(), unsafe.Pointer(f.UnsafeAddr())).Elem()
}

// recalled is the controller's memory after the reconcile, read back from its private maps, with
// times shifted back to the snapshot's clock and cut to the second (the controller stamps with its
// own clock, a moment after "now").
func recalled(hc *podautoscaler.HorizontalController, key string, sh shifter) *historyOut {
	c := reflect.ValueOf(hc).Elem()
	back := func(t time.Time) string {
		return t.Add(-sh.by).UTC().Truncate(time.Second).Format(time.RFC3339)
	}
	out := &historyOut{Recommendations: []recommendationOut{}, ScaleUpEvents: []scaleEventOut{}, ScaleDownEvents: []scaleEventOut{}}
	// A map's value is a slice: its elements are addressable, so private() reaches their fields.
	recs := private(c.FieldByName("recommendations")).MapIndex(reflect.ValueOf(key))
	if recs.IsValid() {
		for i := 0; i < recs.Len(); i++ {
			e := recs.Index(i)
			out.Recommendations = append(out.Recommendations, recommendationOut{
				Timestamp: back(private(e.FieldByName("timestamp")).Interface().(time.Time)),
				Replicas:  int32(private(e.FieldByName("recommendation")).Int()),
			})
		}
	}
	events := func(field string) []scaleEventOut {
		list := []scaleEventOut{}
		evs := private(c.FieldByName(field)).MapIndex(reflect.ValueOf(key))
		if !evs.IsValid() {
			return list
		}
		for i := 0; i < evs.Len(); i++ {
			e := evs.Index(i)
			list = append(list, scaleEventOut{
				Timestamp:     back(private(e.FieldByName("timestamp")).Interface().(time.Time)),
				ReplicaChange: int32(private(e.FieldByName("replicaChange")).Int()),
			})
		}
		return list
	}
	out.ScaleUpEvents = events("scaleUpEvents")
	out.ScaleDownEvents = events("scaleDownEvents")
	return out
}

type recommendationOut struct {
	Timestamp string `json:"timestamp"`
	Replicas  int32  `json:"replicas"`
}

type scaleEventOut struct {
	Timestamp     string `json:"timestamp"`
	ReplicaChange int32  `json:"replicaChange"`
}

type historyOut struct {
	Recommendations []recommendationOut `json:"recommendations"`
	ScaleUpEvents   []scaleEventOut     `json:"scaleUpEvents"`
	ScaleDownEvents []scaleEventOut     `json:"scaleDownEvents"`
}
