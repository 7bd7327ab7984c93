/**
 * {@link dev.ballast.core.port.MetricSource} adapters for members Ballast can reach directly:
 * ZooKeeper's {@code mntr} ({@link dev.ballast.metrics.ZooKeeperMntrSource}), a member's own
 * Prometheus text endpoint ({@link dev.ballast.metrics.PrometheusScrapeSource}), the CPU of a local
 * process ({@link dev.ballast.metrics.ProcessCpuSource}), and {@link
 * dev.ballast.metrics.RoutingMetricSource} to combine them by metric name. Metric names follow
 * {@link dev.ballast.metrics.MetricQuery}.
 */
package dev.ballast.metrics;
