/**
 * Conversion between generated proto messages and the common model, with validation that names
 * the offending field. Generated classes stop at the service edge; everything behind it uses records.
 */
package io.quiver.common.wire;
