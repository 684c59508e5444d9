/**
 * Which shard replicas this node hosts: its lease in ZooKeeper (with its Raft address), and the
 * replica set kept in line with the catalog (placed here: a Raft group; dropped: deleted; unknown: quarantined).
 */
package io.quiver.datanode.hosting;
