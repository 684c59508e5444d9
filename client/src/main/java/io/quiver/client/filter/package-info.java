/**
 * The readable filter language ({@code category == "news" and year >= 2020}) and its parser into
 * the common {@link io.quiver.common.filter.Filter} model.
 */
package io.quiver.client.filter;
