/**
 * Distance kernels: a Vector API implementation and a scalar twin behind one interface, chosen
 * once at class initialization.
 */
package io.quiver.index.simd;
