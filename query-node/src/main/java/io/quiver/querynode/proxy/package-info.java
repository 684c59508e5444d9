/**
 * The public Collections and Admin services on the query node, forwarded to the leading
 * coordinator found in ZooKeeper; its answer (or error code and message) comes back unchanged.
 * Admin.ExportShard is the exception: served here, by {@code io.quiver.querynode.backup}.
 */
package io.quiver.querynode.proxy;
