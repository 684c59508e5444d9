/**
 * Segments: append-only sets of points with their vectors, payload and text indexes and, once
 * sealed, an HNSW graph; plus the planner that picks graph walk or exact scan per search.
 */
package io.quiver.index.segment;
