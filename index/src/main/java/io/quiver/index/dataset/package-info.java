/** Readers for the shared real data sets (fvecs/ivecs) and their checksum verification. */
package io.quiver.index.dataset;
