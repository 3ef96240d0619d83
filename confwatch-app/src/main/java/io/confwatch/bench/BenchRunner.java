package io.confwatch.bench;

import io.confwatch.config.WorkerConfig;
import java.io.PrintStream;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Runs the chosen scenarios one after another and prints the table at the end. */
public final class BenchRunner {
    private static final Map<String, Scenario> SCENARIOS = Map.ofEntries(
            Map.entry("propagation-idle", new PropagationIdle()),
            Map.entry("delta-10k", new DeltaLoad()),
            Map.entry("cold-start", new ColdStart()),
            Map.entry("writer-tps", new WriterTps()),
            Map.entry("hint-flood", new HintFlood()),
            Map.entry("poll-mode", new PollMode()),
            Map.entry("idle-sweep", new IdleSweep()),
            Map.entry("http-reads", new HttpReads()),
            Map.entry("http-propagation", new HttpPropagation()),
            Map.entry("startup", new Startup()),
            Map.entry("capacity", new Capacity()));

    private BenchRunner() {}

    /** Whether {@code name} is a scenario. */
    public static boolean exists(String name) {
        return SCENARIOS.containsKey(name);
    }

    /** Runs {@code options}' scenarios; returns the rows printed (a failed scenario gives one MISS row). */
    public static List<ResultRow> run(BenchOptions options, WorkerConfig config, PrintStream out) {
        List<ResultRow> rows = new ArrayList<>();
        try (BenchDatabase database =
                BenchDatabase.open(config, options.scenarios().contains("capacity"))) {
            BenchContext context = new BenchContext(options, config, database, out);
            out.println("confwatch bench, " + Instant.now() + ", "
                    + Runtime.getRuntime().availableProcessors()
                    + " CPUs, load average " + loadAverage() + ", database: "
                    + database.describe(database.fresh("bench_info")));
            for (String name : options.scenarios()) {
                Scenario scenario = SCENARIOS.get(name);
                out.println("Running " + name + "…");
                long started = System.nanoTime();
                try {
                    rows.addAll(scenario.run(context));
                } catch (Exception e) {
                    rows.add(ResultRow.alone(name, "failed: " + e, "—", Verdict.MISS));
                }
                out.printf(
                        java.util.Locale.ROOT,
                        "  [%s] took %.1f s; load average now %s%n",
                        name,
                        (System.nanoTime() - started) / 1e9,
                        loadAverage());
            }
        }
        out.println();
        ResultTable.print(rows, out);
        return rows;
    }

    private static String loadAverage() {
        double load = java.lang.management.ManagementFactory.getOperatingSystemMXBean()
                .getSystemLoadAverage();
        return String.format(java.util.Locale.ROOT, "%.2f", load);
    }
}
