/**
 * The durable state of a data node's shard replicas: one RocksDB per node, one column family per
 * replica (points, tombstones, applied request ids, {@code lastApplied}), written one batch per
 * applied log entry; plus digests for replica comparison and snapshot export/import.
 */
package io.quiver.datanode.store;
