/**
 * Which shard replicas this node hosts: its lease in ZooKeeper, and the replica set kept in
 * line with the catalog's placement (new placements hosted, dropped collections deleted).
 */
package io.quiver.datanode.hosting;
