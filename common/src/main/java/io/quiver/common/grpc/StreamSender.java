package io.quiver.common.grpc;

import io.grpc.Context;
import io.grpc.Deadline;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import io.quiver.common.error.ErrorCode;
import io.quiver.common.error.QuiverException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Sends the messages of a server stream from the thread serving the call, waiting while the
 * transport is not ready for more, so a slow reader holds the sender back instead of gRPC
 * buffering the whole stream in memory.
 *
 * <p>It polls {@code isReady()} rather than waiting for the on-ready callback: a call's callbacks
 * run one at a time, so the callback could not arrive while the serving thread waits in it. Meant
 * for the virtual threads the roles serve calls on; the pause is short next to a ~1 MiB message.
 */
public final class StreamSender<T> {
  private static final long MAX_PAUSE_NANOS = TimeUnit.MILLISECONDS.toNanos(5);

  private final ServerCallStreamObserver<T> out;
  /** The call's context: cancelled at once when the caller goes or its deadline passes. */
  private final Context context;
  private final Deadline deadline;
  private final String what;

  /**
   * To be made on the thread serving the call, where its context is current.
   *
   * @param what names the stream in errors, e.g. "export of shard 3"
   */
  public StreamSender(StreamObserver<T> out, String what) {
    this.out = (ServerCallStreamObserver<T>) out;
    this.context = Context.current();
    this.deadline = context.getDeadline();
    this.what = what;
  }

  /**
   * Sends one message once the transport takes more.
   *
   * @throws QuiverException UNAVAILABLE when the caller cancelled, DEADLINE_EXCEEDED past the
   *     call's deadline
   */
  public void send(T message) {
    long pause = 50_000;
    while (!out.isReady()) {
      check();
      LockSupport.parkNanos(pause);
      pause = Math.min(MAX_PAUSE_NANOS, pause * 2);
    }
    check();
    out.onNext(message);
  }

  public void complete() {
    out.onCompleted();
  }

  private void check() {
    if (deadline != null && deadline.isExpired()) {
      throw new QuiverException(ErrorCode.DEADLINE_EXCEEDED, what + ": the call's deadline passed");
    }
    // The call hears of a cancellation only once this thread returns; its context hears at once.
    if (out.isCancelled() || context.isCancelled()) {
      throw new QuiverException(ErrorCode.UNAVAILABLE, what + ": cancelled by the caller");
    }
    if (Thread.currentThread().isInterrupted()) {
      throw new QuiverException(ErrorCode.UNAVAILABLE, what + ": interrupted");
    }
  }
}
