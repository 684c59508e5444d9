/**
 * The data-node role: {@link io.quiver.datanode.DataNodeServer} and its configuration. A data
 * node holds a lease in ZooKeeper and hosts the shard replicas the placement gives it.
 */
package io.quiver.datanode;
