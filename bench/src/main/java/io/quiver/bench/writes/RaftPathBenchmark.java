package io.quiver.bench.writes;

import io.quiver.common.model.CollectionConfig;
import io.quiver.common.model.Distance;
import io.quiver.common.model.Point;
import io.quiver.common.model.WriteLevel;
import io.quiver.common.shard.NodeId;
import io.quiver.common.shard.ShardId;
import io.quiver.datanode.raft.RaftSettings;
import io.quiver.datanode.raft.ShardApplyListener;
import io.quiver.datanode.raft.ShardGroups;
import io.quiver.datanode.raft.ShardPeer;
import io.quiver.datanode.raft.WriteOutcome;
import io.quiver.datanode.shard.ShardIndexes;
import io.quiver.datanode.store.NodeStore;
import io.quiver.datanode.store.ShardOp;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.UUID;

/**
 * The data node's write path without the query node and gRPC: {@code replicas} {@link ShardGroups}
 * in this JVM hosting one shard, written in-process with {@link ShardGroups#write} by
 * {@code clients} threads, each waiting for its batch before sending the next (as the SDK
 * clients do). With {@code index} false the replicas apply to RocksDB only (what bare Ratis plus
 * Quiver's state machine costs); with it true each replica's index engine follows, HNSW builds
 * included. Its figures separate the cost of the store, the index and the hops in front.
 */
final class RaftPathBenchmark {
  private RaftPathBenchmark() {}

  static WriteThroughputBenchmark.Figure run(WriteThroughputBenchmark.Case c, boolean index, int clients, int batch,
      int dim, int warmup, int seconds) throws Exception {
    Path dir = Files.createTempDirectory("quiver-raft-path");
    ShardId shard = new ShardId(UUID.randomUUID(), 0);
    CollectionConfig config = CollectionConfig.of(dim, Distance.L2).withShards(1, c.replicas());
    List<ShardGroups> nodes = new ArrayList<>();
    List<ShardIndexes> indexes = new ArrayList<>();
    try {
      List<ShardPeer> peers = new ArrayList<>();
      for (int i = 0; i < c.replicas(); i++) {
        ShardIndexes ix = new ShardIndexes();
        indexes.add(ix);
        ShardGroups g = ShardGroups.start(dir.resolve("n" + i), new NodeId("n" + i), "127.0.0.1:" + freePort(), false,
            RaftSettings.DEFAULTS, NodeStore.Settings.DEFAULTS, index ? ix : ShardApplyListener.NONE);
        nodes.add(g);
        peers.add(g.self());
      }
      for (int i = 0; i < nodes.size(); i++) {
        nodes.get(i).ensureReplica(shard, config, peers, List.of());
        if (index) {
          indexes.get(i).attach(shard, config, nodes.get(i).store(shard));
        }
      }
      ShardGroups leader = awaitLeader(nodes, shard, WriteThroughputBenchmark.points(new Random(1), -1, 1, dim));
      return ClosedLoop.measure(c, clients, batch, warmup, seconds, t -> {
        Random rnd = new Random(t);
        long[] next = {(long) t << 40};
        List<Point> template = WriteThroughputBenchmark.points(rnd, 0, batch, dim);
        return () -> {
          List<Point> b = WriteThroughputBenchmark.renumber(template, next[0]);
          next[0] += batch;
          WriteOutcome o = leader.write(shard, UUID.randomUUID().toString(), new ShardOp.Upsert(b), c.level(),
              Duration.ofSeconds(10)).join();
          return o.status() == WriteOutcome.Status.APPLIED;
        };
      });
    } finally {
      indexes.forEach(ShardIndexes::close);
      nodes.forEach(ShardGroups::close);
    }
  }

  /** Writes {@code probe} until some replica accepts it as the leader; returns that replica. */
  private static ShardGroups awaitLeader(List<ShardGroups> nodes, ShardId shard, List<Point> probe)
      throws InterruptedException {
    long until = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (System.nanoTime() < until) {
      for (ShardGroups g : nodes) {
        WriteOutcome o = g.write(shard, UUID.randomUUID().toString(), new ShardOp.Upsert(probe), WriteLevel.QUORUM,
            Duration.ofSeconds(10)).join();
        if (o.status() == WriteOutcome.Status.APPLIED) {
          return g;
        }
      }
      Thread.sleep(200);
    }
    throw new IllegalStateException("shard " + shard + " elected no leader within 60 s");
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }
}
