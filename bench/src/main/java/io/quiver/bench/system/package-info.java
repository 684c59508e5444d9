/**
 * Benchmarks of the whole system in one JVM (every role, the SDK): search quality on SciFact and
 * search load through the query node beside the same index queried in process.
 */
package io.quiver.bench.system;
