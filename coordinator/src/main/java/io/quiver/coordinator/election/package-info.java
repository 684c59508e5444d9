/**
 * Coordinator leadership: the Curator leader latch, the epoch a new leader bumps, and the fence
 * (the epoch znode's version) every catalog write checks so a deposed leader cannot write.
 */
package io.quiver.coordinator.election;
