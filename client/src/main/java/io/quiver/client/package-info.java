/**
 * The Java SDK: {@link io.quiver.client.QuiverClient} and the typed requests and results it
 * speaks. Generated proto classes stay behind it.
 */
package io.quiver.client;
