/**
 * The search side of shard replicas, following each replica's applied Raft entries: {@link
 * io.quiver.datanode.shard.ShardIndexes} is the apply listener; {@link io.quiver.datanode.shard.LocalShard}
 * is exact and in memory until the index engine replaces its insides behind the same methods.
 */
package io.quiver.datanode.shard;
