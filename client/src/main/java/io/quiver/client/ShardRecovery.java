package io.quiver.client;

import java.util.List;
import java.util.OptionalLong;

/**
 * What {@link QuiverClient#recoverShard} did: the shard's group was recreated with {@code survivor}
 * as its only voter, from its rows at {@code survivorAppliedIndex}, and {@code reproposed} later
 * entries of its log were proposed again. {@code lastKnownCommitIndex} is the highest commit index
 * another replica of the old group reported (empty when none answered: how much was lost is then
 * unknown); writes committed past the survivor's rows and entries are lost. {@code dropped} are
 * the nodes the placement no longer names for the shard; {@code detail} says all this in words.
 */
public record ShardRecovery(String collection, int shard, String survivor, long survivorAppliedIndex, int reproposed,
    OptionalLong lastKnownCommitIndex, List<String> dropped, String detail) {
  public ShardRecovery {
    dropped = List.copyOf(dropped);
  }
}
