/**
 * How every role starts a gRPC server (errors through {@code QuiverExceptionInterceptor}), opens
 * channels to other nodes, and works out the deadline of an outgoing call.
 */
package io.quiver.common.grpc;
