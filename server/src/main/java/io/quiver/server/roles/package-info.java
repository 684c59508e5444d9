/** One command per cluster role, each run as its own process against a ZooKeeper ensemble. */
package io.quiver.server.roles;
