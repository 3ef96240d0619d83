package io.confwatch.bench;

import io.confwatch.ConfWatch;
import io.confwatch.config.DatabaseTarget;
import io.confwatch.config.WorkerConfig;
import io.confwatch.model.FullReloadStatus;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * {@code capacity}: what one pod costs the database at {@code --capacity-tenants} × {@code --capacity-entities}, per
 * pod, unsharded and as shard {@code --shard} (default 0/4): the rows, bytes, shared blocks and execution time of its
 * own statements (pg_stat_statements for the worker's login; bytes through a counting relay) for a start-up, the first
 * full reload after it and the next (the steady state), an idle sweep, a sweep after {@code --changes} tenants
 * changed and a sweep that compares every tenant. It measures whatever the worker's
 * statements are, so a build with other sweeps or sharding is measured by the same command.
 */
public final class Capacity implements Scenario {
    static final String DEFAULT_SHARD = "0/4";
    /** The phase of the first full reload after a pod's start. */
    static final String FIRST_FULL_RELOAD = "full reload, first after start";
    /** The phase of a sweep that compares every owned tenant's version (every CONFWATCH_SWEEP_FULL_INTERVAL). */
    static final String FULL_COMPARISON = "sweep, full comparison";
    /** The phase of the full reload after that: what every full reload costs in the steady state. */
    static final String STEADY_FULL_RELOAD = "full reload, steady state";

    private static final Duration PHASE_BOUND = Duration.ofMinutes(30);

    /** One phase of one pod: what its statements cost. */
    record Phase(
            String pod,
            String phase,
            long rows,
            long bytesFromDatabase,
            long sharedBlocks,
            double execMillis,
            long calls,
            int sweeps,
            double wallSeconds,
            List<String> top) {}

    @Override
    public String name() {
        return "capacity";
    }

    @Override
    public List<ResultRow> run(BenchContext context) throws Exception {
        BenchOptions options = context.options();
        int tenants = options.capacityTenants();
        int perTenant = options.capacityEntities();
        String shard = options.shard().isEmpty() ? DEFAULT_SHARD : options.shard();
        DatabaseTarget admin = context.database().fresh("bench_capacity");
        List<Phase> phases = new ArrayList<>();
        try (Connection sql = BenchDatabase.connect(admin)) {
            DatabaseTarget worker = StatementStats.prepare(sql, admin);
            CapacitySeed.seedOnce(context, name(), sql, tenants, perTenant);
            try (CountingProxy proxy = CountingProxy.start(admin.host(), admin.port())) {
                DatabaseTarget throughProxy = new DatabaseTarget(
                        "127.0.0.1",
                        proxy.port(),
                        worker.database(),
                        worker.user(),
                        worker.password(),
                        worker.sslMode(),
                        worker.tls());
                Duration pollInterval = Duration.ofMillis(Math.max(1_000, tenants / 50));
                for (String pod : List.of("unsharded", shard)) {
                    Map<String, String> shardEnv = pod.equals("unsharded") ? Map.of() : Map.of("CONFWATCH_SHARD", pod);
                    phases.addAll(loads(context, sql, proxy, throughProxy, pod, shardEnv));
                    phases.addAll(sweeps(context, sql, proxy, throughProxy, pod, shardEnv, pollInterval));
                }
            }
        }
        print(context, tenants, perTenant, phases);
        CapacityModel model = CapacityModel.from(phases, tenants, shard);
        model.print(context.out());
        Path jsonFile = Path.of(options.capacityJson());
        Files.writeString(jsonFile, json(tenants, perTenant, phases, model), StandardCharsets.UTF_8);
        context.detail(name(), "JSON written to " + jsonFile.toAbsolutePath());
        return rows(tenants, perTenant, shard, phases);
    }

    /**
     * A start-up and two full reloads of one listen-mode pod (sweeps and periodic full reloads an hour away): the first
     * after its start, and the one after that — the steady state, which every later one is while nothing changes
     * behind the triggers' back.
     */
    private List<Phase> loads(
            BenchContext context,
            Connection sql,
            CountingProxy proxy,
            DatabaseTarget target,
            String pod,
            Map<String, String> shardEnv)
            throws Exception {
        Map<String, String> env = new HashMap<>(shardEnv);
        env.put("CONFWATCH_MODE", "listen");
        env.put("CONFWATCH_SWEEP_INTERVAL", "1h");
        env.put("CONFWATCH_FULL_RELOAD_INTERVAL", "2h");
        List<Phase> phases = new ArrayList<>();
        Window window = Window.open(sql, proxy);
        try (ConfWatch confWatch = context.startWorker(config(env, target))) {
            phases.add(window.close(pod, "start-up", 0));
            for (String phase : List.of(FIRST_FULL_RELOAD, STEADY_FULL_RELOAD)) {
                window = Window.open(sql, proxy);
                FullReloadStatus.Finished finished =
                        confWatch.fullReload().get(PHASE_BOUND.toMillis(), TimeUnit.MILLISECONDS);
                phases.add(window.close(
                        pod, phase + " (" + finished.read() + " read whole, " + finished.skipped() + " skipped)", 0));
            }
        }
        return phases;
    }

    /**
     * An idle sweep and a sweep after changes, of one poll-mode pod (only sweeps read: no listener, no hints); then a
     * full comparison, of a second one whose every sweep is one.
     */
    private List<Phase> sweeps(
            BenchContext context,
            Connection sql,
            CountingProxy proxy,
            DatabaseTarget target,
            String pod,
            Map<String, String> shardEnv,
            Duration pollInterval)
            throws Exception {
        Map<String, String> env = new HashMap<>(shardEnv);
        env.put("CONFWATCH_MODE", "poll");
        env.put("CONFWATCH_POLL_INTERVAL", pollInterval.toMillis() + "ms");
        env.put("CONFWATCH_FULL_RELOAD_INTERVAL", "2h");
        List<Phase> phases = new ArrayList<>();
        try (ConfWatch confWatch = context.startWorker(config(env, target))) {
            // The first sweeps after a start may differ (a first full comparison): measure a later one.
            for (int i = 0; i < 2; i++) {
                nextSweep(confWatch);
            }
            Window window = Window.open(sql, proxy);
            Instant sweptAt = nextSweep(confWatch);
            phases.add(window.close(pod, "idle sweep", 1));

            window = Window.open(sql, proxy);
            List<CapacitySeed.Change> changes =
                    CapacitySeed.change(sql, context.options().changes());
            List<CapacitySeed.Change> owned = changes.stream()
                    .filter(change -> confWatch.owns(change.tenant()))
                    .toList();
            int sweeps = 0;
            Instant last = sweptAt;
            while (!owned.stream().allMatch(change -> held(confWatch, change))) {
                Instant now = waitForSweepAfter(confWatch, last);
                sweeps++;
                last = now;
            }
            phases.add(window.close(pod, "sweep, " + changes.size() + " changes (" + owned.size() + " owned)", sweeps));
        }
        // The full comparison a sweep makes every CONFWATCH_SWEEP_FULL_INTERVAL: a worker whose every sweep is one.
        env.put("CONFWATCH_SWEEP_FULL_INTERVAL", Math.max(1, pollInterval.toMillis() / 2) + "ms");
        try (ConfWatch confWatch = context.startWorker(config(env, target))) {
            for (int i = 0; i < 2; i++) {
                nextSweep(confWatch);
            }
            Window window = Window.open(sql, proxy);
            nextSweep(confWatch);
            phases.add(window.close(pod, FULL_COMPARISON, 1));
        }
        return phases;
    }

    private static boolean held(ConfWatch confWatch, CapacitySeed.Change change) {
        return confWatch
                .snapshot(change.tenant())
                .map(s -> s.version() >= change.version())
                .orElse(false);
    }

    /** Waits for the sweep after the one now recorded; returns when it finished. */
    private static Instant nextSweep(ConfWatch confWatch) throws InterruptedException {
        return waitForSweepAfter(confWatch, confWatch.status().lastSweepAt());
    }

    private static Instant waitForSweepAfter(ConfWatch confWatch, Instant after) throws InterruptedException {
        long deadline = System.nanoTime() + PHASE_BOUND.toNanos();
        while (true) {
            Instant now = confWatch.status().lastSweepAt();
            if (now != null && !now.equals(after)) {
                return now;
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("no sweep finished within " + PHASE_BOUND.toMinutes() + " minutes");
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(2));
        }
    }

    /**
     * The worker's default settings with {@code overrides}, on {@code target}. Not the process environment: a measurement
     * should not depend on whatever {@code CONFWATCH_*} variables its caller happens to export (CI exports a test-only
     * one, which the strict settings reader refuses).
     */
    private static WorkerConfig config(Map<String, String> overrides, DatabaseTarget target) {
        Map<String, String> env = new HashMap<>(overrides);
        env.put("CONFWATCH_HTTP_PORT", "0");
        return WorkerConfig.fromEnv(env).withDatabase(target);
    }

    /** A measuring window: the worker role's statements reset, the relay's byte count noted. */
    private record Window(Connection sql, CountingProxy proxy, long bytesBefore, long startedNanos) {
        static Window open(Connection sql, CountingProxy proxy) throws SQLException {
            StatementStats.reset(sql);
            return new Window(sql, proxy, proxy.toClient(), System.nanoTime());
        }

        Phase close(String pod, String phase, int sweeps) throws SQLException {
            double wall = (System.nanoTime() - startedNanos) / 1e9;
            long bytes = proxy.toClient() - bytesBefore;
            StatementStats.Window stats = StatementStats.read(sql);
            return new Phase(
                    pod,
                    phase,
                    stats.rows(),
                    bytes,
                    stats.sharedBlocks(),
                    stats.execMillis(),
                    stats.calls(),
                    sweeps,
                    wall,
                    stats.top());
        }
    }

    private void print(BenchContext context, int tenants, int perTenant, List<Phase> phases) {
        context.detail(
                name(), tenants + " tenants × " + perTenant + " monitors; per pod, the worker role's statements:");
        context.out().println();
        context.out()
                .println(
                        "| pod | phase | rows | MB from the database | shared blocks | DB exec ms | statements | sweeps |");
        context.out().println("|---|---|---:|---:|---:|---:|---:|---:|");
        for (Phase p : phases) {
            context.out()
                    .printf(
                            Locale.ROOT,
                            "| %s | %s | %d | %.2f | %d | %.1f | %d | %s |%n",
                            p.pod(),
                            p.phase(),
                            p.rows(),
                            p.bytesFromDatabase() / 1048576.0,
                            p.sharedBlocks(),
                            p.execMillis(),
                            p.calls(),
                            p.sweeps() == 0 ? "—" : Integer.toString(p.sweeps()));
        }
        context.out().println();
        for (Phase p : phases) {
            context.detail(
                    name(), p.pod() + ", " + p.phase() + String.format(Locale.ROOT, " (%.1f s):", p.wallSeconds()));
            p.top().forEach(statement -> context.out().println("      " + statement));
        }
    }

    private List<ResultRow> rows(int tenants, int perTenant, String shard, List<Phase> phases) {
        String size = " (" + tenants + "×" + perTenant + ")";
        Phase idle = find(phases, "unsharded", "idle sweep");
        Phase start = find(phases, "unsharded", "start-up");
        Phase shardStart = find(phases, shard, "start-up");
        Phase shardIdle = find(phases, shard, "idle sweep");
        Phase full = find(phases, "unsharded", STEADY_FULL_RELOAD);
        Phase shardFull = find(phases, shard, STEADY_FULL_RELOAD);
        double maxIdleRows = tenants / 100.0;
        return List.of(
                ResultRow.alone(
                        name() + " idle sweep rows, unsharded" + size,
                        idle.rows() + " rows",
                        "≤ 1 % of tenants (" + Math.round(maxIdleRows) + ")",
                        ResultRow.verdict(idle.rows() <= maxIdleRows)),
                new ResultRow(
                        name() + " start-up rows, shard " + shard + " vs unsharded" + size,
                        shardStart.rows() + " rows",
                        start.rows() + " rows",
                        Summary.times((double) shardStart.rows() / start.rows()),
                        shard.equals(DEFAULT_SHARD) ? "≤ 0.35×" : "—",
                        shard.equals(DEFAULT_SHARD)
                                ? ResultRow.verdict(shardStart.rows() <= 0.35 * start.rows())
                                : Verdict.INFO),
                new ResultRow(
                        name() + " idle sweep rows, shard " + shard + " vs unsharded" + size,
                        shardIdle.rows() + " rows",
                        idle.rows() + " rows",
                        Summary.times(idle.rows() == 0 ? 0 : (double) shardIdle.rows() / idle.rows()),
                        "—",
                        Verdict.INFO),
                new ResultRow(
                        name() + " steady-state full reload rows, shard " + shard + " vs unsharded" + size,
                        shardFull.rows() + " rows",
                        full.rows() + " rows",
                        Summary.times((double) shardFull.rows() / full.rows()),
                        "—",
                        Verdict.INFO));
    }

    private static Phase find(List<Phase> phases, String pod, String phase) {
        return phases.stream()
                .filter(p -> p.pod().equals(pod) && p.phase().startsWith(phase))
                .findFirst()
                .orElseThrow();
    }

    static String json(int tenants, int perTenant, List<Phase> phases, CapacityModel model) {
        StringBuilder out = new StringBuilder();
        out.append("{\"tenants\": ")
                .append(tenants)
                .append(", \"monitorsPerTenant\": ")
                .append(perTenant)
                .append(", \"measuredAt\": \"")
                .append(Instant.now())
                .append("\", \"phases\": [");
        for (int i = 0; i < phases.size(); i++) {
            Phase p = phases.get(i);
            out.append(i == 0 ? "\n  " : ",\n  ")
                    .append(String.format(
                            Locale.ROOT,
                            "{\"pod\": \"%s\", \"phase\": \"%s\", \"rows\": %d, \"bytesFromDatabase\": %d,"
                                    + " \"sharedBlocks\": %d, \"execMillis\": %.3f, \"statements\": %d, \"sweeps\": %d,"
                                    + " \"wallSeconds\": %.3f}",
                            p.pod(),
                            p.phase(),
                            p.rows(),
                            p.bytesFromDatabase(),
                            p.sharedBlocks(),
                            p.execMillis(),
                            p.calls(),
                            p.sweeps(),
                            p.wallSeconds()));
        }
        return out.append("\n], \"model\": ").append(model.json()).append("}\n").toString();
    }
}
