/**
 * The internal DataNode gRPC service: where proto messages become calls on hosted replicas
 * and results become proto again.
 */
package io.quiver.datanode.api;
