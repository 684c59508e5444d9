/** The error model: one {@code ErrorCode} enum, one exception, and their mapping to gRPC statuses. */
package io.quiver.common.error;
