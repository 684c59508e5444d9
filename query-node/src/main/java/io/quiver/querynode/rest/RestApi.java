package io.quiver.querynode.rest;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.protobuf.util.JsonFormat;
import com.sun.net.httpserver.HttpExchange;
import io.grpc.stub.StreamObserver;
import io.quiver.common.error.ErrorCode;
import io.quiver.common.error.GrpcErrors;
import io.quiver.common.error.QuiverException;
import io.quiver.common.ops.OpsServer;
import io.quiver.proto.v1.CountRequest;
import io.quiver.proto.v1.CreateCollectionRequest;
import io.quiver.proto.v1.DeleteRequest;
import io.quiver.proto.v1.DescribeCollectionRequest;
import io.quiver.proto.v1.DropCollectionRequest;
import io.quiver.proto.v1.GetRequest;
import io.quiver.proto.v1.HybridSearchRequest;
import io.quiver.proto.v1.ListCollectionsRequest;
import io.quiver.proto.v1.ScrollRequest;
import io.quiver.proto.v1.SearchBatchRequest;
import io.quiver.proto.v1.SearchRequest;
import io.quiver.proto.v1.UpsertRequest;
import io.quiver.querynode.points.PointsService;
import io.quiver.querynode.proxy.CollectionsProxy;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BiConsumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Routes {@code /v1/...} requests to the same service objects that serve gRPC, so both APIs share
 * validation, semantics and errors. Bodies and answers are the API's protobuf messages in proto3
 * JSON ({@code JsonFormat}); an unknown JSON field is refused (400) naming it. Errors answer with
 * the {@link ErrorCode}'s HTTP status and {@code {"error": {"code", "message", "http_status"}}}.
 * The routes are listed in {@link #ROUTES} and documented in {@code openapi.yaml}.
 */
public final class RestApi {
  private static final Logger log = LoggerFactory.getLogger(RestApi.class);
  static final String JSON = "application/json; charset=utf-8";
  static final int MAX_BODY_BYTES = 64 << 20;

  /** One route: method, path pattern ({@code {name}} is the collection), and its handler. */
  record Route(String method, String path, Handler handler) {
    Pattern pattern() {
      return Pattern.compile("^" + path.replace("{name}", "([^/]+)") + "$");
    }
  }

  @FunctionalInterface
  interface Handler {
    Message handle(String collection, String body) throws IOException;
  }

  private final PointsService points;
  private final CollectionsProxy collections;
  private final JsonFormat.Printer printer = JsonFormat.printer().preservingProtoFieldNames().omittingInsignificantWhitespace();
  private final JsonFormat.Parser parser = JsonFormat.parser();
  final List<Route> routes;

  public RestApi(PointsService points, CollectionsProxy collections) {
    this.points = points;
    this.collections = collections;
    this.routes = List.of(
        new Route("GET", "/v1/collections", (c, b) -> call(collections::list, ListCollectionsRequest.getDefaultInstance())),
        new Route("PUT", "/v1/collections/{name}", (c, b) -> call(collections::create,
            named(parse(b, CreateCollectionRequest.newBuilder()), "name", c).build())),
        new Route("GET", "/v1/collections/{name}", (c, b) -> call(collections::describe,
            DescribeCollectionRequest.newBuilder().setName(c).build())),
        new Route("DELETE", "/v1/collections/{name}", (c, b) -> call(collections::drop,
            DropCollectionRequest.newBuilder().setName(c).build())),
        new Route("PUT", "/v1/collections/{name}/points", (c, b) -> call(points::upsert,
            named(parse(b, UpsertRequest.newBuilder()), "collection", c).build())),
        new Route("POST", "/v1/collections/{name}/points/delete", (c, b) -> call(points::delete,
            named(parse(b, DeleteRequest.newBuilder()), "collection", c).build())),
        new Route("POST", "/v1/collections/{name}/points/get", (c, b) -> call(points::get,
            named(parse(b, GetRequest.newBuilder()), "collection", c).build())),
        new Route("POST", "/v1/collections/{name}/points/scroll", (c, b) -> call(points::scroll,
            named(parse(b, ScrollRequest.newBuilder()), "collection", c).build())),
        new Route("POST", "/v1/collections/{name}/points/count", (c, b) -> call(points::count,
            named(parse(b, CountRequest.newBuilder()), "collection", c).build())),
        new Route("POST", "/v1/collections/{name}/points/search", (c, b) -> call(points::search,
            named(parse(b, SearchRequest.newBuilder()), "collection", c).build())),
        new Route("POST", "/v1/collections/{name}/points/search/batch", (c, b) -> call(points::searchBatch, batch(c, b))),
        new Route("POST", "/v1/collections/{name}/points/hybrid", (c, b) -> call(points::hybridSearch,
            named(parse(b, HybridSearchRequest.newBuilder()), "collection", c).build())));
  }

  /** Serves every route under {@code /v1/} on {@code http}. */
  public void register(OpsServer http) {
    http.route("/v1/", ex -> serve(http, ex));
  }

  private void serve(OpsServer http, HttpExchange ex) throws IOException {
    try (ex) {
      String path = ex.getRequestURI().getPath();
      String method = ex.getRequestMethod();
      List<String> allowed = new ArrayList<>();
      for (Route r : routes) {
        Matcher m = r.pattern().matcher(path);
        if (!m.matches()) {
          continue;
        }
        if (!r.method().equals(method)) {
          allowed.add(r.method());
          continue;
        }
        String collection = m.groupCount() > 0 ? m.group(1) : "";
        answer(http, ex, () -> r.handler().handle(collection, body(ex)));
        return;
      }
      if (!allowed.isEmpty()) {
        ex.getResponseHeaders().set("Allow", String.join(", ", allowed));
        http.send(ex, 405, JSON, error("METHOD_NOT_ALLOWED", method + " " + path + " is not served; use " + String.join(" or ", allowed), 405));
        return;
      }
      http.send(ex, 404, JSON, error(ErrorCode.NOT_FOUND.name(), "no route " + method + " " + path, 404));
    }
  }

  @FunctionalInterface
  private interface Call {
    Message run() throws IOException;
  }

  private void answer(OpsServer http, HttpExchange ex, Call call) throws IOException {
    Message result;
    try {
      result = call.run();
    } catch (RuntimeException | IOException e) {
      QuiverException q = e instanceof InvalidProtocolBufferException ipe
          ? QuiverException.invalid("request body is not valid JSON for this call: " + ipe.getMessage())
          : GrpcErrors.toQuiver(e);
      if (q.code() == ErrorCode.INTERNAL) {
        log.error("REST {} {} failed", ex.getRequestMethod(), ex.getRequestURI().getPath(), e);
      }
      http.send(ex, q.code().httpStatus(), JSON, error(q.code().name(), q.getMessage(), q.code().httpStatus()));
      return;
    }
    http.send(ex, 200, JSON, printer.print(result));
  }

  static String error(String code, String message, int status) {
    return "{\"error\":{\"code\":" + quote(code) + ",\"message\":" + quote(message) + ",\"http_status\":" + status + "}}";
  }

  private static String quote(String s) {
    StringBuilder b = new StringBuilder("\"");
    for (char ch : String.valueOf(s).toCharArray()) {
      switch (ch) {
        case '"' -> b.append("\\\"");
        case '\\' -> b.append("\\\\");
        case '\n' -> b.append("\\n");
        case '\r' -> b.append("\\r");
        case '\t' -> b.append("\\t");
        default -> {
          if (ch < 0x20) {
            b.append(String.format("\\u%04x", (int) ch));
          } else {
            b.append(ch);
          }
        }
      }
    }
    return b.append('"').toString();
  }

  private static String body(HttpExchange ex) throws IOException {
    try (InputStream in = ex.getRequestBody()) {
      byte[] bytes = in.readNBytes(MAX_BODY_BYTES + 1);
      if (bytes.length > MAX_BODY_BYTES) {
        throw new QuiverException(ErrorCode.RESOURCE_EXHAUSTED, "request body is over " + MAX_BODY_BYTES + " bytes");
      }
      return new String(bytes, StandardCharsets.UTF_8);
    }
  }

  private <B extends Message.Builder> B parse(String body, B builder) throws InvalidProtocolBufferException {
    if (!body.isBlank()) {
      parser.merge(body, builder);
    }
    return builder;
  }

  /** Sets the collection field from the path; a body naming another collection is refused. */
  private static <B extends Message.Builder> B named(B builder, String field, String collection) {
    var f = builder.getDescriptorForType().findFieldByName(field);
    Object given = builder.getField(f);
    if (!"".equals(given) && !collection.equals(given)) {
      throw QuiverException.invalid(field + " '" + given + "' in the body differs from '" + collection + "' in the path");
    }
    builder.setField(f, collection);
    return builder;
  }

  private SearchBatchRequest batch(String collection, String body) throws InvalidProtocolBufferException {
    SearchBatchRequest.Builder b = parse(body, SearchBatchRequest.newBuilder());
    for (int i = 0; i < b.getSearchesCount(); i++) {
      SearchRequest.Builder s = b.getSearchesBuilder(i);
      if (!s.getCollection().isEmpty() && !s.getCollection().equals(collection)) {
        throw QuiverException.invalid("searches[" + i + "].collection '" + s.getCollection()
            + "' differs from '" + collection + "' in the path");
      }
      s.setCollection(collection);
    }
    return b.build();
  }

  /** Runs a gRPC service method in this thread and returns its one answer. */
  private static <Q, A extends Message> A call(BiConsumer<Q, StreamObserver<A>> method, Q request) {
    AtomicReference<A> answer = new AtomicReference<>();
    AtomicReference<Throwable> failure = new AtomicReference<>();
    method.accept(request, new StreamObserver<>() {
      @Override
      public void onNext(A value) {
        answer.set(value);
      }

      @Override
      public void onError(Throwable t) {
        failure.set(t);
      }

      @Override
      public void onCompleted() {}
    });
    if (failure.get() != null) {
      throw GrpcErrors.toQuiver(failure.get());
    }
    return answer.get();
  }

  /** method + " " + path of every route, as documented in openapi.yaml. */
  public List<String> routeNames() {
    return routes.stream().map(r -> r.method() + " " + r.path()).toList();
  }

}
