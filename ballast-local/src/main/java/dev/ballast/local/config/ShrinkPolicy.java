package dev.ballast.local.config;

/**
 * Whether a local cluster may be made smaller: one member at a time, or never ("no hot shrink").
 */
public enum ShrinkPolicy {
  ALLOWED,
  DISABLED
}
