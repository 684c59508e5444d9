package io.quiver.querynode;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.quiver.common.cluster.ZkSettings;
import io.quiver.common.shard.NodeId;
import io.quiver.coordinator.CoordinatorConfig;
import io.quiver.coordinator.CoordinatorServer;
import io.quiver.datanode.DataNodeConfig;
import io.quiver.datanode.DataNodeServer;
import io.quiver.datanode.raft.AdmissionSettings;
import io.quiver.proto.v1.CollectionConfig;
import io.quiver.proto.v1.CollectionsGrpc;
import io.quiver.proto.v1.CountRequest;
import io.quiver.proto.v1.CreateCollectionRequest;
import io.quiver.proto.v1.Distance;
import io.quiver.proto.v1.PointStruct;
import io.quiver.proto.v1.PointsGrpc;
import io.quiver.proto.v1.UpsertRequest;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Random;
import org.apache.curator.test.TestingServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A data node whose index lags refuses writes, and the query node says so: after retrying within
 * its request deadline it fails the upsert with RESOURCE_EXHAUSTED naming the shard and the
 * backlog, and nothing of the refused batch is stored.
 */
class WriteAdmissionEndToEndTest {
  /** Graphs of 256-d points take seconds per sealed segment (20,000 points) on these cores. */
  static final int DIM = 256;
  static final int BATCH = 2_000;

  @TempDir Path dir;

  /**
   * Upserts, retrying other failures with the same request id as the SDK does (a slow write on
   * loaded cores may outlast the deadline; a retry of one that applied is answered from the
   * leader's record, even while it refuses new writes). Returns the RESOURCE_EXHAUSTED refusal, or
   * null once applied.
   */
  private static StatusRuntimeException upsert(PointsGrpc.PointsBlockingStub points, UpsertRequest req) {
    for (int attempt = 1; ; attempt++) {
      try {
        points.upsert(req);
        return null;
      } catch (StatusRuntimeException e) {
        if (e.getStatus().getCode() == Status.Code.RESOURCE_EXHAUSTED || attempt == 10) {
          return e;
        }
      }
    }
  }

  /** The first write waits out the group's first election, which may take longer than one deadline. */
  private static void awaitFirstWrite(PointsGrpc.PointsBlockingStub points) throws InterruptedException {
    long until = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (true) {
      try {
        points.upsert(UpsertRequest.newBuilder().setCollection("busy").setRequestId("first")
            .addPoints(QueryNodeEndToEndTest.point(1_000_000_000L, new float[DIM], 0)).build());
        return;
      } catch (StatusRuntimeException e) {
        if (System.nanoTime() > until) {
          throw e;
        }
        Thread.sleep(200);
      }
    }
  }

  @Test
  void anOverloadedShardFailsTheUpsertWithResourceExhausted() throws Exception {
    long seed = System.nanoTime();
    System.out.println("seed " + seed);
    Random rnd = new Random(seed);
    try (TestingServer zk = new TestingServer(true)) {
      ZkSettings zs = ZkSettings.of(zk.getConnectString());
      // Any sealed segment without its graph is a backlog over the limit of 1 point.
      try (CoordinatorServer coordinator = CoordinatorServer.start(
              new CoordinatorConfig(new NodeId("c1"), "127.0.0.1", 0, zs, Duration.ofSeconds(2)));
          DataNodeServer dn = DataNodeServer.start(
              new DataNodeConfig(new NodeId("dn1"), "127.0.0.1", 0, zs, dir.resolve("dn1"), 100, "z1")
                  .withAdmission(new AdmissionSettings(1_000, 1)));
          QueryNodeServer query = QueryNodeServer.start(
              new QueryNodeConfig(new NodeId("q1"), "127.0.0.1", 0, zs, Duration.ofSeconds(3)))) {
        query.awaitReady(1, Duration.ofSeconds(30));
        ManagedChannel channel = ManagedChannelBuilder.forAddress("127.0.0.1", query.port()).usePlaintext()
            .maxInboundMessageSize(16 << 20).build();
        try {
          PointsGrpc.PointsBlockingStub points = PointsGrpc.newBlockingStub(channel);
          CollectionsGrpc.newBlockingStub(channel).create(CreateCollectionRequest.newBuilder().setName("busy")
              .setConfig(CollectionConfig.newBuilder().setDimension(DIM).setDistance(Distance.L2).setShardCount(1)
                  .setReplicationFactor(1)).build());
          awaitFirstWrite(points);
          long stored = 1;
          StatusRuntimeException refused = null;
          // Each sealed segment is a backlog until its graph is built; a write that meets it
          // waits out the 3 s deadline, then fails. At most 50 batches (100,000 points).
          for (int b = 0; b < 50 && refused == null; b++) {
            UpsertRequest.Builder up = UpsertRequest.newBuilder().setCollection("busy").setRequestId("b" + b);
            for (int i = 0; i < BATCH; i++) {
              float[] v = new float[DIM];
              for (int d = 0; d < DIM; d++) {
                v[d] = rnd.nextFloat();
              }
              up.addPoints(QueryNodeEndToEndTest.point(b * BATCH + i, v, 0));
            }
            refused = upsert(points, up.build());
            if (refused == null) {
              stored += BATCH;
            }
          }
          assertThat(refused).as("an upsert refused within 100,000 points").isNotNull();
          assertThat(refused.getStatus().getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
          assertThat(refused.getStatus().getDescription()).contains("shard 0 of collection 'busy'",
              "points wait for their index", "data-node.admission.max-index-backlog-points=1",
              "nothing was written");
          assertThat(stored).isGreaterThan(20_000);
          assertThat(points.count(CountRequest.newBuilder().setCollection("busy").build()).getCount())
              .isEqualTo(stored);
        } finally {
          channel.shutdownNow();
        }
      }
    }
  }
}
