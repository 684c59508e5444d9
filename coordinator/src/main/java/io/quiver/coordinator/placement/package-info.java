/**
 * Where shard replicas go: a consistent-hash ring of data nodes with capacity-weighted virtual
 * nodes and zone spreading, so a join or a leave moves about 1/N of the replicas.
 */
package io.quiver.coordinator.placement;
