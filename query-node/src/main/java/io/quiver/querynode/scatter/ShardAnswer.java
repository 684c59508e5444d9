package io.quiver.querynode.scatter;

import io.quiver.common.shard.NodeId;

/**
 * One shard's answer and how it was obtained: the replica that gave it, whether that replica was
 * a hedge, how many replicas were asked, and the round trip as this node saw it.
 */
public record ShardAnswer<T>(int shard, T value, NodeId node, boolean hedged, int attempts, long roundTripMicros) {}
