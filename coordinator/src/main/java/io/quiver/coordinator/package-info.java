/**
 * The coordinator role: {@link io.quiver.coordinator.CoordinatorServer} and its configuration.
 * One coordinator leads (a ZooKeeper leader latch); the others wait and redirect.
 */
package io.quiver.coordinator;
