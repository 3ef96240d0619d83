package io.confwatch.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.confwatch.ConfWatch;
import io.confwatch.config.DatabaseTarget;
import io.confwatch.config.WorkerConfig;
import io.confwatch.metrics.ConfWatchMetrics;
import io.confwatch.model.EntityKind;
import io.confwatch.model.TenantSnapshot;
import io.confwatch.testing.TestDatabase;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.search.Search;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.DoubleSupplier;

/** Writes configuration rows the way an outside tool would (plain SQL over JDBC) and reads what the worker holds. */
final class Fixtures {
    /** Bound on any single propagation the tests wait for; propagation itself takes milliseconds. */
    static final Duration WAIT = Duration.ofSeconds(10);

    private final TestDatabase db;

    Fixtures(TestDatabase db) {
        this.db = db;
    }

    /**
     * A worker on {@code db} whose safety nets stay out of the way (sweeps every 10 minutes), so a test sees only what
     * the notifications do unless it asks for a sweep.
     */
    static WorkerConfig config(TestDatabase db) {
        WorkerConfig defaults = WorkerConfig.defaults();
        return defaults.withDatabase(DatabaseTarget.of(db.host(), db.port(), db.database(), db.user()))
                .withHttpPort(0)
                .withReload(defaults.reload()
                        .withSweepInterval(Duration.ofMinutes(10))
                        .withFullReloadInterval(Duration.ofHours(1))
                        .withRetryBackoff(Duration.ofMillis(100), Duration.ofSeconds(1)));
    }

    /** Starts a worker and waits for its initial load. */
    static ConfWatch startReady(WorkerConfig config) {
        ConfWatch confWatch = ConfWatch.start(config);
        assertThat(confWatch.awaitReady(WAIT)).as("ready within %s", WAIT).isTrue();
        return confWatch;
    }

    /** Waits until the worker holds {@code tenant} at {@code version} or above, and returns that snapshot. */
    static TenantSnapshot held(ConfWatch confWatch, UUID tenant, long version) {
        Optional<TenantSnapshot> snapshot;
        try {
            snapshot = confWatch.awaitVersion(tenant, version, WAIT).get();
        } catch (InterruptedException | ExecutionException e) {
            throw new AssertionError(e);
        }
        assertThat(snapshot)
                .as("tenant %s at version %d within %s", tenant, version, WAIT)
                .hasValueSatisfying(s -> assertThat(s.version()).isGreaterThanOrEqualTo(version));
        return snapshot.orElseThrow();
    }

    /** Waits until the worker holds {@code tenant} at exactly the version the database has now. */
    TenantSnapshot heldCurrent(ConfWatch confWatch, UUID tenant) {
        long version = version(tenant);
        TenantSnapshot snapshot = held(confWatch, tenant, version);
        assertThat(snapshot.version()).isEqualTo(version);
        return snapshot;
    }

    /** Completes {@code future} within {@link #WAIT} or fails the test. */
    static <T> T within(CompletableFuture<T> future) {
        try {
            return future.get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException | ExecutionException | TimeoutException e) {
            throw new AssertionError(e);
        }
    }

    /** The sum of counter {@code name} over every series whose {@code tag} is {@code value} (all series if null). */
    static double count(ConfWatch confWatch, String name, String tag, String value) {
        Search search = confWatch.meterRegistry().find(name);
        if (tag != null) {
            search = search.tag(tag, value);
        }
        return search.counters().stream().mapToDouble(Counter::count).sum();
    }

    /**
     * The value of {@code counter} once it has stopped moving. The worker counts a reload just after it installs the
     * snapshot, so a count read right after {@link #held} may miss the reload that woke the wait.
     */
    static double settled(DoubleSupplier counter) {
        AtomicReference<Double> last = new AtomicReference<>(counter.getAsDouble());
        await().atMost(WAIT)
                .pollDelay(Duration.ofMillis(50))
                .pollInterval(Duration.ofMillis(50))
                .until(() -> last.getAndSet(counter.getAsDouble()) == counter.getAsDouble());
        return last.get();
    }

    /** {@code confwatch_reloads_total{cause}} summed over outcomes. */
    static double reloads(ConfWatch confWatch, String cause) {
        return count(confWatch, ConfWatchMetrics.RELOADS, "cause", cause);
    }

    /** {@code confwatch_notifications_total{outcome}}. */
    static double notifications(ConfWatch confWatch, String outcome) {
        return count(confWatch, ConfWatchMetrics.NOTIFICATIONS, "outcome", outcome);
    }

    /** Creates a tenant named {@code name}; returns its id. */
    UUID tenant(String name) {
        return tenant(UUID.randomUUID(), name);
    }

    /** Creates tenant {@code id} named {@code name}. */
    UUID tenant(UUID id, String name) {
        update("insert into confwatch.tenants (id, name) values (?, ?)", id, name);
        return id;
    }

    UUID monitor(UUID tenant, String name, String definition) {
        return insert(EntityKind.MONITOR, tenant, name, definition);
    }

    UUID filter(UUID tenant, String name, String expression, UUID monitor) {
        return queryId(
                "insert into confwatch.filters (tenant_id, name, definition, monitor_id) values (?, ?, ?::jsonb, ?)"
                        + " returning id",
                tenant,
                name,
                "{\"expression\": \"" + expression + "\"}",
                monitor);
    }

    UUID trigger(UUID tenant, String name, String url) {
        return insert(EntityKind.TRIGGER, tenant, name, webhook(url));
    }

    /** Inserts an entity of {@code kind} with {@code definition} as given; returns its id. */
    UUID insert(EntityKind kind, UUID tenant, String name, String definition) {
        return queryId(
                "insert into " + table(kind) + " (tenant_id, name, definition) values (?, ?, ?::jsonb) returning id",
                tenant,
                name,
                definition);
    }

    void redefine(EntityKind kind, UUID id, String definition) {
        update("update " + table(kind) + " set definition = ?::jsonb where id = ?", definition, id);
    }

    void rename(EntityKind kind, UUID id, String name) {
        update("update " + table(kind) + " set name = ? where id = ?", name, id);
    }

    void setActive(EntityKind kind, UUID id, boolean active) {
        update("update " + table(kind) + " set is_active = ? where id = ?", active, id);
    }

    void delete(EntityKind kind, UUID id) {
        update("delete from " + table(kind) + " where id = ?", id);
    }

    void attachFilter(UUID filter, UUID monitor) {
        update("update confwatch.filters set monitor_id = ? where id = ?", monitor, filter);
    }

    void renameTenant(UUID tenant, String name) {
        update("update confwatch.tenants set name = ? where id = ?", name, tenant);
    }

    void setTenantStatus(UUID tenant, String status) {
        update("update confwatch.tenants set status = ? where id = ?", status, tenant);
    }

    void deleteTenant(UUID tenant) {
        update("delete from confwatch.tenants where id = ?", tenant);
    }

    /** The tenant's {@code config_version} in the database now. */
    long version(UUID tenant) {
        try (Connection c = db.connect();
                PreparedStatement s = c.prepareStatement("select config_version from confwatch.tenants where id = ?")) {
            s.setObject(1, tenant);
            try (ResultSet rs = s.executeQuery()) {
                assertThat(rs.next()).as("tenant %s exists", tenant).isTrue();
                return rs.getLong(1);
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** How many tenants the database has. */
    int tenantCount() {
        try (Connection c = db.connect();
                PreparedStatement s = c.prepareStatement("select count(*) from confwatch.tenants");
                ResultSet rs = s.executeQuery()) {
            rs.next();
            return rs.getInt(1);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** {@code ids} in PostgreSQL's {@code uuid} order. */
    List<UUID> idsInDatabaseOrder(Collection<UUID> ids) {
        try (Connection c = db.connect();
                PreparedStatement s = c.prepareStatement("select id from unnest(?) id order by id")) {
            s.setArray(1, c.createArrayOf("uuid", ids.toArray()));
            List<UUID> ordered = new ArrayList<>();
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    ordered.add(rs.getObject(1, UUID.class));
                }
            }
            return ordered;
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Runs {@code sql} in its own connection. */
    void execute(String sql) {
        db.execute(sql);
    }

    /** A new connection (auto-commit on) for a test that needs transactions or session settings. */
    Connection connection() throws SQLException {
        return db.connect();
    }

    /** Sends {@code payload} on the change channel, as any database role could. */
    void notify(String payload) {
        update("select pg_notify('confwatch_changes', ?)", payload);
    }

    /** A change hint's payload, exactly as the triggers build it. */
    static String hint(UUID tenant, long version) {
        return "{\"tenant\":\"" + tenant + "\",\"version\":" + version + "}";
    }

    static String monitorOn(String network) {
        return "{\"networks\": [\"" + network + "\"], \"addresses\": [\"0xabc\"], \"match\": {}}";
    }

    static String webhook(String url) {
        return "{\"type\": \"webhook\", \"url\": \"" + url + "\"}";
    }

    static String table(EntityKind kind) {
        return "confwatch." + kind.wireName() + "s";
    }

    private UUID queryId(String sql, Object... arguments) {
        try (Connection c = db.connect();
                PreparedStatement s = prepare(c, sql, arguments);
                ResultSet rs = s.executeQuery()) {
            rs.next();
            return rs.getObject(1, UUID.class);
        } catch (SQLException e) {
            throw new IllegalStateException(e.getMessage() + "\nSQL: " + sql, e);
        }
    }

    private void update(String sql, Object... arguments) {
        try (Connection c = db.connect();
                PreparedStatement s = prepare(c, sql, arguments)) {
            s.execute();
        } catch (SQLException e) {
            throw new IllegalStateException(e.getMessage() + "\nSQL: " + sql, e);
        }
    }

    private static PreparedStatement prepare(Connection c, String sql, Object... arguments) throws SQLException {
        PreparedStatement s = c.prepareStatement(sql);
        for (int i = 0; i < arguments.length; i++) {
            s.setObject(i + 1, arguments[i]);
        }
        return s;
    }
}
