/** Configuration loading: one immutable record per role, read from a file, the environment and flags. */
package io.quiver.common.config;
