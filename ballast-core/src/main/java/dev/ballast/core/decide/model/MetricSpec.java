package dev.ballast.core.decide.model;

import java.util.Objects;

/**
 * One entry of an autoscaling/v2 {@code spec.metrics} list: {@code Resource}, {@code
 * ContainerResource}, {@code Pods}, {@code Object} or {@code External}, with its target.
 */
public sealed interface MetricSpec {

  /** The autoscaling/v2 metric source type, e.g. {@code Resource}. */
  String type();

  /** The metric's name as shown to users (resource name or metric name). */
  String name();

  MetricTarget target();

  /** A {@code Resource} metric (cpu, memory...) averaged over the pods. */
  record Resource(String resource, MetricTarget target) implements MetricSpec {
    public Resource {
      Objects.requireNonNull(resource, "resource");
      Objects.requireNonNull(target, "target");
      if (target.type() == MetricTarget.Type.VALUE) {
        throw new IllegalArgumentException("a Resource metric takes Utilization or AverageValue");
      }
    }

    @Override
    public String type() {
      return "Resource";
    }

    @Override
    public String name() {
      return resource;
    }
  }

  /** A {@code ContainerResource} metric: one container's resource in each pod. */
  record ContainerResource(String resource, String container, MetricTarget target)
      implements MetricSpec {
    public ContainerResource {
      Objects.requireNonNull(resource, "resource");
      Objects.requireNonNull(container, "container");
      Objects.requireNonNull(target, "target");
      if (target.type() == MetricTarget.Type.VALUE) {
        throw new IllegalArgumentException(
            "a ContainerResource metric takes Utilization or AverageValue");
      }
    }

    @Override
    public String type() {
      return "ContainerResource";
    }

    @Override
    public String name() {
      return resource;
    }
  }

  /** A {@code Pods} metric: a per-pod custom metric averaged over the pods (AverageValue only). */
  record Pods(String metricName, LabelSelector selector, MetricTarget target)
      implements MetricSpec {
    public Pods {
      Objects.requireNonNull(metricName, "metricName");
      selector = selector == null ? LabelSelector.EVERYTHING : selector;
      Objects.requireNonNull(target, "target");
      if (target.type() != MetricTarget.Type.AVERAGE_VALUE) {
        throw new IllegalArgumentException("a Pods metric takes an AverageValue target");
      }
    }

    @Override
    public String type() {
      return "Pods";
    }

    @Override
    public String name() {
      return metricName;
    }
  }

  /** An {@code Object} metric: one value describing a Kubernetes object (Value or AverageValue). */
  record Object(
      ObjectReference describedObject,
      String metricName,
      LabelSelector selector,
      MetricTarget target)
      implements MetricSpec {
    public Object {
      Objects.requireNonNull(describedObject, "describedObject");
      Objects.requireNonNull(metricName, "metricName");
      selector = selector == null ? LabelSelector.EVERYTHING : selector;
      Objects.requireNonNull(target, "target");
      if (target.type() == MetricTarget.Type.UTILIZATION) {
        throw new IllegalArgumentException("an Object metric takes Value or AverageValue");
      }
    }

    @Override
    public String type() {
      return "Object";
    }

    @Override
    public String name() {
      return metricName;
    }
  }

  /** An {@code External} metric: the sum of the matching series (Value or AverageValue). */
  record External(String metricName, LabelSelector selector, MetricTarget target)
      implements MetricSpec {
    public External {
      Objects.requireNonNull(metricName, "metricName");
      selector = selector == null ? LabelSelector.EVERYTHING : selector;
      Objects.requireNonNull(target, "target");
      if (target.type() == MetricTarget.Type.UTILIZATION) {
        throw new IllegalArgumentException("an External metric takes Value or AverageValue");
      }
    }

    @Override
    public String type() {
      return "External";
    }

    @Override
    public String name() {
      return metricName;
    }
  }

  static MetricSpec cpuUtilization(int percent) {
    return new Resource("cpu", MetricTarget.utilization(percent));
  }

  static MetricSpec resourceUtilization(String resource, int percent) {
    return new Resource(resource, MetricTarget.utilization(percent));
  }

  static MetricSpec resourceAverageValueMilli(String resource, long milli) {
    return new Resource(resource, MetricTarget.averageValueMilli(milli));
  }

  static MetricSpec pods(String metricName, MetricTarget averageValue) {
    return new Pods(metricName, LabelSelector.EVERYTHING, averageValue);
  }

  static MetricSpec object(ObjectReference ref, String metricName, MetricTarget target) {
    return new Object(ref, metricName, LabelSelector.EVERYTHING, target);
  }

  static MetricSpec external(String metricName, LabelSelector selector, MetricTarget target) {
    return new External(metricName, selector, target);
  }
}
