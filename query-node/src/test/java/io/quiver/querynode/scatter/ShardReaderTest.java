package io.quiver.querynode.scatter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.grpc.Deadline;
import io.grpc.Server;
import io.grpc.stub.StreamObserver;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.quiver.common.cluster.CatalogEntry;
import io.quiver.common.cluster.NodeLease;
import io.quiver.common.error.ErrorCode;
import io.quiver.common.error.QuiverException;
import io.quiver.common.grpc.ChannelPool;
import io.quiver.common.grpc.GrpcServers;
import io.quiver.common.model.CollectionConfig;
import io.quiver.common.model.Distance;
import io.quiver.common.shard.CollectionPlacement;
import io.quiver.common.shard.NodeId;
import io.quiver.common.shard.ShardPlacement;
import io.quiver.proto.v1.internal.DataNodeGrpc;
import io.quiver.proto.v1.internal.ShardCountRequest;
import io.quiver.proto.v1.internal.ShardCountResponse;
import io.quiver.querynode.routing.Route;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The hedged read against hand-written data nodes on real loopback gRPC: one that never answers
 * until released (a stalled replica), one that answers at once, one that does not host the shard.
 */
class ShardReaderTest {
  /** A data node answering ShardCount in one fixed way. */
  static final class FakeNode extends DataNodeGrpc.DataNodeImplBase {
    final CountDownLatch release = new CountDownLatch(1);
    final String mode;

    FakeNode(String mode) {
      this.mode = mode;
    }

    @Override
    public void shardCount(ShardCountRequest req, StreamObserver<ShardCountResponse> out) {
      switch (mode) {
        case "stall" -> {
          try {
            release.await(30, TimeUnit.SECONDS);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
          out.onNext(ShardCountResponse.newBuilder().setCount(1).build());
        }
        case "not-hosted" -> throw new QuiverException(ErrorCode.SHARD_NOT_HOSTED, "fake does not host it");
        case "bad" -> throw QuiverException.invalid("filter.must[0] is bad");
        default -> out.onNext(ShardCountResponse.newBuilder().setCount(7).build());
      }
      out.onCompleted();
    }
  }

  final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
  final ChannelPool channels = new ChannelPool();
  final List<Server> servers = new ArrayList<>();
  final List<FakeNode> fakes = new ArrayList<>();

  @AfterEach
  void stop() {
    fakes.forEach(f -> f.release.countDown());
    servers.forEach(Server::shutdownNow);
    channels.close();
    executor.shutdown();
  }

  Route route(String... modes) {
    Map<NodeId, NodeLease> leases = new java.util.HashMap<>();
    List<NodeId> voters = new ArrayList<>();
    for (int i = 0; i < modes.length; i++) {
      NodeId id = new NodeId("n" + i);
      voters.add(id);
      if (modes[i].equals("gone")) {
        continue; // placed, but holds no lease
      }
      FakeNode f = new FakeNode(modes[i]);
      fakes.add(f);
      Server s = GrpcServers.start(0, List.of(f), executor);
      servers.add(s);
      leases.put(id, new NodeLease(id, "127.0.0.1:" + s.getPort(), 100, "z", "inc"));
    }
    CatalogEntry e = new CatalogEntry("c", UUID.randomUUID(), CollectionConfig.of(4, Distance.L2), 0);
    return new Route(e, new CollectionPlacement(List.of(new ShardPlacement(0, voters, List.of())), 1), leases);
  }

  ShardReader reader() {
    return new ShardReader(channels,
        new DataNodeHealth(new HedgeSettings(0.95, Duration.ofMillis(1), Duration.ofMillis(20)), new SimpleMeterRegistry()),
        new SimpleMeterRegistry());
  }

  ShardAnswer<ShardCountResponse> count(ShardReader reader, Route route) {
    return reader.read(route, 0, Deadline.after(20, TimeUnit.SECONDS), s -> s.shardCount(ShardCountRequest.getDefaultInstance()));
  }

  @Test
  void aStalledReplicaIsHedgedToAnother() {
    Route route = route("stall", "fast");
    ShardReader reader = reader();
    // Rotation starts at either replica; whichever goes first, the fast one answers. A round that
    // starts at the stalled one (the first, and every other) can only be answered by a hedge; a
    // round that starts at the fast one may hedge too on a loaded machine, but the fast one wins.
    int answeredByHedge = 0;
    for (int i = 0; i < 4; i++) {
      ShardAnswer<ShardCountResponse> a = count(reader, route);
      assertThat(a.value().getCount()).isEqualTo(7);
      assertThat(a.node()).isEqualTo(new NodeId("n1"));
      answeredByHedge += a.hedged() ? 1 : 0;
    }
    assertThat(answeredByHedge).isGreaterThanOrEqualTo(1);
  }

  @Test
  void notHostedAndLeaselessReplicasAreSkippedNeverMergedEmpty() {
    ShardReader reader = reader();
    Route route = route("not-hosted", "gone", "fast");
    for (int i = 0; i < 3; i++) {
      assertThat(count(reader, route).value().getCount()).isEqualTo(7);
    }
  }

  @Test
  void noAnsweringReplicaIsUnavailableNamingTheShardAndABadRequestIsNotRetried() {
    ShardReader reader = reader();
    assertThatThrownBy(() -> reader.read(route("gone", "gone"), 0, Deadline.after(2, TimeUnit.SECONDS),
        s -> s.shardCount(ShardCountRequest.getDefaultInstance())))
        .isInstanceOfSatisfying(QuiverException.class, e -> {
          assertThat(e.code()).isEqualTo(ErrorCode.UNAVAILABLE);
          assertThat(e.getMessage()).contains("shard 0 of collection 'c' has no answering replica", "n0", "n1");
        });
    assertThatThrownBy(() -> count(reader, route("bad", "bad")))
        .isInstanceOfSatisfying(QuiverException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_ARGUMENT));
  }
}
