/**
 * The decision engine: the Kubernetes HPA controller's replica decision (autoscaling/v2), exact and
 * pure.
 *
 * <p>Entry point: {@link dev.ballast.core.decide.DecisionEngine#decide} takes a {@link
 * dev.ballast.core.decide.model.Snapshot} (build one with {@link
 * dev.ballast.core.decide.model.Snapshot#builder()}, or read one with ballast-api's {@code
 * SnapshotReader}) and returns a {@link dev.ballast.core.decide.model.Decision}: desired replicas,
 * each metric's numbers and steps, each rule that changed the value, the HPA conditions and the
 * controller memory to pass into the next snapshot ({@code
 * snapshot.withHistory(decision.history())}).
 *
 * <p>The pieces mirror the HPA: {@code ReplicaCalculator} (one metric's proposal: pod grouping,
 * tolerance, rebalancing), {@code Stabilization} (windows over past recommendations), {@code
 * RateLimits} (legacy scale-up limit and behavior policies), {@code Tolerances}.
 */
package dev.ballast.core.decide;
