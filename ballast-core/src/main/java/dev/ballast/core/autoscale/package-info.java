/**
 * The autoscaler's decision for a stateful cluster: {@link
 * dev.ballast.core.autoscale.AutoscalePipeline} composes the HPA arithmetic, prediction, the
 * failure policy and the stateful rules into one {@link
 * dev.ballast.core.autoscale.AutoscaleDecision} that carries every number and reason.
 */
package dev.ballast.core.autoscale;
