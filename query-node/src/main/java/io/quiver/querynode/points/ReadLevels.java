package io.quiver.querynode.points;

import io.quiver.common.error.QuiverException;
import io.quiver.proto.v1.ConsistencyToken;
import io.quiver.proto.v1.ReadConsistency;
import io.quiver.proto.v1.ReadOptions;
import io.quiver.proto.v1.ShardPosition;
import io.quiver.proto.v1.internal.ShardReadLevel;
import io.quiver.querynode.routing.Route;

/**
 * A request's read level as each shard replica must honour it: SESSION reads carry the token's
 * index for that shard (a replica that has not applied so far answers BEHIND and the read moves
 * to another replica), STRONG and EVENTUAL carry just the level. A hedge or fallback sends the
 * same level, so it never weakens the read.
 */
final class ReadLevels {
  private ReadLevels() {}

  /**
   * @throws QuiverException INVALID_ARGUMENT when a SESSION token names another collection
   */
  static void check(Route route, ReadOptions read) {
    ConsistencyToken t = read.getToken();
    if (read.getConsistency() == ReadConsistency.SESSION && read.hasToken()
        && !t.getCollectionUuid().isEmpty() && !t.getCollectionUuid().equals(route.entry().uuid().toString())) {
      throw QuiverException.invalid("read.token is for collection " + t.getCollectionUuid() + " but collection '"
          + route.entry().name() + "' is " + route.entry().uuid() + " (was it dropped and created again?)");
    }
  }

  static ShardReadLevel forShard(ReadOptions read, int shard) {
    ShardReadLevel.Builder b = ShardReadLevel.newBuilder().setConsistency(read.getConsistency());
    if (read.getConsistency() == ReadConsistency.SESSION) {
      for (ShardPosition p : read.getToken().getPositionsList()) {
        if (p.getShard() == shard) {
          b.setMinIndex(Math.max(b.getMinIndex(), p.getIndex()));
        }
      }
    }
    return b.build();
  }
}
