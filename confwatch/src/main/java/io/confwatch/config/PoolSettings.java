package io.confwatch.config;

import static io.confwatch.config.Setting.CONFWATCH_CONNECT_TIMEOUT;
import static io.confwatch.config.Setting.CONFWATCH_MAX_CONCURRENT_LOADS;
import static io.confwatch.config.Setting.CONFWATCH_POOL_SIZE;
import static io.confwatch.config.Setting.CONFWATCH_QUERY_TIMEOUT;

import java.time.Duration;

/**
 * The database pool used for loads and sweeps.
 *
 * @param size connections, 1–{@value #MAX_SIZE} ({@code CONFWATCH_POOL_SIZE})
 * @param maxConcurrentLoads tenant loads at once, 1–{@code size} ({@code CONFWATCH_MAX_CONCURRENT_LOADS})
 * @param connectTimeout timeout to open a connection ({@code CONFWATCH_CONNECT_TIMEOUT})
 * @param queryTimeout timeout of one query ({@code CONFWATCH_QUERY_TIMEOUT})
 */
public record PoolSettings(int size, int maxConcurrentLoads, Duration connectTimeout, Duration queryTimeout) {

    /** Largest pool: more connections than this from every pod would crowd out the writers. */
    public static final int MAX_SIZE = 100;

    /** Validates ranges, positive timeouts and {@code maxConcurrentLoads ≤ size}. */
    public PoolSettings {
        Check.between(CONFWATCH_POOL_SIZE, size, 1, MAX_SIZE);
        if (maxConcurrentLoads > size) {
            throw ConfigException.of(
                    CONFWATCH_MAX_CONCURRENT_LOADS,
                    String.valueOf(maxConcurrentLoads),
                    "must not exceed CONFWATCH_POOL_SIZE (" + size + ")");
        }
        Check.between(CONFWATCH_MAX_CONCURRENT_LOADS, maxConcurrentLoads, 1, size);
        Check.positive(CONFWATCH_CONNECT_TIMEOUT, connectTimeout);
        Check.positive(CONFWATCH_QUERY_TIMEOUT, queryTimeout);
    }

    /** This pool with {@code size} connections and as many concurrent loads (the default relation). */
    public PoolSettings withSize(int size) {
        return new PoolSettings(size, size, connectTimeout, queryTimeout);
    }

    /** This pool with at most {@code maxConcurrentLoads} loads at once. */
    public PoolSettings withMaxConcurrentLoads(int maxConcurrentLoads) {
        return new PoolSettings(size, maxConcurrentLoads, connectTimeout, queryTimeout);
    }

    /** This pool with {@code connectTimeout}. */
    public PoolSettings withConnectTimeout(Duration connectTimeout) {
        return new PoolSettings(size, maxConcurrentLoads, connectTimeout, queryTimeout);
    }

    /** This pool with {@code queryTimeout}. */
    public PoolSettings withQueryTimeout(Duration queryTimeout) {
        return new PoolSettings(size, maxConcurrentLoads, connectTimeout, queryTimeout);
    }

    /** Reads the pool settings, defaulting max concurrent loads to the pool size. */
    static PoolSettings read(Env env) {
        int size = env.integer(CONFWATCH_POOL_SIZE);
        int loads = env.get(CONFWATCH_MAX_CONCURRENT_LOADS)
                .map(text -> Env.integer(CONFWATCH_MAX_CONCURRENT_LOADS, text))
                .orElse(size);
        return new PoolSettings(
                size, loads, env.duration(CONFWATCH_CONNECT_TIMEOUT), env.duration(CONFWATCH_QUERY_TIMEOUT));
    }
}
