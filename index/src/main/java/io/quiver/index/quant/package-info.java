/**
 * Vector compression for the graph walk: scalar int8 codes and product quantization, each
 * followed by re-scoring of an over-fetched candidate list with the full-precision vectors.
 */
package io.quiver.index.quant;
