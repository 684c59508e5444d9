/**
 * Evaluates the common {@link io.quiver.common.filter.Filter} model over a segment: indexed
 * fields through their bitmaps and sorted maps, the rest by reading stored payloads.
 */
package io.quiver.index.filter;
