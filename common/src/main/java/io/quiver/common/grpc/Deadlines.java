package io.quiver.common.grpc;

import io.grpc.Context;
import io.grpc.Deadline;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/** The deadline of a request: the role's own limit, or the caller's when that is sooner. */
public final class Deadlines {
  private Deadlines() {}

  /** Must be called on the thread serving the call, where the caller's context is current. */
  public static Deadline forRequest(Duration limit) {
    Deadline own = Deadline.after(limit.toNanos(), TimeUnit.NANOSECONDS);
    Deadline caller = Context.current().getDeadline();
    return caller != null && caller.isBefore(own) ? caller : own;
  }
}
