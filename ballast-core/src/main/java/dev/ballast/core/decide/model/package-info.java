/**
 * Records in and out of the decision engine: the snapshot (autoscaler, scale, pods, metric samples,
 * history) and the decision (metric results, rules, conditions, history). Quantities are longs in
 * milli-units, as Kubernetes' {@code MilliValue()}.
 */
package dev.ballast.core.decide.model;
