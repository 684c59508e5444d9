package io.quiver.querynode.scatter;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.quiver.common.error.ErrorCode;
import io.quiver.common.shard.NodeId;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.TimeUnit;

/**
 * What this query node has seen of each data node: recent round trips (for hedge delays and the
 * per-node fan-out latency metric) and a resilience4j circuit breaker that opens after a run of
 * transport failures, so reads stop trying a dead node first. Only failures of the node count
 * (unreachable, timed out, internal); SHARD_NOT_HOSTED, BEHIND and bad requests are answers.
 */
public final class DataNodeHealth {
  static final Set<ErrorCode> NODE_FAILURES = Set.of(ErrorCode.UNAVAILABLE, ErrorCode.DEADLINE_EXCEEDED, ErrorCode.INTERNAL);

  private final HedgeSettings hedging;
  private final MeterRegistry meters;
  private final CircuitBreakerRegistry breakers;
  // Both maps grow by one entry per data node ever seen; ConcurrentHashMap guards them.
  private final ConcurrentMap<NodeId, LatencyWindow> windows = new ConcurrentHashMap<>();
  private final ConcurrentMap<NodeId, Timer> timers = new ConcurrentHashMap<>();

  public DataNodeHealth(HedgeSettings hedging, MeterRegistry meters) {
    this.hedging = hedging;
    this.meters = meters;
    this.breakers = CircuitBreakerRegistry.of(CircuitBreakerConfig.custom()
        .slidingWindowType(CircuitBreakerConfig.SlidingWindowType.COUNT_BASED)
        .slidingWindowSize(20)
        .minimumNumberOfCalls(5)
        .failureRateThreshold(50)
        .waitDurationInOpenState(Duration.ofSeconds(2))
        .permittedNumberOfCallsInHalfOpenState(2)
        .build());
  }

  /** How long to wait for {@code node} before hedging to another replica. */
  public long hedgeDelayNanos(NodeId node) {
    long p = window(node).quantile(hedging.percentile());
    return p < 0 ? hedging.initialDelay().toNanos() : Math.max(hedging.minDelay().toNanos(), p);
  }

  /** False while the node's breaker is open (calls to it are then a last resort). */
  public boolean available(NodeId node) {
    return breaker(node).getState() != CircuitBreaker.State.OPEN;
  }

  /** Takes a call permit of the node's breaker; false when it is open (or half-open and full). */
  boolean acquire(NodeId node) {
    return breaker(node).tryAcquirePermission();
  }

  void answered(NodeId node, long nanos, boolean permitted) {
    window(node).record(nanos);
    timers.computeIfAbsent(node, n -> Timer.builder("quiver.query.fanout.latency")
        .description("Round trip of one shard call from this query node to a data node")
        .tag("data_node", n.value())
        .publishPercentileHistogram()
        .register(meters)).record(nanos, TimeUnit.NANOSECONDS);
    if (permitted) {
      breaker(node).onSuccess(nanos, TimeUnit.NANOSECONDS);
    }
  }

  void failed(NodeId node, long nanos, ErrorCode code, Throwable error, boolean permitted) {
    if (!permitted) {
      return;
    }
    if (NODE_FAILURES.contains(code)) {
      breaker(node).onError(nanos, TimeUnit.NANOSECONDS, error);
    } else {
      breaker(node).onSuccess(nanos, TimeUnit.NANOSECONDS);
    }
  }

  /** A call abandoned because another replica answered first: neither success nor failure. */
  void abandoned(NodeId node, boolean permitted) {
    if (permitted) {
      breaker(node).releasePermission();
    }
  }

  private LatencyWindow window(NodeId node) {
    return windows.computeIfAbsent(node, n -> new LatencyWindow());
  }

  private CircuitBreaker breaker(NodeId node) {
    return breakers.circuitBreaker(node.value());
  }
}
