package io.confwatch.bench;

import io.confwatch.config.DatabaseTarget;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;

/**
 * {@code writer-tps}: K JDBC writers, each on its own connection and its own tenant, making single-row monitor updates
 * in autocommit for a fixed time, under four trigger set-ups of the same table. One bare LISTEN connection reads every
 * notification meanwhile (as a worker would, without its reloads): this is the writer's cost alone.
 */
public final class WriterTps implements Scenario {
    private static final int MONITORS_PER_TENANT = 10;
    private static final String NOTIFY_ONLY_FUNCTION = "create or replace function public.bench_notify_only()"
            + " returns trigger language plpgsql as $$ begin"
            + " perform pg_notify('bench_changes', '{\"tenant\":\"' || new.tenant_id || '\"}'); return null; end $$";

    /** One trigger set-up of {@code confwatch.monitors}. */
    private enum Variant {
        CONFWATCH("ConfWatch triggers"),
        NOTIFY_ONLY("notify-only trigger"),
        NOTIFY_OFF("ConfWatch triggers, notify off"),
        NO_TRIGGERS("no triggers");

        private final String label;

        Variant(String label) {
            this.label = label;
        }
    }

    @Override
    public String name() {
        return "writer-tps";
    }

    @Override
    public List<ResultRow> run(BenchContext context) throws Exception {
        List<Integer> clientCounts = context.options().clients();
        int most = clientCounts.stream().mapToInt(Integer::intValue).max().orElse(1);
        Duration duration = context.options().duration();
        DatabaseTarget target = context.database().fresh("bench_writer");
        List<UUID> tenants;
        try (Connection sql = BenchDatabase.connect(target);
                Statement s = sql.createStatement()) {
            tenants = Seeder.tenants(sql, "writer", most, MONITORS_PER_TENANT);
            s.execute(NOTIFY_ONLY_FUNCTION);
        }
        Map<String, Double> tps = new HashMap<>();
        List<ResultRow> rows = new ArrayList<>();
        try {
            for (int clients : clientCounts) {
                for (Variant variant : Variant.values()) {
                    setUp(target, variant);
                    double measured = measure(target, tenants, clients, duration, variant == Variant.NOTIFY_OFF);
                    tps.put(variant + "/" + clients, measured);
                    context.detail(
                            name(),
                            String.format(
                                    Locale.ROOT,
                                    "%2d client(s), %-30s %8.0f TPS",
                                    clients,
                                    variant.label + ":",
                                    measured));
                }
            }
        } finally {
            setUp(target, Variant.CONFWATCH);
        }
        for (int clients : clientCounts) {
            double ours = tps.get(Variant.CONFWATCH + "/" + clients);
            double notifyOnly = tps.get(Variant.NOTIFY_ONLY + "/" + clients);
            rows.add(row(
                    "writer-tps ConfWatch triggers vs notify-only, " + clients + " client(s)",
                    ours,
                    notifyOnly,
                    "≥ 0.9×",
                    ResultRow.verdict(ours / notifyOnly >= 0.9)));
        }
        for (int clients : clientCounts) {
            double off = tps.get(Variant.NOTIFY_OFF + "/" + clients);
            double none = tps.get(Variant.NO_TRIGGERS + "/" + clients);
            boolean targeted = clients >= 16;
            rows.add(row(
                    "writer-tps notify off vs no triggers, " + clients + " client(s)",
                    off,
                    none,
                    targeted ? "≥ 0.75×" : "— (target at 16)",
                    targeted ? ResultRow.verdict(off / none >= 0.75) : Verdict.INFO));
        }
        return rows;
    }

    private static ResultRow row(String scenario, double ours, double baseline, String target, Verdict verdict) {
        return new ResultRow(
                scenario,
                String.format(Locale.ROOT, "%.0f TPS", ours),
                String.format(Locale.ROOT, "%.0f TPS", baseline),
                Summary.times(ours / baseline),
                target,
                verdict);
    }

    private static void setUp(DatabaseTarget target, Variant variant) throws SQLException {
        try (Connection sql = BenchDatabase.connect(target);
                Statement s = sql.createStatement()) {
            s.execute("drop trigger if exists bench_notify_only on confwatch.monitors");
            switch (variant) {
                case CONFWATCH, NOTIFY_OFF -> s.execute("alter table confwatch.monitors enable trigger user");
                case NO_TRIGGERS -> s.execute("alter table confwatch.monitors disable trigger user");
                case NOTIFY_ONLY -> {
                    s.execute("alter table confwatch.monitors disable trigger user");
                    s.execute("create trigger bench_notify_only after update on confwatch.monitors"
                            + " for each row execute function public.bench_notify_only()");
                }
            }
        }
    }

    private static double measure(
            DatabaseTarget target, List<UUID> tenants, int clients, Duration duration, boolean notifyOff)
            throws Exception {
        AtomicBoolean stop = new AtomicBoolean();
        LongAdder committed = new LongAdder();
        List<Thread> threads = new ArrayList<>();
        List<Connection> connections = new ArrayList<>();
        List<Throwable> failures = new java.util.concurrent.CopyOnWriteArrayList<>();
        try (Drain drain = new Drain(target)) {
            for (int i = 0; i < clients; i++) {
                Connection sql = BenchDatabase.connect(target);
                connections.add(sql);
                if (notifyOff) {
                    try (Statement s = sql.createStatement()) {
                        s.execute("set confwatch.notify = off");
                    }
                }
                List<UUID> monitors = monitors(sql, tenants.get(i % tenants.size()));
                PreparedStatement update = Seeder.updateMonitor(sql);
                threads.add(new Thread(
                        () -> {
                            try {
                                for (long n = 0; !stop.get(); n++) {
                                    update.setLong(1, n);
                                    update.setObject(2, monitors.get((int) (n % monitors.size())));
                                    update.executeUpdate();
                                    committed.increment();
                                }
                            } catch (SQLException e) {
                                failures.add(e);
                            }
                        },
                        "bench-writer-" + i));
            }
            long started = System.nanoTime();
            threads.forEach(Thread::start);
            Thread.sleep(duration.toMillis());
            stop.set(true);
            for (Thread t : threads) {
                t.join();
            }
            double seconds = (System.nanoTime() - started) / 1e9;
            if (!failures.isEmpty()) {
                throw new IllegalStateException("a writer failed: " + failures.get(0), failures.get(0));
            }
            return committed.sum() / seconds;
        } finally {
            for (Connection c : connections) {
                c.close();
            }
        }
    }

    /** One connection LISTENing on both channels and reading every notification, as a worker would. */
    private static final class Drain implements AutoCloseable {
        private final Connection listen;
        private final Thread reader;

        Drain(DatabaseTarget target) throws SQLException {
            listen = BenchDatabase.connect(target);
            try (Statement s = listen.createStatement()) {
                s.execute("listen confwatch_changes");
                s.execute("listen bench_changes");
            }
            org.postgresql.PGConnection pg = listen.unwrap(org.postgresql.PGConnection.class);
            reader = new Thread(
                    () -> {
                        try {
                            while (!Thread.currentThread().isInterrupted()) {
                                pg.getNotifications(100);
                            }
                        } catch (SQLException e) {
                            // Closed at the end of the run.
                        }
                    },
                    "bench-writer-drain");
            reader.setDaemon(true);
            reader.start();
        }

        @Override
        public void close() throws Exception {
            reader.interrupt();
            reader.join(1_000);
            listen.close();
        }
    }

    private static List<UUID> monitors(Connection sql, UUID tenant) throws SQLException {
        List<UUID> ids = new ArrayList<>();
        try (PreparedStatement ps = sql.prepareStatement("select id from confwatch.monitors where tenant_id = ?")) {
            ps.setObject(1, tenant);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    ids.add(rs.getObject(1, UUID.class));
                }
            }
        }
        return ids;
    }
}
