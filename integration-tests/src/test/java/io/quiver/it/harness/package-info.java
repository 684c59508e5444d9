/**
 * A Quiver cluster as real processes on loopback: a ZooKeeper ensemble, coordinators, data nodes
 * and query nodes, each its own JVM with its own log, killed with SIGKILL and paused with SIGSTOP.
 */
package io.quiver.it.harness;
