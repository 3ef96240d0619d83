package io.confwatch.bench;

import io.confwatch.config.DatabaseTarget;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;

/**
 * The baseline for propagation: a bare pgjdbc client that LISTENs on {@code confwatch_changes} and, on each of its
 * tenant's notifications, loads the tenant with one query. No cache, no dedup, no safety net.
 */
public final class ListenBaseline {
    private static final Pattern VERSION = Pattern.compile("\"version\":(\\d+)");
    private static final String LOAD = "select 'monitor', id, name, definition::text, is_active, updated_at, updated_by"
            + " from confwatch.monitors where tenant_id = ?1"
            + " union all select 'filter', id, name, definition::text, is_active, updated_at, updated_by"
            + " from confwatch.filters where tenant_id = ?1"
            + " union all select 'trigger', id, name, definition::text, is_active, updated_at, updated_by"
            + " from confwatch.triggers where tenant_id = ?1";

    /**
     * Timings of one change, in milliseconds from the commit returning.
     *
     * @param received the notification read by the client
     * @param loaded the tenant's rows read after it
     * @param load the load alone
     */
    public record Sample(double received, double loaded, double load) {}

    private ListenBaseline() {}

    /** Makes {@code samples} single-row updates to {@code tenant}, {@code pause} apart, and times each. */
    public static List<Sample> measure(DatabaseTarget target, UUID tenant, int samples, Duration pause)
            throws Exception {
        Map<Long, long[]> arrivals = new ConcurrentHashMap<>();
        try (Connection listen = BenchDatabase.connect(target);
                Connection load = BenchDatabase.connect(target);
                Connection write = BenchDatabase.connect(target)) {
            try (Statement s = listen.createStatement()) {
                s.execute("listen confwatch_changes");
            }
            PGConnection pg = listen.unwrap(PGConnection.class);
            PreparedStatement loadTenant = load.prepareStatement(LOAD.replace("?1", "?::uuid"));
            String tenantText = tenant.toString();
            Thread client = new Thread(
                    () -> {
                        try {
                            while (!Thread.currentThread().isInterrupted()) {
                                PGNotification[] notes = pg.getNotifications(100);
                                if (notes == null) {
                                    continue;
                                }
                                for (PGNotification note : notes) {
                                    long received = System.nanoTime();
                                    if (!note.getParameter().contains(tenantText)) {
                                        continue;
                                    }
                                    long loadStarted = System.nanoTime();
                                    loadTenant(loadTenant, tenant);
                                    long loaded = System.nanoTime();
                                    Matcher m = VERSION.matcher(note.getParameter());
                                    if (m.find()) {
                                        arrivals.put(
                                                Long.parseLong(m.group(1)),
                                                new long[] {received, loaded, loaded - loadStarted});
                                    }
                                }
                            }
                        } catch (SQLException e) {
                            if (!Thread.currentThread().isInterrupted()) {
                                throw new IllegalStateException(e);
                            }
                        }
                    },
                    "bench-listen-baseline");
            client.setDaemon(true);
            client.start();
            UUID monitor = Seeder.someMonitor(write, tenant);
            long version = Seeder.version(write, tenant);
            List<Sample> result = new ArrayList<>();
            try (PreparedStatement update = Seeder.updateMonitor(write)) {
                for (int i = 0; i < samples; i++) {
                    long expected = ++version;
                    update.setLong(1, i);
                    update.setObject(2, monitor);
                    update.executeUpdate();
                    long committed = System.nanoTime();
                    long deadline = committed + TimeUnit.SECONDS.toNanos(10);
                    while (!arrivals.containsKey(expected) && System.nanoTime() < deadline) {
                        LockSupport.parkNanos(50_000);
                    }
                    long[] got = arrivals.get(expected);
                    if (got != null) {
                        result.add(new Sample((got[0] - committed) / 1e6, (got[1] - committed) / 1e6, got[2] / 1e6));
                    }
                    Thread.sleep(pause.toMillis());
                }
            } finally {
                client.interrupt();
                client.join(1_000);
            }
            return result;
        }
    }

    /** Reads every entity row of {@code tenant}, as a naïve reloader would; returns how many. */
    static int loadTenant(PreparedStatement load, UUID tenant) throws SQLException {
        load.setObject(1, tenant);
        load.setObject(2, tenant);
        load.setObject(3, tenant);
        int rows = 0;
        try (ResultSet rs = load.executeQuery()) {
            while (rs.next()) {
                rs.getString(4);
                rows++;
            }
        }
        return rows;
    }
}
