/**
 * Shard replication: one Apache Ratis {@code RaftServer} per data node hosting a Raft group
 * division per shard replica, the shard state machine over the node's RocksDB, and the
 * {@link io.quiver.datanode.raft.ShardGroups} facade the data node calls to write, read and change membership.
 */
package io.quiver.datanode.raft;
