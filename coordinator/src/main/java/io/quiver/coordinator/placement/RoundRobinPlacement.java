package io.quiver.coordinator.placement;

import io.quiver.common.error.ErrorCode;
import io.quiver.common.error.QuiverException;
import io.quiver.common.shard.CollectionPlacement;
import io.quiver.common.shard.NodeId;
import io.quiver.common.shard.ShardPlacement;
import java.util.ArrayList;
import java.util.List;

/**
 * Shard {@code s}'s replicas go to live nodes {@code s, s+1, ..., s+rf-1} (mod n) of the nodes
 * sorted by id: distinct nodes per shard, and shards spread evenly.
 */
public final class RoundRobinPlacement {
  private RoundRobinPlacement() {}

  /**
   * @throws QuiverException FAILED_PRECONDITION naming both numbers when {@code rf} exceeds the live nodes
   */
  public static CollectionPlacement place(int shards, int replicationFactor, List<NodeId> liveNodes) {
    List<NodeId> nodes = liveNodes.stream().distinct().sorted().toList();
    if (replicationFactor > nodes.size()) {
      throw new QuiverException(
          ErrorCode.FAILED_PRECONDITION,
          "replication_factor " + replicationFactor + " needs " + replicationFactor
              + " live data nodes but " + nodes.size() + " are live");
    }
    List<ShardPlacement> out = new ArrayList<>(shards);
    for (int s = 0; s < shards; s++) {
      List<NodeId> voters = new ArrayList<>(replicationFactor);
      for (int r = 0; r < replicationFactor; r++) {
        voters.add(nodes.get((s + r) % nodes.size()));
      }
      out.add(new ShardPlacement(s, voters, List.of()));
    }
    return new CollectionPlacement(out, 0);
  }
}
