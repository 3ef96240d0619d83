package io.confwatch.bench;

import io.confwatch.ConfWatch;
import io.confwatch.config.DatabaseTarget;
import io.confwatch.metrics.ConfWatchMetrics;
import io.micrometer.core.instrument.Counter;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * {@code hint-flood}: hints at a fixed rate spread over many tenants, in two phases. Genuine: each batch is one
 * transaction that bumps a slice of the tenants ({@code update … set name = name}, which the triggers version and
 * notify), so every hint names a real new version; lag is commit returned → that version (or a later one) installed.
 * Duplicate: {@code select pg_notify(…)} batches naming versions the worker already holds, which must cost no loads.
 */
public final class HintFlood implements Scenario {
    private static final int BATCHES_PER_SECOND = 20;
    private static final int MONITORS_PER_TENANT = 5;
    private static final double LAG_TARGET_MS = 50;
    private static final double LOADS_TARGET = 2;

    /** Versions a batch committed, and when its commit returned. */
    private record Batch(long committedAt, Map<UUID, Long> versions) {}

    /** One install seen by the change listener. */
    private record Install(long version, long at) {}

    @Override
    public String name() {
        return "hint-flood";
    }

    @Override
    public List<ResultRow> run(BenchContext context) throws Exception {
        int tenantCount = context.options().floodTenants();
        int perBatch = Math.max(1, context.options().hintsPerSecond() / BATCHES_PER_SECOND);
        Duration duration = context.options().duration();
        DatabaseTarget target = context.database().fresh("bench_flood");
        List<UUID> tenants;
        try (Connection sql = BenchDatabase.connect(target)) {
            tenants = Seeder.tenants(sql, "flood", tenantCount, MONITORS_PER_TENANT);
        }
        Map<UUID, ConcurrentLinkedQueue<Install>> installs = new ConcurrentHashMap<>();
        tenants.forEach(t -> installs.put(t, new ConcurrentLinkedQueue<>()));
        try (ConfWatch confWatch = context.startWorker(target);
                Connection sql = BenchDatabase.connect(target)) {
            confWatch.addListener(change -> change.current().ifPresent(s -> {
                var queue = installs.get(s.tenant());
                if (queue != null) {
                    queue.add(new Install(s.version(), System.nanoTime()));
                }
            }));
            // Warm-up: the same flood, unmeasured, so the lag is that of compiled code, as in a worker that has run
            // a while (the first second of a cold JVM alone lags by hundreds of milliseconds).
            flood(sql, tenants, perBatch, duration);
            // The bench's own records are dropped before each heap reading: only the worker's heap is compared.
            installs.values().forEach(ConcurrentLinkedQueue::clear);
            long heapBefore = Heap.usedAfterGc();
            double loadsBefore = loads(confWatch);
            // Genuine phase.
            long started = System.nanoTime();
            List<Batch> batches = flood(sql, tenants, perBatch, duration);
            long hints = batches.stream().mapToLong(b -> b.versions().size()).sum();
            double genuineSeconds = (System.nanoTime() - started) / 1e9;
            Map<UUID, Long> last = new HashMap<>();
            batches.forEach(b -> last.putAll(b.versions()));
            int behind = 0;
            for (Map.Entry<UUID, Long> e : last.entrySet()) {
                Optional<?> held = confWatch
                        .awaitVersion(e.getKey(), e.getValue(), Duration.ofSeconds(30))
                        .join();
                if (held.isEmpty()) {
                    behind++;
                }
            }
            Thread.sleep(200); // the change listener runs just after each install
            double genuineLoads = loads(confWatch) - loadsBefore;
            List<Double> lags = lags(batches, installs);
            Summary lag = Summary.of(lags);
            lags.clear();
            batches.clear();
            installs.values().forEach(ConcurrentLinkedQueue::clear);
            // Duplicate phase: the same rate of hints naming versions already held.
            double loadsBeforeDup = loads(confWatch);
            long dupStarted = System.nanoTime();
            long dupHints;
            try (PreparedStatement notify = sql.prepareStatement(
                    "select count(pg_notify('confwatch_changes', '{\"tenant\":\"' || t || '\",\"version\":' || v ||"
                            + " '}')) from unnest(?::uuid[], ?::bigint[]) as x(t, v)")) {
                dupHints = paced(tenants, perBatch, duration, slice -> {
                    notify.setArray(1, sql.createArrayOf("uuid", slice.toArray()));
                    notify.setArray(
                            2,
                            sql.createArrayOf(
                                    "bigint", slice.stream().map(last::get).toArray()));
                    try (ResultSet rs = notify.executeQuery()) {
                        rs.next();
                    }
                });
            }
            double dupSeconds = (System.nanoTime() - dupStarted) / 1e9;
            Thread.sleep(1_000); // let the worker drain what the flood queued
            double dupLoads = loads(confWatch) - loadsBeforeDup;
            long heapAfter = Heap.usedAfterGc();
            context.detail(name(), ReloadDigest.of(confWatch));
            double changesPerTenant = (double) hints / tenants.size();
            context.detail(
                    name(),
                    String.format(
                            Locale.ROOT,
                            "genuine: %d hints in %.1f s (%.0f/s asked %d/s) over %d tenants, %.1f changes per"
                                    + " tenant; lag p50 %.2f p99 %.2f max %.2f ms over %d (tenant, batch) pairs; %d"
                                    + " tenants not at their last version after 30 s; %.0f loads (%.2f per tenant,"
                                    + " %.2f per change)",
                            hints,
                            genuineSeconds,
                            hints / genuineSeconds,
                            context.options().hintsPerSecond(),
                            tenants.size(),
                            changesPerTenant,
                            lag.p50(),
                            lag.p99(),
                            lag.max(),
                            lag.count(),
                            behind,
                            genuineLoads,
                            genuineLoads / tenants.size(),
                            genuineLoads / hints));
            context.detail(
                    name(),
                    String.format(
                            Locale.ROOT,
                            "duplicate: %d hints in %.1f s (%.0f/s) naming held versions; %.0f loads (%.2f per"
                                    + " tenant); heap after GC %.1f → %.1f MB",
                            dupHints,
                            dupSeconds,
                            dupHints / dupSeconds,
                            dupLoads,
                            dupLoads / tenants.size(),
                            heapBefore / 1048576.0,
                            heapAfter / 1048576.0));
            String rate =
                    String.format(Locale.ROOT, " (%.0f hints/s, %d tenants)", hints / genuineSeconds, tenantCount);
            long heapGrowth = heapAfter - heapBefore;
            return List.of(
                    ResultRow.alone(
                            name() + " lag p99, genuine" + rate,
                            Summary.ms(lag.p99()),
                            "≤ 50 ms",
                            ResultRow.verdict(behind == 0 && lag.p99() <= LAG_TARGET_MS)),
                    ResultRow.alone(
                            name() + " loads per tenant, genuine (" + Math.round(changesPerTenant) + " changes each)",
                            String.format(Locale.ROOT, "%.2f", genuineLoads / tenants.size()),
                            "— (each change is real)",
                            Verdict.INFO),
                    ResultRow.alone(
                            name() + " loads per tenant, duplicate hints",
                            String.format(Locale.ROOT, "%.2f", dupLoads / tenants.size()),
                            "≤ 2 per burst",
                            ResultRow.verdict(dupLoads / tenants.size() <= LOADS_TARGET)),
                    ResultRow.alone(
                            name() + " heap after GC, before → after",
                            String.format(Locale.ROOT, "%.1f → %.1f MB", heapBefore / 1048576.0, heapAfter / 1048576.0),
                            "flat (≤ +8 MB)",
                            ResultRow.verdict(heapGrowth <= 8L << 20)));
        }
    }

    /** Bumps {@code perBatch} tenants per transaction, {@value #BATCHES_PER_SECOND} transactions a second. */
    private static List<Batch> flood(Connection sql, List<UUID> tenants, int perBatch, Duration duration)
            throws Exception {
        List<Batch> batches = new ArrayList<>();
        try (PreparedStatement bump = sql.prepareStatement(
                "update confwatch.tenants set name = name where id = any(?) returning id, config_version")) {
            paced(tenants, perBatch, duration, slice -> {
                bump.setArray(1, sql.createArrayOf("uuid", slice.toArray()));
                Map<UUID, Long> versions = new HashMap<>();
                try (ResultSet rs = bump.executeQuery()) {
                    while (rs.next()) {
                        versions.put(rs.getObject(1, UUID.class), rs.getLong(2));
                    }
                }
                batches.add(new Batch(System.nanoTime(), versions));
            });
        }
        return batches;
    }

    /** One batch's work on its slice of the tenants. */
    private interface SliceWork {
        void run(List<UUID> slice) throws SQLException;
    }

    /**
     * Runs {@code work} on successive slices of {@code perBatch} tenants (wrapping around), {@value #BATCHES_PER_SECOND}
     * times a second, for {@code duration}; returns how many tenants the slices held in all.
     */
    private static long paced(List<UUID> tenants, int perBatch, Duration duration, SliceWork work)
            throws SQLException, InterruptedException {
        int cursor = 0;
        long started = System.nanoTime();
        long end = started + duration.toNanos();
        long sliced = 0;
        for (long k = 0; System.nanoTime() < end; k++) {
            pace(started, k);
            List<UUID> slice = slice(tenants, cursor, perBatch);
            work.run(slice);
            sliced += slice.size();
            cursor = (cursor + perBatch) % tenants.size();
        }
        return sliced;
    }

    private static void pace(long started, long batch) throws InterruptedException {
        long due = started + batch * 1_000_000_000L / BATCHES_PER_SECOND;
        long wait = due - System.nanoTime();
        if (wait > 0) {
            Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
        }
    }

    private static List<UUID> slice(List<UUID> tenants, int from, int count) {
        List<UUID> slice = new ArrayList<>();
        for (int i = 0; i < Math.min(count, tenants.size()); i++) {
            slice.add(tenants.get((from + i) % tenants.size()));
        }
        return slice;
    }

    private static List<Double> lags(List<Batch> batches, Map<UUID, ConcurrentLinkedQueue<Install>> installs) {
        Map<UUID, List<Install>> seen = new HashMap<>();
        installs.forEach((tenant, queue) -> seen.put(tenant, new ArrayList<>(queue)));
        List<Double> lags = new ArrayList<>();
        for (Batch batch : batches) {
            for (Map.Entry<UUID, Long> e : batch.versions().entrySet()) {
                for (Install install : seen.getOrDefault(e.getKey(), List.of())) {
                    if (install.version() >= e.getValue()) {
                        lags.add((install.at() - batch.committedAt()) / 1e6);
                        break;
                    }
                }
            }
        }
        return lags;
    }

    private static double loads(ConfWatch confWatch) {
        return confWatch.meterRegistry().find(ConfWatchMetrics.RELOADS).counters().stream()
                .mapToDouble(Counter::count)
                .sum();
    }
}
