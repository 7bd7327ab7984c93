package dev.ballast.core.vertical;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * A histogram of usage samples with exponentially growing buckets and exponentially decaying
 * weights, as the VPA recommender keeps one per container: bucket {@code i} starts at {@code
 * firstBucketSize * (ratio^i - 1) / (ratio - 1)}; a sample taken at {@code t} weighs {@code weight
 * * 2^((t - reference) / halfLife)}, so that a sample one half-life older counts half as much.
 * Percentiles answer the end of the bucket where they fall (an upper bound), as the VPA's do. Once
 * a sample would weigh more than {@code 2^}{@value #MAX_DECAY_EXPONENT}, the reference moves
 * forward by whole half-lives and every weight is halved as many times (exact in binary floating
 * point, so no percentile changes), as the VPA does; a {@link #checkpoint} restores the same state
 * exactly.
 */
public final class DecayingHistogram {
  /** The largest decay exponent (half-lives after the reference) before the reference moves. */
  public static final int MAX_DECAY_EXPONENT = 100;

  private final double firstBucketSize;
  private final double ratio;
  private final double[] weights;
  private final Duration halfLife;
  private Instant reference;
  private double total;

  /**
   * The state of a histogram: its reference time, total weight and non-zero bucket weights by
   * bucket index (at most {@link #buckets()} entries).
   */
  public record Checkpoint(Instant reference, double total, Map<Integer, Double> weights) {
    public Checkpoint {
      Objects.requireNonNull(reference, "reference");
      weights = Map.copyOf(weights);
    }
  }

  /**
   * {@code maxValue} bounds the largest bucket; larger samples land in it. {@code reference} is the
   * time whose samples weigh their own weight (choose the first sample's time).
   */
  public DecayingHistogram(
      double firstBucketSize, double ratio, double maxValue, Duration halfLife, Instant reference) {
    if (firstBucketSize <= 0 || ratio <= 1 || maxValue <= firstBucketSize) {
      throw new IllegalArgumentException(
          "need firstBucketSize > 0, ratio > 1 and maxValue > firstBucketSize");
    }
    this.firstBucketSize = firstBucketSize;
    this.ratio = ratio;
    this.halfLife = Objects.requireNonNull(halfLife, "halfLife");
    this.reference = Objects.requireNonNull(reference, "reference");
    int buckets = 1 + bucketOf(maxValue);
    this.weights = new double[buckets];
  }

  /** The CPU histogram of the VPA: 0.01 cores first bucket, 5% growth, up to 1000 cores. */
  public static DecayingHistogram cpu(Duration halfLife, Instant reference) {
    return new DecayingHistogram(0.01, 1.05, 1000.0, halfLife, reference);
  }

  /** The memory histogram of the VPA: 10 MB first bucket, 5% growth, up to 1 TB. */
  public static DecayingHistogram memory(Duration halfLife, Instant reference) {
    return new DecayingHistogram(1e7, 1.05, 1e12, halfLife, reference);
  }

  /** Adds a sample of {@code value} taken at {@code time} with {@code weight}. */
  public void add(double value, double weight, Instant time) {
    if (value < 0 || weight <= 0 || Double.isNaN(value)) {
      return;
    }
    // A sample's weight doubles with every half-life after the reference: newer counts more.
    double exponent = (double) Duration.between(reference, time).toMillis() / halfLife.toMillis();
    if (exponent > MAX_DECAY_EXPONENT) {
      shiftReference((long) Math.floor(exponent));
      exponent = (double) Duration.between(reference, time).toMillis() / halfLife.toMillis();
    }
    double decayed = weight * Math.pow(2, exponent);
    int b = Math.min(weights.length - 1, bucketOf(value));
    weights[b] += decayed;
    total += decayed;
  }

  /** Moves the reference {@code halfLives} half-lives forward, halving every weight as often. */
  private void shiftReference(long halfLives) {
    int k = (int) Math.min(halfLives, Integer.MAX_VALUE);
    reference = reference.plus(halfLife.multipliedBy(k));
    for (int i = 0; i < weights.length; i++) {
      weights[i] = Math.scalb(weights[i], -k);
    }
    total = Math.scalb(total, -k);
  }

  /** The number of buckets, the largest possible size of a {@link Checkpoint}'s weights. */
  public int buckets() {
    return weights.length;
  }

  /** The current state, to {@link #restore} later (in a new process) with the same result. */
  public Checkpoint checkpoint() {
    Map<Integer, Double> nonZero = new TreeMap<>();
    for (int i = 0; i < weights.length; i++) {
      if (weights[i] > 0) {
        nonZero.put(i, weights[i]);
      }
    }
    return new Checkpoint(reference, total, nonZero);
  }

  /**
   * Replaces this histogram's state by {@code saved} (taken from a histogram of the same shape).
   *
   * @throws IllegalArgumentException when a bucket index is out of range or a weight is negative or
   *     not finite; nothing is changed then
   */
  public void restore(Checkpoint saved) {
    double[] next = new double[weights.length];
    for (Map.Entry<Integer, Double> e : saved.weights().entrySet()) {
      int i = e.getKey();
      double w = e.getValue();
      if (i < 0 || i >= next.length || !(w >= 0) || Double.isInfinite(w)) {
        throw new IllegalArgumentException(
            "bucket " + i + " weight " + w + " does not fit a histogram of " + next.length);
      }
      next[i] = w;
    }
    if (!(saved.total() >= 0) || Double.isInfinite(saved.total())) {
      throw new IllegalArgumentException("total weight " + saved.total() + " is not >= 0");
    }
    System.arraycopy(next, 0, weights, 0, next.length);
    total = saved.total();
    reference = saved.reference();
  }

  /** Whether no sample was added. */
  public boolean isEmpty() {
    return total == 0;
  }

  /** The value below which {@code percentile} (0..1) of the weight lies: its bucket's end. */
  public double percentile(double percentile) {
    if (isEmpty()) {
      return 0;
    }
    double threshold = percentile * total;
    double seen = 0;
    for (int i = 0; i < weights.length; i++) {
      seen += weights[i];
      if (seen >= threshold && weights[i] > 0) {
        return bucketStart(i + 1);
      }
    }
    return bucketStart(weights.length);
  }

  private int bucketOf(double value) {
    if (value < firstBucketSize) {
      return 0;
    }
    // Inverse of bucketStart: the largest i with start(i) <= value.
    int i = (int) Math.floor(Math.log(value * (ratio - 1) / firstBucketSize + 1) / Math.log(ratio));
    while (bucketStart(i + 1) <= value) {
      i++;
    }
    while (i > 0 && bucketStart(i) > value) {
      i--;
    }
    return i;
  }

  /** The start of bucket {@code i}: {@code firstBucketSize * (ratio^i - 1) / (ratio - 1)}. */
  double bucketStart(int i) {
    return firstBucketSize * (Math.pow(ratio, i) - 1) / (ratio - 1);
  }
}
