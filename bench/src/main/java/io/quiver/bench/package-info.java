/**
 * Benchmarks: the ANN comparison of Quiver's HNSW with Lucene's and jvector's, bandwidth
 * figures for the exact scan, and JMH micro-benchmarks of the distance kernels.
 */
package io.quiver.bench;
