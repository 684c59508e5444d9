/**
 * Readers for the files the SDK and the CLI import: {@code .fvecs}/{@code .ivecs} vector files and
 * JSON-lines point files. Each streams, so an import never holds a whole file in memory.
 */
package io.quiver.client.files;
