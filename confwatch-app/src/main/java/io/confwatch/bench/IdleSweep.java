package io.confwatch.bench;

import io.confwatch.ConfWatch;
import io.confwatch.config.DatabaseTarget;
import io.confwatch.config.Mode;
import io.confwatch.config.WorkerConfig;
import io.confwatch.metrics.ConfWatchMetrics;
import io.confwatch.reload.SnapshotLoader;
import io.micrometer.core.instrument.Counter;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.UUID;

/**
 * {@code idle-sweep}: what the versioned sweep reads with ten times {@code --tenants} tenants (20,000 at the default),
 * in poll mode (a sweep every second): every sweep a full comparison (the sweep before the cursor; {@code CONFWATCH_SWEEP_FULL_INTERVAL} at or
 * below the interval) against the cursor idle and with {@value #CHANGES_PER_SECOND} changed tenants a second. Rows
 * are counted by the worker ({@code confwatch_sweep_rows_total}); bytes are the PostgreSQL protocol's DataRow messages
 * those rows take in binary format; server time and buffers come from {@code EXPLAIN (ANALYZE, BUFFERS)} of each
 * statement.
 */
public final class IdleSweep implements Scenario {
    static final int CHANGES_PER_SECOND = 10;
    private static final Duration INTERVAL = Duration.ofSeconds(1);
    /** DataRow bytes of one row: 'D', length, column count, then per column its length and value. */
    private static final int FULL_ROW_BYTES = 1 + 4 + 2 + 5 * 4 + 4 + 16 + 8 + 8;

    @Override
    public String name() {
        return "idle-sweep";
    }

    @Override
    public List<ResultRow> run(BenchContext context) throws Exception {
        Duration window = context.options().duration().multipliedBy(2);
        int count = context.options().tenants() * 10;
        DatabaseTarget target = context.database().fresh("bench_idle_sweep");
        List<UUID> tenants;
        try (Connection sql = BenchDatabase.connect(target)) {
            tenants = Seeder.tenants(sql, "sweep", count, 1);
            try (Statement s = sql.createStatement()) {
                s.execute("vacuum analyze");
            }
        }
        WorkerConfig poll = context.config()
                .withDatabase(target)
                .withMode(Mode.POLL)
                .withReload(context.config().reload().withPollInterval(INTERVAL));
        Phase full = measure(
                context, poll.withReload(poll.reload().withSweepFullInterval(Duration.ofMillis(1))), window, null);
        Phase idle = measure(context, poll, window, null);
        Phase busy = measure(context, poll, window, new Writer(target, tenants, false));
        Phase heldBack = measure(context, poll, window, new Writer(target, tenants, true));
        Explained fullPlan;
        Explained cursorPlan;
        try (Connection sql = BenchDatabase.connect(target)) {
            fullPlan = Explained.median(sql, SnapshotLoader.SWEEP_EVERY_TENANT, null);
            cursorPlan = Explained.median(sql, SnapshotLoader.SWEEP_SINCE_HORIZON, horizon(sql));
        }
        context.detail(
                name(),
                String.format(
                        Locale.ROOT,
                        "%d tenants, poll mode, 1 s interval, %d s per phase: full comparison every sweep %.0f rows"
                                + " (%.0f KB) per sweep, %.0f rows/s; cursor idle %.1f rows per sweep, %.1f rows/s;"
                                + " cursor with %d changed tenants/s %.1f rows per sweep, and %.1f (last sweep %.0f)"
                                + " while one transaction that took an id at the start of the phase stays open;"
                                + " server time per statement"
                                + " (EXPLAIN ANALYZE, median of 5): full %.2f ms, %d buffers; cursor %.3f ms, %d buffers",
                        count,
                        window.toSeconds(),
                        full.rowsPerSweep(),
                        full.rowsPerSweep() * FULL_ROW_BYTES / 1024.0,
                        full.rowsPerSecond(),
                        idle.rowsPerSweep(),
                        idle.rowsPerSecond(),
                        CHANGES_PER_SECOND,
                        busy.rowsPerSweep(),
                        heldBack.rowsPerSweep(),
                        heldBack.lastSweepRows(),
                        fullPlan.millis(),
                        fullPlan.buffers(),
                        cursorPlan.millis(),
                        cursorPlan.buffers()));
        double limit = count / 100.0;
        return List.of(
                new ResultRow(
                        name() + " rows per idle sweep (" + count + " tenants)",
                        String.format(Locale.ROOT, "%.1f", idle.rowsPerSweep()),
                        String.format(Locale.ROOT, "%.0f (every tenant)", full.rowsPerSweep()),
                        Summary.times(idle.rowsPerSweep() / full.rowsPerSweep()),
                        String.format(Locale.ROOT, "≤ %.0f (1 %%)", limit),
                        ResultRow.verdict(idle.rowsPerSweep() <= limit)),
                new ResultRow(
                        name() + " rows per sweep, " + CHANGES_PER_SECOND + " changes/s",
                        String.format(Locale.ROOT, "%.1f", busy.rowsPerSweep()),
                        String.format(Locale.ROOT, "%.0f", full.rowsPerSweep()),
                        Summary.times(busy.rowsPerSweep() / full.rowsPerSweep()),
                        "≈ changes per sweep",
                        ResultRow.verdict(busy.rowsPerSweep() <= limit)));
    }

    /** Runs a worker with {@code settings} for {@code window} after its first cursor or full sweep, counting. */
    private static Phase measure(BenchContext context, WorkerConfig settings, Duration window, Writer writer)
            throws Exception {
        try (ConfWatch confWatch = context.startWorker(settings)) {
            long deadline = System.nanoTime() + Duration.ofMinutes(1).toNanos();
            // The first sweep after start compares every tenant: measured from the one after it.
            while (count(confWatch, ConfWatchMetrics.SWEEPS) < 2 && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            double sweeps = count(confWatch, ConfWatchMetrics.SWEEPS);
            double rows = count(confWatch, ConfWatchMetrics.SWEEP_ROWS);
            long started = System.nanoTime();
            if (writer != null) {
                writer.runFor(window);
            } else {
                Thread.sleep(window.toMillis());
            }
            // At least a few sweeps, however short the phase (a tiny run's --duration).
            long atLeast = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (count(confWatch, ConfWatchMetrics.SWEEPS) < sweeps + 3 && System.nanoTime() < atLeast) {
                Thread.sleep(10);
            }
            double seconds = (System.nanoTime() - started) / 1e9;
            double swept = count(confWatch, ConfWatchMetrics.SWEEPS) - sweeps;
            double read = count(confWatch, ConfWatchMetrics.SWEEP_ROWS) - rows;
            // The rows of one more sweep, still under the phase's conditions (a held transaction is still open).
            double before = count(confWatch, ConfWatchMetrics.SWEEP_ROWS);
            double beforeSweeps = count(confWatch, ConfWatchMetrics.SWEEPS);
            long bound = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (count(confWatch, ConfWatchMetrics.SWEEPS) < beforeSweeps + 1 && System.nanoTime() < bound) {
                Thread.sleep(10);
            }
            double last = count(confWatch, ConfWatchMetrics.SWEEP_ROWS) - before;
            if (writer != null) {
                writer.close();
            }
            return new Phase(read / Math.max(1, swept), read / seconds, last);
        }
    }

    private static double count(ConfWatch confWatch, String name) {
        return confWatch.meterRegistry().find(name).counters().stream()
                .mapToDouble(Counter::count)
                .sum();
    }

    private static String horizon(Connection sql) throws SQLException {
        try (Statement s = sql.createStatement();
                ResultSet rs = s.executeQuery("select pg_snapshot_xmin(pg_current_snapshot())::text")) {
            rs.next();
            return rs.getString(1);
        }
    }

    /** Rows one sweep read on average, rows per second of the phase, and the rows of a sweep right after it. */
    private record Phase(double rowsPerSweep, double rowsPerSecond, double lastSweepRows) {}

    /**
     * Changes {@link #CHANGES_PER_SECOND} tenants a second, one transaction each; with {@code holdOpen}, an unrelated
     * transaction that took an id first stays open until {@link #close}, holding the sweep horizon back.
     */
    private static final class Writer implements AutoCloseable {
        private final DatabaseTarget target;
        private final List<UUID> tenants;
        private final Connection holder;

        Writer(DatabaseTarget target, List<UUID> tenants, boolean holdOpen) throws SQLException {
            this.target = target;
            this.tenants = tenants;
            this.holder = holdOpen ? BenchDatabase.connect(target) : null;
        }

        void runFor(Duration window) throws Exception {
            if (holder != null) {
                holder.setAutoCommit(false);
                try (Statement s = holder.createStatement()) {
                    s.execute("select pg_current_xact_id()");
                }
            }
            long end = System.nanoTime() + window.toNanos();
            try (Connection sql = BenchDatabase.connect(target);
                    PreparedStatement rename =
                            sql.prepareStatement("update confwatch.tenants set name = name || '.' where id = ?")) {
                int next = 0;
                while (System.nanoTime() < end) {
                    long tick = System.nanoTime();
                    for (int i = 0; i < CHANGES_PER_SECOND; i++) {
                        rename.setObject(1, tenants.get(next++ % tenants.size()));
                        rename.executeUpdate();
                    }
                    long rest = 1_000 - (System.nanoTime() - tick) / 1_000_000;
                    if (rest > 0) {
                        Thread.sleep(rest);
                    }
                }
            }
        }

        @Override
        public void close() throws SQLException {
            if (holder != null) {
                holder.rollback();
                holder.close();
            }
        }
    }

    /** Server execution time and shared buffers of one statement, from {@code EXPLAIN (ANALYZE, BUFFERS)}. */
    private record Explained(double millis, long buffers) {
        static Explained median(Connection sql, String statement, String horizon) throws SQLException {
            double[] millis = new double[5];
            long[] buffers = new long[5];
            for (int i = 0; i < 5; i++) {
                try (PreparedStatement s = sql.prepareStatement(
                        "explain (analyze, buffers, format json) " + statement.replace("$1", "?"))) {
                    if (horizon != null) {
                        // Every placeholder of a cursor read is its horizon ($1).
                        for (int p = 1; p <= s.getParameterMetaData().getParameterCount(); p++) {
                            s.setString(p, horizon);
                        }
                    }
                    try (ResultSet rs = s.executeQuery()) {
                        rs.next();
                        String json = rs.getString(1);
                        millis[i] = number(json, "\"Execution Time\":");
                        buffers[i] = (long)
                                (number(json, "\"Shared Hit Blocks\":") + number(json, "\"Shared Read Blocks\":"));
                    }
                }
            }
            Arrays.sort(millis);
            Arrays.sort(buffers);
            return new Explained(millis[2], buffers[2]);
        }

        /** The first number after {@code key} in {@code json} (the plan's top node, or its totals). */
        private static double number(String json, String key) {
            int at = json.indexOf(key);
            if (at < 0) {
                return 0;
            }
            int from = at + key.length();
            while (json.charAt(from) == ' ') {
                from++;
            }
            int to = from;
            while (to < json.length() && "0123456789.".indexOf(json.charAt(to)) >= 0) {
                to++;
            }
            return Double.parseDouble(json.substring(from, to));
        }
    }
}
