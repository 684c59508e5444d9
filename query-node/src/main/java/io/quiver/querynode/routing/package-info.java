/**
 * Getting a shard's part of a request to its replicas: the route of a collection from the
 * cluster view, one-replica reads with fallback, every-voter writes, all within the deadline.
 */
package io.quiver.querynode.routing;
