/**
 * The shard map: shard and node identities, the hashing that routes a point to its shard, and
 * the placement of shard replicas on data nodes.
 */
package io.quiver.common.shard;
