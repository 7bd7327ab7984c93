/**
 * Vertical advice: per-member CPU and memory requests from observed usage, the way the Vertical Pod
 * Autoscaler's recommender computes them (decaying histograms, target/lower/upper percentiles, a
 * safety margin). Advice only: nothing here acts on a cluster.
 */
package dev.ballast.core.vertical;
