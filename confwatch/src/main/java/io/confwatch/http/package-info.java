/**
 * The HTTP API (DESIGN §5): health, status, metrics, tenant snapshots with ETags and long polls, and the admin reload
 * routes.
 *
 * <p>It is one consumer of the public {@link io.confwatch.ConfWatch} API, not a privileged one: it reads snapshots,
 * status and metrics through that class only. {@link io.confwatch.http.HttpApi} deploys it on the worker's Vert.x
 * instance. Every answer is JSON (except {@code /metrics}); errors are {@code {"error": "…"}} and never carry a stack
 * trace. Handlers never block the event loop: work that grows with the number of tenants runs on the worker pool.
 */
package io.confwatch.http;
