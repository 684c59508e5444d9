/**
 * The public Collections and Admin services on the query node, forwarded to the leading
 * coordinator found in ZooKeeper; its answer (or error code and message) comes back unchanged.
 */
package io.quiver.querynode.proxy;
