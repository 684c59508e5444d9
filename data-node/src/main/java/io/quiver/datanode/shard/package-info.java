/**
 * One shard replica's storage and search. The slice's {@link io.quiver.datanode.shard.LocalShard}
 * is exact and in memory; the index engine replaces its insides behind the same methods.
 */
package io.quiver.datanode.shard;
