/**
 * The collection catalog in ZooKeeper: create, list, read and drop, every write a fenced
 * transaction; and the replica status Describe gathers from the data nodes.
 */
package io.quiver.coordinator.catalog;
