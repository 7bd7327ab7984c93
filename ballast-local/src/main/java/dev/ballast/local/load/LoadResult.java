package dev.ballast.local.load;

import java.util.List;

/**
 * The outcome of a load run after verification.
 *
 * <ul>
 *   <li>{@code acknowledged}: writes known to have committed: those ZooKeeper acknowledged, plus
 *       {@code resolvedOnVerification} writes whose outcome was unknown (their connection was lost)
 *       and that verification found with their value.
 *   <li>{@code lost}: acknowledged writes that verification did not find with their value. This
 *       must be zero: ZooKeeper's guarantee is that an acknowledged write survives.
 *   <li>{@code failedAttempts}: writes that never committed: they ended in an error, or their
 *       outcome was unknown and verification did not find them. Not acknowledged, so not lost.
 *   <li>{@code unverified}: writes that could not be read back before the verification deadline
 *       (the ensemble was unreachable); a run with any is inconclusive.
 * </ul>
 */
public record LoadResult(
    long attempted,
    long acknowledged,
    long resolvedOnVerification,
    long lost,
    long failedAttempts,
    long unverified,
    long reads,
    long readFailures,
    List<String> lostPaths) {

  public LoadResult {
    lostPaths = List.copyOf(lostPaths);
  }

  /** True when every acknowledged write was read back with its value. */
  public boolean nothingLost() {
    return lost == 0 && unverified == 0;
  }
}
