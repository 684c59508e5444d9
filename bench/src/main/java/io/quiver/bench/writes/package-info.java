/**
 * Write-path benchmarks over real roles in one JVM: upsert throughput through the query node, and
 * a data node's restart with persisted index segments against a rebuild from RocksDB.
 */
package io.quiver.bench.writes;
