/**
 * Indexes over payload fields named in a collection's schema: bitmaps for keyword and bool
 * values, sorted maps for integer, float and datetime ranges.
 */
package io.quiver.index.payload;
