/** {@code quiver local}: an embedded ZooKeeper and every role in one JVM, the zero-set-up cluster. */
package io.quiver.server.local;
