/** Multi-node clusters on loopback driven through the SDK, the CLI and the launcher, as a user would. */
package io.quiver.it;
