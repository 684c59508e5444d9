package io.quiver.common.model;

/** How a collection's vectors are compressed in its indexes. */
public enum QuantizationKind {
  NONE,
  /** Scalar int8 codes; candidates re-scored with float32 vectors. */
  INT8,
  /** Product quantization, for memory-bound collections. */
  PQ
}
