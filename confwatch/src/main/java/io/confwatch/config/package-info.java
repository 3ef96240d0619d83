/**
 * Worker configuration: the environment read once, validated once, into typed immutable values.
 *
 * <p>{@link io.confwatch.config.WorkerConfig#fromEnv(java.util.Map)} is the only place in the code base
 * that reads the environment; {@link io.confwatch.config.Setting} is the catalog of every variable.
 * Nothing in this package imports Vert.x or JDBC, and no value is ever null.
 */
package io.confwatch.config;
