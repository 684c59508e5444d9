package io.quiver.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import io.quiver.client.CollectionSpec;
import io.quiver.client.QuiverClient;
import io.quiver.client.SearchQuery;
import io.quiver.common.error.ErrorCode;
import io.quiver.common.error.GrpcErrors;
import io.quiver.common.error.QuiverException;
import io.quiver.common.model.Distance;
import io.quiver.common.model.Point;
import io.quiver.common.model.PointId;
import io.quiver.proto.v1.PointStruct;
import io.quiver.proto.v1.PointsGrpc;
import io.quiver.proto.v1.UpsertRequest;
import io.quiver.proto.v1.Vector;
import java.nio.file.Path;
import java.util.List;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Bad input is refused by the cluster with a code and a message naming the field and the value. */
class BadInputTest {
  @TempDir static Path dir;
  static LoopbackCluster cluster;
  static QuiverClient client;

  @BeforeAll
  static void start() throws Exception {
    cluster = new LoopbackCluster(dir, 2);
    client = QuiverClient.connect(cluster.endpoint());
    client.createCollection(CollectionSpec.builder("bad", 3, Distance.COSINE).shards(2).build());
  }

  @AfterAll
  static void stop() {
    if (client != null) client.close();
    if (cluster != null) cluster.close();
  }

  private static void refused(ErrorCode code, ThrowingCallable call, String... messageParts) {
    assertThatThrownBy(call)
        .isInstanceOfSatisfying(QuiverException.class, e -> assertThat(e.code()).isEqualTo(code))
        .message()
        .contains(messageParts);
  }

  private static Point point(long id, float... v) {
    return new Point(PointId.of(id), v);
  }

  @Test
  void wrongDimensionNamesTheVectorAndBothLengths() {
    refused(ErrorCode.INVALID_ARGUMENT, () -> client.upsert("bad", List.of(point(1, 1, 2))), "points[0].vector", "2", "3");
    refused(ErrorCode.INVALID_ARGUMENT, () -> client.search(SearchQuery.builder("bad", new float[] {1, 2, 3, 4}).build()),
        "vector", "4", "3");
  }

  @Test
  void nanAndInfiniteValuesAreRefusedWithTheirPosition() {
    refused(ErrorCode.INVALID_ARGUMENT,
        () -> client.upsert("bad", List.of(point(1, 1, 1, 1), point(2, 1, Float.NaN, 1))), "points[1].vector[1]", "NaN");
    refused(ErrorCode.INVALID_ARGUMENT,
        () -> client.upsert("bad", List.of(point(1, Float.POSITIVE_INFINITY, 1, 1))), "points[0].vector[0]", "Infinity");
    refused(ErrorCode.INVALID_ARGUMENT,
        () -> client.search(SearchQuery.builder("bad", new float[] {1, Float.NEGATIVE_INFINITY, 1}).build()), "vector[1]");
  }

  @Test
  void duplicateIdsInOneBatchNameBothPositions() {
    refused(ErrorCode.INVALID_ARGUMENT,
        () -> client.upsert("bad", List.of(point(5, 1, 1, 1), point(6, 1, 1, 1), point(5, 2, 2, 2))),
        "points[2].id", "5", "points[0]");
  }

  @Test
  void anEmptyIdIsRefusedByTheSdkAndByTheServer() {
    assertThatThrownBy(() -> PointId.parse("")).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("id must not be empty");
    // The SDK cannot send an id with neither a number nor a UUID; another client can.
    ManagedChannel ch = Grpc.newChannelBuilder(cluster.endpoint(), InsecureChannelCredentials.create()).build();
    try {
      UpsertRequest req = UpsertRequest.newBuilder()
          .setCollection("bad")
          .addPoints(PointStruct.newBuilder().setVector(Vector.newBuilder().addValues(1).addValues(1).addValues(1)))
          .build();
      assertThatThrownBy(() -> PointsGrpc.newBlockingStub(ch).upsert(req))
          .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
            QuiverException q = GrpcErrors.toQuiver(e);
            assertThat(q.code()).isEqualTo(ErrorCode.INVALID_ARGUMENT);
            assertThat(q.getMessage()).contains("points[0].id").contains("empty");
          });
    } finally {
      ch.shutdownNow();
    }
  }

  @Test
  void kOutsideOneToTenThousandIsRefused() {
    refused(ErrorCode.INVALID_ARGUMENT, () -> client.search(SearchQuery.builder("bad", new float[] {1, 1, 1}).k(0).build()),
        "k must be in 1..10000", "was 0");
    refused(ErrorCode.INVALID_ARGUMENT, () -> client.search(SearchQuery.builder("bad", new float[] {1, 1, 1}).k(10_001).build()),
        "k must be in 1..10000", "was 10001");
  }

  @Test
  void anUnknownCollectionIsNotFound() {
    refused(ErrorCode.NOT_FOUND, () -> client.search(SearchQuery.builder("nope", new float[] {1, 1, 1}).build()), "nope");
    refused(ErrorCode.NOT_FOUND, () -> client.upsert("nope", List.of(point(1, 1, 1, 1))), "nope");
    refused(ErrorCode.NOT_FOUND, () -> client.describeCollection("nope"), "nope");
    refused(ErrorCode.NOT_FOUND, () -> client.dropCollection("nope"), "nope");
  }

  @Test
  void aBadCollectionConfigNamesTheField() {
    refused(ErrorCode.INVALID_ARGUMENT,
        () -> client.createCollection(CollectionSpec.builder("zero", 0, Distance.L2).build()), "dimension", "0");
    refused(ErrorCode.ALREADY_EXISTS,
        () -> client.createCollection(CollectionSpec.builder("bad", 3, Distance.COSINE).build()), "bad");
  }
}
