package io.quiver.querynode.rest;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quiver.common.cluster.ZkSettings;
import io.quiver.common.shard.NodeId;
import io.quiver.coordinator.CoordinatorConfig;
import io.quiver.coordinator.CoordinatorServer;
import io.quiver.datanode.DataNodeConfig;
import io.quiver.datanode.DataNodeServer;
import io.quiver.querynode.QueryNodeConfig;
import io.quiver.querynode.QueryNodeServer;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.apache.curator.test.TestingServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.yaml.snakeyaml.Yaml;

/**
 * The REST/JSON API against a real cluster (ZooKeeper, coordinator, data node, query node on
 * loopback), and openapi.yaml against the implementation: every documented operation is served
 * and answers a sample request with its documented success status, and every served route is documented.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RestApiTest {
  static final String V = "[1,0,0,0]";

  @TempDir static Path dir;
  TestingServer zk;
  CoordinatorServer coordinator;
  DataNodeServer dn;
  QueryNodeServer query;
  final HttpClient http = HttpClient.newHttpClient();
  final ObjectMapper json = new ObjectMapper();

  @BeforeAll
  void start() throws Exception {
    zk = new TestingServer(true);
    ZkSettings zs = ZkSettings.of(zk.getConnectString());
    coordinator = CoordinatorServer.start(new CoordinatorConfig(new NodeId("c1"), "127.0.0.1", 0, zs, Duration.ofSeconds(2)));
    dn = DataNodeServer.start(new DataNodeConfig(new NodeId("dn1"), "127.0.0.1", 0, zs, dir.resolve("dn1"), 100, "z"));
    query = QueryNodeServer.start(new QueryNodeConfig(new NodeId("q1"), "127.0.0.1", 0, zs, Duration.ofSeconds(10)));
    query.awaitReady(1, Duration.ofSeconds(30));
  }

  @AfterAll
  void stop() throws Exception {
    for (AutoCloseable c : new AutoCloseable[] {query, dn, coordinator, zk}) {
      if (c != null) {
        c.close();
      }
    }
  }

  @Test
  void everyDocumentedOperationIsServedAndEveryRouteDocumented() throws Exception {
    Map<String, Object> spec;
    try (InputStream in = RestApi.class.getResourceAsStream("/openapi.yaml")) {
      spec = new Yaml().load(in);
    }
    @SuppressWarnings("unchecked")
    Map<String, Map<String, Object>> paths = (Map<String, Map<String, Object>>) spec.get("paths");
    Set<String> documented = new TreeSet<>();
    paths.forEach((path, ops) -> ops.keySet().stream().filter(m -> !m.equals("parameters"))
        .forEach(m -> documented.add(m.toUpperCase() + " " + path)));
    assertThat(documented).isEqualTo(new TreeSet<>(new RestApi(null, null).routeNames()));

    // A sample request per operation, in an order that makes each succeed.
    Map<String, String> samples = new LinkedHashMap<>();
    samples.put("PUT /v1/collections/{name}", "{\"config\":{\"dimension\":4,\"distance\":\"DOT\",\"shard_count\":2,\"replication_factor\":1}}");
    samples.put("GET /v1/collections", "");
    samples.put("GET /v1/collections/{name}", "");
    samples.put("PUT /v1/collections/{name}/points", "{\"points\":[{\"id\":{\"num\":1},\"vector\":{\"values\":" + V
        + "},\"payload\":{\"fields\":{\"tag\":{\"string_value\":\"a\"}}}},{\"id\":{\"num\":2},\"vector\":{\"values\":[0,1,0,0]}}]}");
    samples.put("POST /v1/collections/{name}/points/get", "{\"ids\":[{\"num\":1}],\"with_payload\":{\"enable\":true}}");
    samples.put("POST /v1/collections/{name}/points/scroll", "{\"limit\":1}");
    samples.put("POST /v1/collections/{name}/points/count", "{}");
    samples.put("POST /v1/collections/{name}/points/search", "{\"vector\":{\"values\":" + V + "},\"k\":2}");
    samples.put("POST /v1/collections/{name}/points/search/batch", "{\"searches\":[{\"vector\":{\"values\":" + V + "},\"k\":1}]}");
    samples.put("POST /v1/collections/{name}/points/hybrid", "{\"vector\":{\"values\":" + V + "},\"k\":1}");
    samples.put("POST /v1/collections/{name}/points/delete", "{\"ids\":{\"ids\":[{\"num\":2}]}}");
    samples.put("DELETE /v1/collections/{name}", "");
    assertThat(samples.keySet()).containsExactlyInAnyOrderElementsOf(documented);

    Map<String, JsonNode> answers = new LinkedHashMap<>();
    for (var s : samples.entrySet()) {
      String[] mp = s.getKey().split(" ");
      @SuppressWarnings("unchecked")
      Map<String, Object> op = (Map<String, Object>) paths.get(mp[1]).get(mp[0].toLowerCase());
      @SuppressWarnings("unchecked")
      Set<String> statuses = ((Map<String, Object>) op.get("responses")).keySet();
      HttpResponse<String> r = send(mp[0], mp[1].replace("{name}", "rest"), s.getValue());
      assertThat(statuses).contains(String.valueOf(r.statusCode()));
      assertThat(r.statusCode()).as(s.getKey() + " -> " + r.body()).isEqualTo(200);
      assertThat(r.headers().firstValue("Content-Type")).hasValue(RestApi.JSON);
      answers.put(s.getKey(), json.readTree(r.body()));
    }
    assertThat(answers.get("POST /v1/collections/{name}/points/search").at("/hits/0/id/num").asText()).isEqualTo("1");
    assertThat(answers.get("POST /v1/collections/{name}/points/get").at("/points/0/payload/fields/tag/string_value").asText()).isEqualTo("a");
    assertThat(answers.get("POST /v1/collections/{name}/points/count").at("/count").asText()).isEqualTo("2");
    assertThat(answers.get("POST /v1/collections/{name}/points/scroll").at("/next_offset/num").asText()).isEqualTo("1");
    assertThat(answers.get("POST /v1/collections/{name}/points/delete").at("/affected").asText()).isEqualTo("1");
  }

  @Test
  void errorsCarryTheCodeStatusAndTheField() throws Exception {
    assertThat(send("PUT", "/v1/collections/errs", "{\"config\":{\"dimension\":4,\"distance\":\"L2\",\"shard_count\":1,\"replication_factor\":1}}")
        .statusCode()).isEqualTo(200);
    assertError(send("POST", "/v1/collections/errs/points/search", "{\"vector\":{\"values\":" + V + "},\"k\":0}"),
        400, "INVALID_ARGUMENT", "k must be in 1..10000 but was 0");
    assertError(send("PUT", "/v1/collections/errs/points", "{\"points\":[{\"id\":{\"num\":1},\"vector\":{\"values\":[1,2]}}]}"),
        400, "INVALID_ARGUMENT", "points[0].vector has 2 values but the collection's dimension is 4");
    assertError(send("POST", "/v1/collections/errs/points/search", "{\"vectr\":{}}"), 400, "INVALID_ARGUMENT", "vectr");
    assertError(send("POST", "/v1/collections/errs/points/search", "{not json"), 400, "INVALID_ARGUMENT", "not valid JSON");
    assertError(send("POST", "/v1/collections/errs/points/search", "{\"collection\":\"other\",\"k\":1}"),
        400, "INVALID_ARGUMENT", "collection 'other' in the body differs from 'errs' in the path");
    assertError(send("POST", "/v1/collections/nope/points/search", "{\"vector\":{\"values\":" + V + "},\"k\":1}"),
        404, "NOT_FOUND", "collection 'nope' does not exist");
    assertError(send("GET", "/v1/collections/nope", ""), 404, "NOT_FOUND", "collection 'nope' does not exist");
    assertError(send("PUT", "/v1/collections/errs", "{\"config\":{\"dimension\":4,\"distance\":\"L2\",\"shard_count\":1,\"replication_factor\":1}}"),
        409, "ALREADY_EXISTS", "collection 'errs' already exists");
    assertError(send("GET", "/v1/nothing", ""), 404, "NOT_FOUND", "no route GET /v1/nothing");
    HttpResponse<String> wrongMethod = send("GET", "/v1/collections/errs/points/search", "");
    assertError(wrongMethod, 405, "METHOD_NOT_ALLOWED", "use POST");
    assertThat(wrongMethod.headers().firstValue("Allow")).hasValue("POST");
  }

  void assertError(HttpResponse<String> r, int status, String code, String message) throws Exception {
    assertThat(r.statusCode()).as(r.body()).isEqualTo(status);
    JsonNode e = json.readTree(r.body()).get("error");
    assertThat(e.get("code").asText()).isEqualTo(code);
    assertThat(e.get("message").asText()).contains(message);
    assertThat(e.get("http_status").asInt()).isEqualTo(status);
  }

  HttpResponse<String> send(String method, String path, String body) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + query.httpPort() + path))
        .header("Content-Type", "application/json");
    b.method(method, body.isEmpty() ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

}
