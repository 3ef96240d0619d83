package io.confwatch.bench;

import io.confwatch.ConfWatch;
import io.confwatch.model.TenantSnapshot;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Makes single-row updates to one tenant and times each from the moment its commit returned to the moment the worker
 * installed that version (the completion of {@link ConfWatch#awaitVersion}, registered before the commit, runs on the
 * installing thread).
 */
public final class PropagationProbe {
    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    private final ConfWatch confWatch;
    private final UUID tenant;
    private final UUID monitor;
    private final PreparedStatement update;
    private long version;

    /** A probe on {@code tenant}; waits until the worker holds its current version. */
    public PropagationProbe(ConfWatch confWatch, Connection sql, UUID tenant) throws SQLException {
        this.confWatch = confWatch;
        this.tenant = tenant;
        this.monitor = Seeder.someMonitor(sql, tenant);
        this.update = Seeder.updateMonitor(sql);
        this.version = Seeder.version(sql, tenant);
        Optional<TenantSnapshot> held =
                confWatch.awaitVersion(tenant, version, Duration.ofMinutes(1)).join();
        if (held.isEmpty() || held.get().version() < version) {
            throw new IllegalStateException("the worker never loaded tenant " + tenant);
        }
    }

    /** Makes {@code changes} changes back to back, each awaited and none measured: the JIT's warm-up. */
    public void warmUp(int changes) throws SQLException {
        for (int i = 0; i < changes; i++) {
            once(-1 - i);
        }
    }

    /** One change; its commit-returned → installed time in milliseconds, or empty if it did not arrive in 10 s. */
    public OptionalDouble once(long value) throws SQLException {
        long expected = ++version;
        AtomicLong installedAt = new AtomicLong();
        CompletableFuture<Optional<TenantSnapshot>> held = confWatch.awaitVersion(tenant, expected, TIMEOUT);
        held.thenRun(() -> installedAt.compareAndSet(0, System.nanoTime()));
        update.setLong(1, value);
        update.setObject(2, monitor);
        update.executeUpdate();
        long committedAt = System.nanoTime();
        Optional<TenantSnapshot> snapshot = held.join();
        if (snapshot.isEmpty() || snapshot.get().version() < expected) {
            return OptionalDouble.empty();
        }
        return OptionalDouble.of((installedAt.get() - committedAt) / 1e6);
    }
}
