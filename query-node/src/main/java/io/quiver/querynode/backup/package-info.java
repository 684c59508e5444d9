/**
 * Backups through the query node: the export of one shard of a collection, streamed from one of
 * its replicas to the caller (the SDK writes it to a snapshot directory).
 */
package io.quiver.querynode.backup;
