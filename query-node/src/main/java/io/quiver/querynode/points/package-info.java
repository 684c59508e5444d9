/**
 * The public Points API on the query node: request validation that names the field, writes split
 * by shard, reads and searches scattered over shards and merged best-first.
 */
package io.quiver.querynode.points;
