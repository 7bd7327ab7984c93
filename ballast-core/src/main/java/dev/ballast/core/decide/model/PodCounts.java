package dev.ballast.core.decide.model;

/** How many pods fell in each class for one metric. */
public record PodCounts(int ready, int unready, int missing, int ignored) {
  public static final PodCounts NONE = new PodCounts(0, 0, 0, 0);

  public int total() {
    return ready + unready + missing + ignored;
  }
}
