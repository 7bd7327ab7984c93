package dev.ballast.core.port;

import java.util.List;

/**
 * Reads the current value of one named metric for each member (a {@code Pods}-style metric: for
 * example requests per second, outstanding requests, or CPU cores used). Throws {@link
 * MetricUnavailableException} when the metric cannot be read at all; a member that did not answer
 * is simply absent from the sample, as a pod without metrics is for the HPA.
 */
public interface MetricSource {
  MetricSample read(String metricName, List<Member> members);
}
