/**
 * What every role exposes to operators over HTTP: Prometheus metrics through Micrometer,
 * {@code /healthz} (the process answers) and {@code /readyz} (the role can do its job).
 */
package io.quiver.common.ops;
