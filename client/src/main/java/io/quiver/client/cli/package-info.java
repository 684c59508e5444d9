/**
 * The {@code quiver} command-line tool: collections, points, search and cluster status over the
 * SDK, printing tables for people and JSON ({@code --json}) for scripts.
 */
package io.quiver.client.cli;
