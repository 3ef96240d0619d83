package io.confwatch.bench;

import io.confwatch.ConfWatch;
import io.confwatch.config.DatabaseTarget;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import java.util.Locale;

/**
 * {@code cold-start}: N tenants × M entities; time from {@link ConfWatch#start} to ready, and the heap the worker holds
 * after a full collection, per entity, less the entities' JSON text.
 */
public final class ColdStart implements Scenario {
    private static final double READY_TARGET_S = 10;
    private static final double BYTES_TARGET = 1024;

    @Override
    public String name() {
        return "cold-start";
    }

    @Override
    public List<ResultRow> run(BenchContext context) throws Exception {
        int tenants = context.options().tenants();
        int perTenant = context.options().entitiesPerTenant();
        long entities = (long) tenants * perTenant;
        DatabaseTarget target = context.database().fresh("bench_coldstart");
        long seedStarted = System.nanoTime();
        long jsonBytes;
        try (Connection sql = BenchDatabase.connect(target)) {
            Seeder.tenants(sql, "cold", tenants, perTenant);
            try (Statement s = sql.createStatement()) {
                s.execute("vacuum analyze");
                try (ResultSet rs = s.executeQuery(
                        "select coalesce(sum(octet_length(definition::text)), 0) from confwatch.monitors")) {
                    rs.next();
                    jsonBytes = rs.getLong(1);
                }
            }
        }
        double seedSeconds = (System.nanoTime() - seedStarted) / 1e9;
        long before = Heap.usedAfterGc();
        Life life = live(context, target);
        double readySeconds = life.readySeconds();
        long after = life.heapUp();
        int held = life.held();
        long afterClose = Heap.usedAfterGc();
        double perEntity = (double) (after - before - jsonBytes) / entities;
        context.detail(
                name(),
                String.format(
                        Locale.ROOT,
                        "%d tenants × %d entities = %d (seeded in %.1f s; the database may hold others when not"
                                + " embedded); worker held %d tenants; ready in %.2f s; heap after GC %d → %d MB"
                                + " (+%.1f MB, of which JSON text %.1f MB; includes the worker's fixed cost: Vert.x,"
                                + " pools, metrics); %d MB after the worker closed",
                        tenants,
                        perTenant,
                        entities,
                        seedSeconds,
                        held,
                        readySeconds,
                        before >> 20,
                        after >> 20,
                        (after - before) / 1048576.0,
                        jsonBytes / 1048576.0,
                        afterClose >> 20));
        String size = " (" + tenants + "×" + perTenant + ")";
        return List.of(
                ResultRow.alone(
                        name() + " ready" + size,
                        String.format(Locale.ROOT, "%.2f s", readySeconds),
                        "≤ 10 s (at 10,000×50)",
                        ResultRow.verdict(readySeconds <= READY_TARGET_S && held >= tenants)),
                ResultRow.alone(
                        name() + " heap/entity beyond JSON" + size,
                        String.format(Locale.ROOT, "%.0f B", perEntity),
                        "≤ 1 KB + JSON",
                        ResultRow.verdict(perEntity <= BYTES_TARGET)));
    }

    /** What one worker's life measured: ready time, tenants held, heap after GC while up. */
    private record Life(double readySeconds, int held, long heapUp) {}

    /**
     * Starts, measures and closes a worker in a frame of its own, so nothing of it is still referenced from this
     * method's locals when the heap is measured after {@code close()}.
     */
    private static Life live(BenchContext context, DatabaseTarget target) {
        long started = System.nanoTime();
        try (ConfWatch confWatch = context.startWorker(target)) {
            double readySeconds = (System.nanoTime() - started) / 1e9;
            return new Life(readySeconds, confWatch.size(), Heap.usedAfterGc());
        }
    }
}
