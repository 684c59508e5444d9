/**
 * A Quiver cluster as real processes: a ZooKeeper ensemble, coordinators, data nodes and query
 * nodes, each its own JVM with its own log, killed with SIGKILL, paused with SIGSTOP and, with the
 * data nodes in network namespaces of their own, cut off from each other.
 */
package io.quiver.it.harness;
