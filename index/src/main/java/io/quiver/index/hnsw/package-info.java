/**
 * Hierarchical navigable small-world graphs: parameters, concurrent construction with the
 * diversity heuristic, (filtered) search, and a checksummed file format.
 */
package io.quiver.index.hnsw;
