/**
 * Values of the data model shared by every module: point ids, distances, points and search hits.
 */
package io.quiver.common.model;
