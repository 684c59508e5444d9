/**
 * Contiguous vector storage addressed by int ordinals, the scorers that read it, and the
 * {@link io.quiver.index.vector.VectorIndex} contract shared by the flat and HNSW indexes.
 */
package io.quiver.index.vector;
