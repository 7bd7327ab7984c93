/**
 * The stateful scaling policy ({@link dev.ballast.core.policy.ScalingPolicy}) and the small rules
 * the autoscaler applies after the HPA arithmetic: bounds, allowed sizes (round up), shrink policy.
 */
package dev.ballast.core.policy;
