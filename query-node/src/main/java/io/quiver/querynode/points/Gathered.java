package io.quiver.querynode.points;

import io.quiver.common.shard.NodeId;
import io.quiver.proto.v1.ScoredPoint;
import io.quiver.proto.v1.ShardExplain;
import io.quiver.proto.v1.ShardPosition;
import java.util.List;
import java.util.Map;

/**
 * One ranked list gathered from every shard: the merged candidates best first, the index each
 * shard answered at and the node that answered (for the token and the query cache), the shards
 * that did not answer (partial reads only), and per-shard explain entries.
 *
 * @param full true when some shard returned as many candidates as asked, so more may exist
 */
record Gathered(
    List<ScoredPoint> bestFirst,
    List<ShardPosition> positions,
    Map<Integer, NodeId> servedBy,
    List<Integer> missing,
    List<ShardExplain> explain,
    boolean full) {}
