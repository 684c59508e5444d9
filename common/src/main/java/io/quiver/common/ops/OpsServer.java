package io.quiver.common.ops;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Supplier;

/**
 * A role's HTTP endpoint (the JDK's {@code com.sun.net.httpserver}, no extra dependency): {@code
 * GET /metrics} in the Prometheus text format, {@code GET /healthz} (200 while the process
 * serves), {@code GET /readyz} (200, or 503 listing what is missing). A role may add its own
 * routes with {@link #route}; the query node serves its REST API here.
 */
public final class OpsServer implements AutoCloseable {
  public static final String PROMETHEUS_CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

  private final HttpServer http;
  private final ExecutorService executor;
  private final PrometheusMeterRegistry registry;

  private OpsServer(HttpServer http, ExecutorService executor, PrometheusMeterRegistry registry) {
    this.http = http;
    this.executor = executor;
    this.registry = registry;
  }

  /** A registry with the JVM's memory and thread meters bound, tagged with the role. */
  public static PrometheusMeterRegistry newRegistry(String role, String nodeId) {
    PrometheusMeterRegistry r = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    r.config().commonTags("role", role, "node", nodeId);
    new JvmMemoryMetrics().bindTo(r);
    new JvmThreadMetrics().bindTo(r);
    return r;
  }

  /**
   * Serves on {@code port} (0: an ephemeral port) of every interface.
   *
   * @throws UncheckedIOException naming the port when it cannot be bound
   */
  public static OpsServer start(int port, PrometheusMeterRegistry registry, Supplier<Readiness> readiness) {
    HttpServer http;
    try {
      http = HttpServer.create(new InetSocketAddress(port), 0);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot serve HTTP on port " + port + ": " + e.getMessage(), e);
    }
    ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
    http.setExecutor(executor);
    OpsServer s = new OpsServer(http, executor, registry);
    s.route("/metrics", ex -> s.send(ex, 200, PROMETHEUS_CONTENT_TYPE, registry.scrape()));
    s.route("/healthz", ex -> s.send(ex, 200, "text/plain; charset=utf-8", "ok\n"));
    s.route("/readyz", ex -> {
      Readiness r = readiness.get();
      s.send(ex, r.ready() ? 200 : 503, "text/plain; charset=utf-8",
          r.ready() ? "ready\n" : "not ready: " + String.join("; ", r.problems()) + "\n");
    });
    http.start();
    return s;
  }

  /** Adds a handler for every path under {@code prefix}. */
  public void route(String prefix, HttpHandler handler) {
    http.createContext(prefix, handler);
  }

  public int port() {
    return http.getAddress().getPort();
  }

  public PrometheusMeterRegistry registry() {
    return registry;
  }

  /** Writes a whole response and closes the exchange. */
  public void send(HttpExchange ex, int status, String contentType, String body) throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    ex.getResponseHeaders().set("Content-Type", contentType);
    ex.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
    try (OutputStream out = ex.getResponseBody()) {
      out.write(bytes);
    }
  }

  @Override
  public void close() {
    http.stop(0);
    executor.shutdown();
    registry.close();
  }
}
