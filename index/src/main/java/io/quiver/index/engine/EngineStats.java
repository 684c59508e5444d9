package io.quiver.index.engine;

/**
 * A point-in-time summary of a shard engine.
 *
 * @param points live points
 * @param deleted tombstoned ordinals not yet merged away
 * @param segments sealed segments plus the growing one
 * @param indexedSegments sealed segments whose graph is built
 * @param vectorBytesPerPoint bytes per vector of what the graph walk reads (floats, int8 or PQ codes)
 * @param memoryBytes estimated heap held by vectors, graphs, codes and per-point overhead
 * @param appliedIndex the highest log index applied
 */
public record EngineStats(
    long points,
    long deleted,
    int segments,
    int indexedSegments,
    int vectorBytesPerPoint,
    long memoryBytes,
    long appliedIndex) {}
