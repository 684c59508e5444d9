/** The exact (brute-force) index: the ground truth and the small-segment path. */
package io.quiver.index.flat;
