/**
 * Hybrid search at the query node: fusing a keyword (BM25) ranking and a vector ranking into one,
 * by Reciprocal Rank Fusion or a min-max normalized weighted sum.
 */
package io.quiver.querynode.hybrid;
