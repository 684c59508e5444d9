package io.quiver.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.grpc.Grpc;
import io.grpc.InsecureServerCredentials;
import io.grpc.Server;
import io.grpc.ServerInterceptors;
import io.grpc.stub.StreamObserver;
import io.quiver.common.error.ErrorCode;
import io.quiver.common.error.QuiverException;
import io.quiver.common.error.QuiverExceptionInterceptor;
import io.quiver.common.model.Point;
import io.quiver.common.model.PointId;
import io.quiver.common.model.ReadLevel;
import io.quiver.proto.v1.ConsistencyToken;
import io.quiver.proto.v1.PointsGrpc;
import io.quiver.proto.v1.SearchRequest;
import io.quiver.proto.v1.SearchResponse;
import io.quiver.proto.v1.ShardPosition;
import io.quiver.proto.v1.UpsertRequest;
import io.quiver.proto.v1.WriteResponse;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The SDK's own behaviour (batching, request ids on retry, error codes, deadlines, session
 * tokens) against a hand-written Points service on loopback; the real cluster is exercised in
 * integration-tests.
 */
class QuiverClientTest {
  private final FakePoints points = new FakePoints();
  private Server server;
  private QuiverClient client;

  @BeforeEach
  void start() throws IOException {
    server =
        Grpc.newServerBuilderForPort(0, InsecureServerCredentials.create())
            .addService(ServerInterceptors.intercept(points, new QuiverExceptionInterceptor()))
            .build()
            .start();
    client = QuiverClient.connect("127.0.0.1:" + server.getPort());
  }

  @AfterEach
  void stop() {
    client.close();
    points.release.countDown();
    server.shutdownNow();
  }

  private static List<Point> points(int n, int dim) {
    return IntStream.range(0, n).mapToObj(i -> new Point(PointId.of(i), new float[dim])).toList();
  }

  @Test
  void largeImportsAreSplitIntoBatchesOfAtMostTenThousandPoints() {
    WriteResult r = client.upsert("c", points(25_000, 2));
    assertThat(r.requests()).isEqualTo(3);
    assertThat(r.affected()).isEqualTo(25_000);
    assertThat(points.upserts).extracting(UpsertRequest::getPointsCount).containsExactly(10_000, 10_000, 5_000);
    assertThat(points.upserts).extracting(UpsertRequest::getRequestId).doesNotHaveDuplicates().doesNotContain("");
  }

  @Test
  void batchesStayUnderTheByteBudget() {
    client.upsert("c", points(10_000, 128)); // about 5 MB of floats
    assertThat(points.upserts).hasSizeGreaterThan(1);
    assertThat(points.upserts).allSatisfy(u -> assertThat(u.getSerializedSize()).isLessThan(QuiverClient.DEFAULT_MAX_BATCH_BYTES));
    assertThat(points.upserts.stream().mapToInt(UpsertRequest::getPointsCount).sum()).isEqualTo(10_000);
  }

  @Test
  void aRetriedWriteKeepsItsRequestId() {
    points.failNextUpserts.set(1);
    client.upsert("c", points(3, 2));
    assertThat(points.upserts).hasSize(2);
    assertThat(points.upserts.get(1).getRequestId()).isEqualTo(points.upserts.get(0).getRequestId());
  }

  @Test
  void serverErrorsKeepTheirCodeAndMessage() {
    var q = SearchQuery.builder("missing", new float[] {1}).build();
    assertThatThrownBy(() -> client.search(q))
        .isInstanceOfSatisfying(QuiverException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.NOT_FOUND))
        .hasMessage("collection 'missing' does not exist");
  }

  @Test
  void aCallPastItsDeadlineFailsWithDeadlineExceeded() {
    var q = SearchQuery.builder("slow", new float[] {1}).build();
    assertThatThrownBy(() -> client.withDeadline(Duration.ofMillis(300)).search(q))
        .isInstanceOfSatisfying(QuiverException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.DEADLINE_EXCEEDED));
  }

  @Test
  void anUnreachableEndpointIsNamed() {
    try (QuiverClient dead = QuiverClient.builder("127.0.0.1:1").maxAttempts(1).build()) {
      assertThatThrownBy(dead::listCollections)
          .isInstanceOfSatisfying(QuiverException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.UNAVAILABLE))
          .hasMessageContaining("cannot reach Quiver at 127.0.0.1:1");
    }
  }

  @Test
  void sessionReadsCarryTheNewestTokenOfTheirCollection() {
    client.upsert("c", points(1, 2));
    client.search(SearchQuery.builder("c", new float[] {1, 2}).readLevel(ReadLevel.SESSION).build());
    client.search(SearchQuery.builder("c", new float[] {1, 2}).build());
    assertThat(points.searches.get(0).getRead().getToken()).isEqualTo(FakePoints.TOKEN);
    assertThat(points.searches.get(1).getRead().hasToken()).isFalse();
  }

  /** Records requests; fails or stalls on demand. Guarded by the gRPC executor's ordering: tests read after calls return. */
  static final class FakePoints extends PointsGrpc.PointsImplBase {
    static final ConsistencyToken TOKEN =
        ConsistencyToken.newBuilder()
            .setCollectionUuid("u")
            .addPositions(ShardPosition.newBuilder().setShard(0).setGeneration(1).setIndex(42))
            .build();
    final List<UpsertRequest> upserts = java.util.Collections.synchronizedList(new ArrayList<>());
    final List<SearchRequest> searches = java.util.Collections.synchronizedList(new ArrayList<>());
    final AtomicInteger failNextUpserts = new AtomicInteger();
    final CountDownLatch release = new CountDownLatch(1);

    @Override
    public void upsert(UpsertRequest request, StreamObserver<WriteResponse> out) {
      upserts.add(request);
      if (failNextUpserts.getAndDecrement() > 0) {
        throw new QuiverException(ErrorCode.NOT_LEADER, "leader moved");
      }
      out.onNext(WriteResponse.newBuilder().setAffected(request.getPointsCount()).setToken(TOKEN).build());
      out.onCompleted();
    }

    @Override
    public void search(SearchRequest request, StreamObserver<SearchResponse> out) {
      searches.add(request);
      if (request.getCollection().equals("missing")) {
        throw QuiverException.notFound("collection 'missing' does not exist");
      }
      if (request.getCollection().equals("slow")) {
        try {
          release.await();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
      out.onNext(SearchResponse.getDefaultInstance());
      out.onCompleted();
    }
  }
}
