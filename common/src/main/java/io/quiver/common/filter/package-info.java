/**
 * The payload filter model shared by the wire API, the SDK's string form and the engine that
 * evaluates it.
 */
package io.quiver.common.filter;
