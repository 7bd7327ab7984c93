package dev.ballast.core.port;

/**
 * What happens to a removed member's data. Either way the member never rejoins with it: a member
 * that comes back at the same ordinal starts empty and catches up through the membership protocol.
 */
public enum DataPolicy {
  /** Delete the data directory or volume claim. */
  DELETE,
  /** Keep the data aside (renamed, or the volume claim retained) for inspection. */
  RETAIN
}
