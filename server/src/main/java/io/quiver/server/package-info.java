/** The one launcher for every role ({@code quiver coordinator|data-node|query-node}), {@code quiver local}, and the client commands. */
package io.quiver.server;
