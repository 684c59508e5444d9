package io.quiver.common.error;

import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.util.concurrent.CancellationException;
import java.util.concurrent.TimeoutException;

/**
 * Converts between {@link QuiverException} and gRPC statuses, in both directions, so a code
 * survives a hop through a query node intact.
 */
public final class GrpcErrors {
  /** Trailer carrying the {@link ErrorCode} name. */
  public static final Metadata.Key<String> ERROR_CODE_KEY =
      Metadata.Key.of("quiver-error-code", Metadata.ASCII_STRING_MARSHALLER);

  private GrpcErrors() {}

  /** The status (with the code trailer) a server sends for any throwable. */
  public static StatusRuntimeException toStatus(Throwable t) {
    QuiverException q = toQuiver(t);
    Metadata trailers = new Metadata();
    trailers.put(ERROR_CODE_KEY, q.code().name());
    Status status = Status.fromCode(q.code().grpcCode()).withDescription(q.getMessage());
    if (q.code() == ErrorCode.INTERNAL) {
      status = status.withCause(t);
    }
    return status.asRuntimeException(trailers);
  }

  /**
   * Maps any throwable to a QuiverException: a QuiverException as it is, a gRPC status by its
   * trailer (or its code), argument errors as INVALID_ARGUMENT, anything else as INTERNAL.
   */
  public static QuiverException toQuiver(Throwable t) {
    Throwable c = t;
    while (c instanceof java.util.concurrent.CompletionException
        || c instanceof java.util.concurrent.ExecutionException) {
      if (c.getCause() == null) {
        break;
      }
      c = c.getCause();
    }
    if (c instanceof QuiverException q) {
      return q;
    }
    if (c instanceof StatusRuntimeException sre) {
      return fromStatus(sre.getStatus(), sre.getTrailers(), sre);
    }
    if (c instanceof io.grpc.StatusException se) {
      return fromStatus(se.getStatus(), se.getTrailers(), se);
    }
    if (c instanceof IllegalArgumentException) {
      return new QuiverException(ErrorCode.INVALID_ARGUMENT, c.getMessage(), c);
    }
    if (c instanceof TimeoutException) {
      return new QuiverException(ErrorCode.DEADLINE_EXCEEDED, "deadline exceeded: " + c.getMessage(), c);
    }
    if (c instanceof CancellationException) {
      return new QuiverException(ErrorCode.UNAVAILABLE, "cancelled", c);
    }
    return new QuiverException(ErrorCode.INTERNAL, String.valueOf(c), c);
  }

  private static QuiverException fromStatus(Status status, Metadata trailers, Throwable cause) {
    String name = trailers == null ? null : trailers.get(ERROR_CODE_KEY);
    ErrorCode code = null;
    if (name != null) {
      try {
        code = ErrorCode.valueOf(name);
      } catch (IllegalArgumentException e) {
        code = null; // a newer server's code: fall back to the status code below
      }
    }
    if (code == null) {
      code =
          switch (status.getCode()) {
            case INVALID_ARGUMENT, OUT_OF_RANGE -> ErrorCode.INVALID_ARGUMENT;
            case NOT_FOUND -> ErrorCode.NOT_FOUND;
            case ALREADY_EXISTS -> ErrorCode.ALREADY_EXISTS;
            case FAILED_PRECONDITION -> ErrorCode.FAILED_PRECONDITION;
            case RESOURCE_EXHAUSTED -> ErrorCode.RESOURCE_EXHAUSTED;
            case UNAVAILABLE, ABORTED, CANCELLED -> ErrorCode.UNAVAILABLE;
            case DEADLINE_EXCEEDED -> ErrorCode.DEADLINE_EXCEEDED;
            case UNKNOWN -> ErrorCode.UNKNOWN_OUTCOME;
            default -> ErrorCode.INTERNAL;
          };
    }
    String message = status.getDescription() != null ? status.getDescription() : status.getCode().name();
    return new QuiverException(code, message, cause);
  }
}
