/**
 * The cluster's records in ZooKeeper: the znode layout ({@link ZkPaths}), the JSON of leases,
 * catalog entries and placements ({@link ClusterJson}), and the Curator client every role opens.
 */
package io.quiver.common.cluster;
