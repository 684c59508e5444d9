package io.quiver.querynode.scatter;

import java.util.Arrays;

/**
 * The last {@link #SIZE} round-trip times of one data node, for its hedge delay. A ring buffer
 * rather than a decaying histogram: a node that was slow a minute ago and is fast now should be
 * hedged by its recent behaviour, and 256 samples are enough for a 95th percentile.
 */
final class LatencyWindow {
  static final int SIZE = 256;
  /** Below this many samples a percentile says little; the caller uses its initial delay. */
  static final int MIN_SAMPLES = 16;

  // Guarded by this.
  private final long[] nanos = new long[SIZE];
  private int next;
  private int filled;

  synchronized void record(long roundTripNanos) {
    nanos[next] = roundTripNanos;
    next = (next + 1) % SIZE;
    filled = Math.min(SIZE, filled + 1);
  }

  /** The {@code q}-quantile (0..1) of the window, or -1 with too few samples. */
  long quantile(double q) {
    if (!(q > 0 && q <= 1)) {
      throw new IllegalArgumentException("quantile must be in (0, 1] but was " + q);
    }
    long[] copy;
    synchronized (this) {
      if (filled < MIN_SAMPLES) {
        return -1;
      }
      copy = Arrays.copyOf(nanos, filled);
    }
    Arrays.sort(copy);
    int at = (int) Math.ceil(q * copy.length) - 1;
    return copy[Math.max(0, at)];
  }
}
