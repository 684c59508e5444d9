package io.quiver.common.ops;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class OpsServerTest {
  final HttpClient client = HttpClient.newHttpClient();

  @Test
  void servesMetricsHealthAndReadiness() throws Exception {
    AtomicReference<Readiness> ready = new AtomicReference<>(new Readiness(List.of("no leading coordinator")));
    try (OpsServer ops = OpsServer.start(0, OpsServer.newRegistry("test", "n1"), ready::get)) {
      ops.registry().counter("quiver_test_events").increment(3);

      HttpResponse<String> metrics = get(ops, "/metrics");
      assertThat(metrics.statusCode()).isEqualTo(200);
      assertThat(metrics.headers().firstValue("Content-Type")).hasValue(OpsServer.PROMETHEUS_CONTENT_TYPE);
      assertThat(metrics.body()).contains("quiver_test_events_total{node=\"n1\",role=\"test\"} 3.0");
      assertThat(metrics.body()).contains("jvm_memory_used_bytes");

      assertThat(get(ops, "/healthz").statusCode()).isEqualTo(200);
      HttpResponse<String> notReady = get(ops, "/readyz");
      assertThat(notReady.statusCode()).isEqualTo(503);
      assertThat(notReady.body()).contains("no leading coordinator");

      ready.set(Readiness.builder().require(true, "unused").build());
      assertThat(get(ops, "/readyz").statusCode()).isEqualTo(200);
    }
  }

  HttpResponse<String> get(OpsServer ops, String path) throws Exception {
    return client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + ops.port() + path)).build(),
        HttpResponse.BodyHandlers.ofString());
  }
}
