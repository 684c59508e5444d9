/**
 * Where a new collection's shard replicas go. The slice places round-robin over the live data
 * nodes; the consistent-hash ring of ARCHITECTURE.md replaces it with the coordinator issue.
 */
package io.quiver.coordinator.placement;
