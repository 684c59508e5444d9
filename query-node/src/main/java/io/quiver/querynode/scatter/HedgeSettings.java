package io.quiver.querynode.scatter;

import java.time.Duration;

/**
 * When a read is hedged: after the first replica has taken longer than its {@code percentile}
 * latency (over its recent calls), clamped to at least {@code minDelay}; {@code initialDelay}
 * until a node has a history. {@code percentile} 1.0 with a long delay effectively disables hedging.
 */
public record HedgeSettings(double percentile, Duration minDelay, Duration initialDelay) {
  public static final double DEFAULT_PERCENTILE = 0.95;
  public static final Duration DEFAULT_MIN_DELAY = Duration.ofMillis(5);
  public static final Duration DEFAULT_INITIAL_DELAY = Duration.ofMillis(50);
  public static final HedgeSettings DEFAULT = new HedgeSettings(DEFAULT_PERCENTILE, DEFAULT_MIN_DELAY, DEFAULT_INITIAL_DELAY);

  public HedgeSettings {
    if (!(percentile > 0 && percentile <= 1)) {
      throw new IllegalArgumentException("hedge percentile must be in (0, 1] but was " + percentile);
    }
    if (minDelay == null || minDelay.isNegative()) {
      throw new IllegalArgumentException("hedge min delay must be >= 0 but was " + minDelay);
    }
    if (initialDelay == null || initialDelay.isNegative()) {
      throw new IllegalArgumentException("hedge initial delay must be >= 0 but was " + initialDelay);
    }
  }
}
