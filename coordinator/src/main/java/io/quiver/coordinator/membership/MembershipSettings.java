package io.quiver.coordinator.membership;

import io.quiver.common.config.ConfigSource;
import java.time.Duration;

/**
 * How the leading coordinator keeps placement true: {@code replaceDelay} after a lease vanishes
 * its node's replicas are replaced; {@code tick} is how often it looks; moves copy at most
 * {@code maxBytesPerSecond} and run at most {@code maxConcurrentMoves} at once; a learner counts
 * as caught up once its applied index is within {@code catchUpGap} entries of the leader's commit
 * index; {@code moveTimeout} bounds each wait of a move.
 */
public record MembershipSettings(Duration replaceDelay, Duration tick, long maxBytesPerSecond,
    int maxConcurrentMoves, long catchUpGap, Duration moveTimeout) {
  public static final String REPLACE_DELAY = "coordinator.replace-delay";
  public static final String TICK = "coordinator.membership-tick";
  public static final String MAX_BYTES_PER_SECOND = "coordinator.rebalance.max-bytes-per-second";
  public static final String MAX_CONCURRENT_MOVES = "coordinator.rebalance.max-concurrent-moves";
  public static final String CATCH_UP_GAP = "coordinator.rebalance.catch-up-gap";
  public static final String MOVE_TIMEOUT = "coordinator.rebalance.move-timeout";

  public static final Duration DEFAULT_REPLACE_DELAY = Duration.ofMinutes(2);
  public static final Duration DEFAULT_TICK = Duration.ofSeconds(2);
  public static final long DEFAULT_MAX_BYTES_PER_SECOND = 64L << 20;
  public static final int DEFAULT_MAX_CONCURRENT_MOVES = 2;
  public static final long DEFAULT_CATCH_UP_GAP = 16;
  public static final Duration DEFAULT_MOVE_TIMEOUT = Duration.ofMinutes(5);

  public static final MembershipSettings DEFAULTS = new MembershipSettings(DEFAULT_REPLACE_DELAY, DEFAULT_TICK,
      DEFAULT_MAX_BYTES_PER_SECOND, DEFAULT_MAX_CONCURRENT_MOVES, DEFAULT_CATCH_UP_GAP, DEFAULT_MOVE_TIMEOUT);

  public MembershipSettings {
    positive(REPLACE_DELAY, replaceDelay);
    positive(TICK, tick);
    positive(MOVE_TIMEOUT, moveTimeout);
    if (maxBytesPerSecond < 1) {
      throw new IllegalArgumentException(MAX_BYTES_PER_SECOND + " must be >= 1 but was " + maxBytesPerSecond);
    }
    if (maxConcurrentMoves < 1) {
      throw new IllegalArgumentException(MAX_CONCURRENT_MOVES + " must be >= 1 but was " + maxConcurrentMoves);
    }
    if (catchUpGap < 0) {
      throw new IllegalArgumentException(CATCH_UP_GAP + " must be >= 0 but was " + catchUpGap);
    }
  }

  public MembershipSettings withReplaceDelay(Duration d) {
    return new MembershipSettings(d, tick, maxBytesPerSecond, maxConcurrentMoves, catchUpGap, moveTimeout);
  }

  public MembershipSettings withTick(Duration d) {
    return new MembershipSettings(replaceDelay, d, maxBytesPerSecond, maxConcurrentMoves, catchUpGap, moveTimeout);
  }

  public static MembershipSettings from(ConfigSource c) {
    return new MembershipSettings(
        c.getDuration(REPLACE_DELAY, DEFAULT_REPLACE_DELAY),
        c.getDuration(TICK, DEFAULT_TICK),
        c.getBytes(MAX_BYTES_PER_SECOND, DEFAULT_MAX_BYTES_PER_SECOND),
        c.getInt(MAX_CONCURRENT_MOVES, DEFAULT_MAX_CONCURRENT_MOVES),
        c.getLong(CATCH_UP_GAP, DEFAULT_CATCH_UP_GAP),
        c.getDuration(MOVE_TIMEOUT, DEFAULT_MOVE_TIMEOUT));
  }

  private static void positive(String key, Duration d) {
    if (d == null || d.isNegative() || d.isZero()) {
      throw new IllegalArgumentException(key + " must be positive but was " + d);
    }
  }
}
