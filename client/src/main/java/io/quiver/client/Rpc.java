package io.quiver.client;

import io.grpc.Deadline;
import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.AbstractStub;
import io.quiver.common.error.ErrorCode;
import io.quiver.common.error.GrpcErrors;
import io.quiver.common.error.QuiverException;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * Runs one logical call: every attempt under the call's deadline, errors turned into
 * {@link QuiverException}, and retries with backoff where the request says it is safe.
 */
final class Rpc {
  private static final long FIRST_BACKOFF_MILLIS = 100;
  private static final long MAX_BACKOFF_MILLIS = 2_000;

  /** Whether a failed request may be sent again. */
  enum Retry {
    /** Never (e.g. create collection: a second create of a created collection would fail). */
    NONE,
    /** Reads: retry when no replica could serve ({@link ErrorCode#retryable()}). */
    READ,
    /** Writes with a request id: also retry an unknown outcome, the server deduplicates. */
    IDEMPOTENT_WRITE
  }

  private final ManagedChannel channel;
  private final String target;
  private final Duration deadline;
  private final int maxAttempts;

  Rpc(ManagedChannel channel, String target, Duration deadline, int maxAttempts) {
    this.channel = channel;
    this.target = target;
    this.deadline = deadline;
    this.maxAttempts = maxAttempts;
  }

  ManagedChannel channel() {
    return channel;
  }

  String target() {
    return target;
  }

  Duration deadline() {
    return deadline;
  }

  int maxAttempts() {
    return maxAttempts;
  }

  Rpc withDeadline(Duration d) {
    return new Rpc(channel, target, d, maxAttempts);
  }

  <S extends AbstractStub<S>, R> R call(S stub, Retry retry, Function<S, R> fn) {
    Deadline overall = Deadline.after(deadline.toNanos(), TimeUnit.NANOSECONDS);
    long backoff = FIRST_BACKOFF_MILLIS;
    for (int attempt = 1; ; attempt++) {
      try {
        return fn.apply(stub.withDeadline(overall));
      } catch (StatusRuntimeException e) {
        QuiverException q = translate(e);
        boolean again =
            attempt < maxAttempts
                && retryable(retry, q.code())
                && overall.timeRemaining(TimeUnit.MILLISECONDS) > backoff;
        if (!again) {
          throw q;
        }
      }
      sleep(backoff);
      backoff = Math.min(MAX_BACKOFF_MILLIS, backoff * 2);
    }
  }

  private static boolean retryable(Retry retry, ErrorCode code) {
    return switch (retry) {
      case NONE -> false;
      case READ -> code.retryable();
      case IDEMPOTENT_WRITE -> code.retryable() || code == ErrorCode.UNKNOWN_OUTCOME;
    };
  }

  /** A transport or server failure as the QuiverException a caller sees. */
  QuiverException translate(StatusRuntimeException e) {
    QuiverException q = GrpcErrors.toQuiver(e);
    boolean fromQuiver = e.getTrailers() != null && e.getTrailers().get(GrpcErrors.ERROR_CODE_KEY) != null;
    if (!fromQuiver && q.code() == ErrorCode.UNAVAILABLE) {
      // The transport's own failure ("io exception"): say which endpoint could not be reached.
      return new QuiverException(
          ErrorCode.UNAVAILABLE, "cannot reach Quiver at " + target + ": " + q.getMessage(), e);
    }
    if (!fromQuiver && q.code() == ErrorCode.DEADLINE_EXCEEDED) {
      return new QuiverException(
          ErrorCode.DEADLINE_EXCEEDED, "no answer from " + target + " within " + deadline.toMillis() + " ms", e);
    }
    return q;
  }

  static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new QuiverException(ErrorCode.UNAVAILABLE, "interrupted while waiting to retry", e);
    }
  }
}
