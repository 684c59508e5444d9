/**
 * The query-node role: {@link io.quiver.querynode.QueryNodeServer} and its configuration. A
 * stateless public endpoint that routes writes and fans searches out over the data nodes.
 */
package io.quiver.querynode;
