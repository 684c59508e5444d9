package io.quiver.common.error;

import java.util.Objects;

/** The one exception type Quiver code throws for errors a caller should see. */
public class QuiverException extends RuntimeException {
  private final ErrorCode code;

  public QuiverException(ErrorCode code, String message, Throwable cause) {
    super(message, cause);
    this.code = Objects.requireNonNull(code, "code");
  }

  public QuiverException(ErrorCode code, String message) {
    this(code, message, null);
  }

  public ErrorCode code() {
    return code;
  }

  public static QuiverException invalid(String message) {
    return new QuiverException(ErrorCode.INVALID_ARGUMENT, message);
  }

  public static QuiverException notFound(String message) {
    return new QuiverException(ErrorCode.NOT_FOUND, message);
  }

  public static QuiverException unavailable(String message) {
    return new QuiverException(ErrorCode.UNAVAILABLE, message);
  }

  @Override
  public String toString() {
    return code + ": " + getMessage();
  }
}
