package io.quiver.common.grpc;

import io.grpc.BindableService;
import io.grpc.Grpc;
import io.grpc.InsecureServerCredentials;
import io.grpc.Server;
import io.grpc.ServerBuilder;
import io.grpc.ServerInterceptors;
import io.quiver.common.error.QuiverExceptionInterceptor;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;

/** Starts and stops the gRPC servers of the roles the same way. */
public final class GrpcServers {
  /** How long in-flight calls may finish at shutdown before they are cancelled. */
  public static final Duration SHUTDOWN_GRACE = Duration.ofSeconds(5);

  private GrpcServers() {}

  /**
   * A started server on {@code port} (0: an ephemeral port) serving {@code services}, every one
   * behind the {@link QuiverExceptionInterceptor}, with calls run on {@code executor}.
   */
  public static Server start(int port, List<BindableService> services, ExecutorService executor) {
    ServerBuilder<?> b = Grpc.newServerBuilderForPort(port, InsecureServerCredentials.create()).executor(executor);
    QuiverExceptionInterceptor errors = new QuiverExceptionInterceptor();
    for (BindableService s : services) {
      b.addService(ServerInterceptors.intercept(s, errors));
    }
    try {
      return b.build().start();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot serve gRPC on port " + port + ": " + e.getMessage(), e);
    }
  }

  /** Stops taking calls, lets running ones finish within the grace, then cancels the rest. */
  public static void stop(Server server) {
    server.shutdown();
    try {
      if (!server.awaitTermination(SHUTDOWN_GRACE.toMillis(), TimeUnit.MILLISECONDS)) {
        server.shutdownNow();
        server.awaitTermination(SHUTDOWN_GRACE.toMillis(), TimeUnit.MILLISECONDS);
      }
    } catch (InterruptedException e) {
      server.shutdownNow();
      Thread.currentThread().interrupt();
    }
  }
}
