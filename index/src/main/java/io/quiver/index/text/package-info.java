/** Keyword search: an English analyzer and a BM25 inverted index over a point's text. */
package io.quiver.index.text;
