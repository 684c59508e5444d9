package io.quiver.common.error;

import io.grpc.ForwardingServerCallListener.SimpleForwardingServerCallListener;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.StatusRuntimeException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one place a server turns an exception thrown by a service method into a gRPC status with
 * a clear description and the {@code quiver-error-code} trailer. Services may simply throw.
 */
public final class QuiverExceptionInterceptor implements ServerInterceptor {
  private static final Logger log = LoggerFactory.getLogger(QuiverExceptionInterceptor.class);

  @Override
  public <Q, R> ServerCall.Listener<Q> interceptCall(
      ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
    ServerCall.Listener<Q> delegate = next.startCall(call, headers);
    return new SimpleForwardingServerCallListener<>(delegate) {
      @Override
      public void onMessage(Q message) {
        try {
          super.onMessage(message);
        } catch (RuntimeException e) {
          close(call, e);
        }
      }

      @Override
      public void onHalfClose() {
        try {
          super.onHalfClose();
        } catch (RuntimeException e) {
          close(call, e);
        }
      }
    };
  }

  private static <R> void close(ServerCall<?, R> call, RuntimeException e) {
    StatusRuntimeException s = GrpcErrors.toStatus(e);
    if (s.getStatus().getCode() == io.grpc.Status.Code.INTERNAL) {
      log.error("internal error in {}", call.getMethodDescriptor().getFullMethodName(), e);
    }
    call.close(s.getStatus(), s.getTrailers());
  }
}
