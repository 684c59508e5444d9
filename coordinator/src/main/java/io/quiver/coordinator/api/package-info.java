/**
 * The coordinator's public gRPC services (Collections, Admin): the edge where proto messages
 * become catalog calls and back.
 */
package io.quiver.coordinator.api;
