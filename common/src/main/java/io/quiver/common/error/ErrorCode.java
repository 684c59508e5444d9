package io.quiver.common.error;

import io.grpc.Status;

/**
 * Every error Quiver reports, each mapped to one gRPC status code (and so to one HTTP status).
 * The name travels to clients in the {@code quiver-error-code} trailer so SDKs can tell
 * {@link #NOT_LEADER} from any other {@code UNAVAILABLE}.
 */
public enum ErrorCode {
  /** A request field is malformed; the message names the field and the value. */
  INVALID_ARGUMENT(Status.Code.INVALID_ARGUMENT, 400),
  /** A collection or node does not exist. */
  NOT_FOUND(Status.Code.NOT_FOUND, 404),
  /** A collection with that name exists already. */
  ALREADY_EXISTS(Status.Code.ALREADY_EXISTS, 409),
  /** The state does not allow the operation (e.g. replication factor above the live data nodes). */
  FAILED_PRECONDITION(Status.Code.FAILED_PRECONDITION, 412),
  /** A memory or disk budget would be exceeded; the message names the limit. */
  RESOURCE_EXHAUSTED(Status.Code.RESOURCE_EXHAUSTED, 429),
  /** No replica of a shard (or no coordinator) can serve now; safe to retry. */
  UNAVAILABLE(Status.Code.UNAVAILABLE, 503),
  /** This replica is not the shard's leader; the message carries the leader hint. */
  NOT_LEADER(Status.Code.UNAVAILABLE, 503),
  /** This node does not hold (or no longer holds) the shard replica asked for. */
  SHARD_NOT_HOSTED(Status.Code.UNAVAILABLE, 503),
  /** This replica has not applied as far as the read requires. */
  BEHIND(Status.Code.UNAVAILABLE, 503),
  /** A write was submitted but its outcome is unknown: retry with the same request id. */
  UNKNOWN_OUTCOME(Status.Code.UNKNOWN, 504),
  /** The request's deadline passed. */
  DEADLINE_EXCEEDED(Status.Code.DEADLINE_EXCEEDED, 504),
  /** A coordinator epoch older than the newest seen: the caller has been deposed. */
  STALE_EPOCH(Status.Code.FAILED_PRECONDITION, 409),
  /** A bug or an unexpected failure. */
  INTERNAL(Status.Code.INTERNAL, 500);

  private final Status.Code grpcCode;
  private final int httpStatus;

  ErrorCode(Status.Code grpcCode, int httpStatus) {
    this.grpcCode = grpcCode;
    this.httpStatus = httpStatus;
  }

  public Status.Code grpcCode() {
    return grpcCode;
  }

  public int httpStatus() {
    return httpStatus;
  }

  /** Whether a caller may retry the same request (with the same request id for writes). */
  public boolean retryable() {
    return grpcCode == Status.Code.UNAVAILABLE;
  }
}
