package io.quiver.bench;

import java.io.Closeable;
import java.io.IOException;

/** One ANN library under test: built once on a data set, then searched at several beam widths. */
interface AnnEngine extends Closeable {
  String name();

  /** Builds the index over every base vector with a single thread. */
  void build(DataSet data) throws IOException;

  /** The ids of the {@code k} nearest base vectors, searching with beam width {@code ef}. */
  int[] search(float[] query, int k, int ef) throws IOException;

  /** Memory (or index bytes) per vector: vectors plus graph. */
  double bytesPerVector();
}
