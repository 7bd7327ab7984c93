package dev.ballast.core.decide.model;

/**
 * One rule that changed (or held) the replica count on the way to the answer: its name (e.g. {@code
 * tolerance}, {@code scaleDownStabilization}, {@code scaleUpLimit}, {@code maxReplicas}), the value
 * before and after, and why.
 */
public record RuleApplication(String rule, int before, int after, String reason) {}
