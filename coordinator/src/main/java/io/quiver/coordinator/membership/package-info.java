/**
 * Keeping placement true while data nodes come and go: lease loss and replacement, replica moves
 * through Raft membership changes (asked of the data nodes, fenced by the epoch), rebalancing and drain.
 */
package io.quiver.coordinator.membership;
