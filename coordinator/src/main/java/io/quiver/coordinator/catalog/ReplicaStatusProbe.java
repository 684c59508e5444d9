package io.quiver.coordinator.catalog;

import io.quiver.common.cluster.NodeLease;
import io.quiver.common.grpc.ChannelPool;
import io.quiver.common.shard.NodeId;
import io.quiver.common.shard.ShardId;
import io.quiver.proto.v1.internal.DataNodeGrpc;
import io.quiver.proto.v1.internal.NodeStatusRequest;
import io.quiver.proto.v1.internal.NodeStatusResponse;
import io.quiver.proto.v1.internal.ReplicaStatus;
import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Asks data nodes, in parallel and each within the status timeout, which replicas they hold.
 * A node that does not answer is simply absent from the result: its replicas show as not live.
 */
public final class ReplicaStatusProbe {
  private static final Logger log = LoggerFactory.getLogger(ReplicaStatusProbe.class);

  private final ChannelPool channels;
  private final ExecutorService executor;
  private final Duration timeout;

  public ReplicaStatusProbe(ChannelPool channels, ExecutorService executor, Duration timeout) {
    this.channels = channels;
    this.executor = executor;
    this.timeout = timeout;
  }

  /** Per answering node, its replicas by shard. */
  public Map<NodeId, Map<ShardId, ReplicaStatus>> probe(Collection<NodeLease> nodes) {
    Map<NodeId, Map<ShardId, ReplicaStatus>> out = new HashMap<>();
    nodes(nodes).forEach((node, status) -> out.put(node, byShard(status.getReplicasList())));
    return out;
  }

  /** Per answering node, its whole status: replicas, memory and disk against their budgets. */
  public Map<NodeId, NodeStatusResponse> nodes(Collection<NodeLease> nodes) {
    Map<NodeId, Future<NodeStatusResponse>> calls = new HashMap<>();
    for (NodeLease n : nodes) {
      calls.put(n.nodeId(), executor.submit(() -> DataNodeGrpc.newBlockingStub(channels.channel(n.address()))
          .withDeadlineAfter(timeout.toMillis(), TimeUnit.MILLISECONDS)
          .nodeStatus(NodeStatusRequest.getDefaultInstance())));
    }
    Map<NodeId, NodeStatusResponse> out = new HashMap<>();
    calls.forEach((node, call) -> {
      try {
        out.put(node, call.get());
      } catch (java.util.concurrent.ExecutionException e) {
        log.debug("data node {} did not answer its status: {}", node, e.getCause().getMessage());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    });
    return out;
  }

  private static Map<ShardId, ReplicaStatus> byShard(List<ReplicaStatus> replicas) {
    Map<ShardId, ReplicaStatus> m = new HashMap<>();
    for (ReplicaStatus r : replicas) {
      m.put(new ShardId(UUID.fromString(r.getShard().getCollectionUuid()), r.getShard().getShard()), r);
    }
    return m;
  }
}
