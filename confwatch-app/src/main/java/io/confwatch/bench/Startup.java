package io.confwatch.bench;

import io.confwatch.config.DatabaseTarget;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.ToDoubleFunction;

/**
 * {@code startup}: the real thing, {@code java -jar confwatch.jar serve} as a process of its own against N tenants × M
 * entities, spawn → first 200 on {@code /readyz}, {@code --runs} times; median and the split from the log. With
 * {@code --baseline-jar} another build (e.g. main's) runs alternately beside it, so both share the machine's moods.
 * {@code --shard i/n} starts sharded pods ({@code CONFWATCH_SHARD}). On a configured database seeded with the same
 * shape the seeding is skipped, so a large data set is seeded once.
 */
public final class Startup implements Scenario {
    static final double READY_TARGET_S = 5;

    @Override
    public String name() {
        return "startup";
    }

    @Override
    public List<ResultRow> run(BenchContext context) throws Exception {
        BenchOptions options = context.options();
        int tenants = options.tenants();
        int perTenant = options.entitiesPerTenant();
        DatabaseTarget target = context.database().fresh("bench_startup");
        seedOnce(context, target, tenants, perTenant);
        Path ownJar = StartupProcess.ownJar();
        List<String> ours = StartupProcess.command(ownJar, words(options.jvmOptions()));
        List<String> baseline = options.baselineJar().isEmpty()
                ? null
                : StartupProcess.command(Path.of(options.baselineJar()), words(options.baselineJvmOptions()));
        Map<String, String> env = new HashMap<>();
        if (!options.shard().isEmpty()) {
            env.put("CONFWATCH_SHARD", options.shard());
        }
        context.detail(
                name(), "ours: " + String.join(" ", ownJar != null ? ours : List.of("java … io.confwatch.Main serve")));
        if (baseline != null) {
            context.detail(name(), "baseline: " + String.join(" ", baseline));
        }
        Path logs = Files.createTempDirectory("confwatch-startup");
        List<StartupProcess.Result> ourRuns = new ArrayList<>();
        List<StartupProcess.Result> baselineRuns = new ArrayList<>();
        for (int run = 1; run <= options.runs(); run++) {
            // Alternated, the baseline first in odd runs: a drift of the machine weighs on both alike.
            boolean baselineFirst = baseline != null && run % 2 == 1;
            if (baselineFirst) {
                baselineRuns.add(once(context, "baseline", run, baseline, target, env, logs));
            }
            ourRuns.add(once(context, "ours", run, ours, target, env, logs));
            if (baseline != null && !baselineFirst) {
                baselineRuns.add(once(context, "baseline", run, baseline, target, env, logs));
            }
        }
        String shape = tenants + "×" + perTenant + (options.shard().isEmpty() ? "" : ", shard " + options.shard());
        context.detail(name(), "ours " + split(ourRuns));
        if (baseline != null) {
            context.detail(name(), "baseline " + split(baselineRuns));
        }
        double ourMedian = median(ourRuns, StartupProcess.Result::readySeconds);
        String oursText = String.format(Locale.ROOT, "%.2f s", ourMedian);
        String target5 = "≤ 5 s (at 10,000×50)";
        boolean met = ourMedian <= READY_TARGET_S;
        String figure = name() + " process → /readyz median (" + shape + ")";
        if (baseline == null) {
            return List.of(ResultRow.alone(figure, oursText, target5, ResultRow.verdict(met)));
        }
        double baselineMedian = median(baselineRuns, StartupProcess.Result::readySeconds);
        double ourCpu = median(ourRuns, StartupProcess.Result::cpuSeconds);
        double baselineCpu = median(baselineRuns, StartupProcess.Result::cpuSeconds);
        return List.of(
                new ResultRow(
                        figure,
                        oursText,
                        String.format(Locale.ROOT, "%.2f s", baselineMedian),
                        Summary.times(ourMedian / baselineMedian),
                        target5,
                        ResultRow.verdict(met)),
                new ResultRow(
                        name() + " CPU of serve to ready, median (" + shape + ")",
                        String.format(Locale.ROOT, "%.2f s", ourCpu),
                        String.format(Locale.ROOT, "%.2f s", baselineCpu),
                        Summary.times(ourCpu / baselineCpu),
                        "—",
                        Verdict.INFO));
    }

    private StartupProcess.Result once(
            BenchContext context,
            String who,
            int run,
            List<String> command,
            DatabaseTarget target,
            Map<String, String> env,
            Path logs)
            throws Exception {
        Path log = logs.resolve(who + "-" + run + ".log");
        StartupProcess.Result result = StartupProcess.run(command, target, env, log);
        context.detail(
                name(),
                String.format(
                        Locale.ROOT,
                        "%s run %d: ready %.2f s (before the load %.2f s, initial load %.2f s of %d tenants, after it"
                                + " %.2f s); CPU %.2f s; log %s",
                        who,
                        run,
                        result.readySeconds(),
                        result.beforeLoadSeconds(),
                        result.loadSeconds(),
                        result.tenants(),
                        result.afterLoadSeconds(),
                        result.cpuSeconds(),
                        log));
        return result;
    }

    private static String split(List<StartupProcess.Result> runs) {
        return String.format(
                Locale.ROOT,
                "medians over %d runs: ready %.2f s = before the load %.2f s + initial load %.2f s + after it %.2f s"
                        + " (ready min %.2f, max %.2f s); CPU to ready %.2f s",
                runs.size(),
                median(runs, StartupProcess.Result::readySeconds),
                median(runs, StartupProcess.Result::beforeLoadSeconds),
                median(runs, StartupProcess.Result::loadSeconds),
                median(runs, StartupProcess.Result::afterLoadSeconds),
                runs.stream()
                        .mapToDouble(StartupProcess.Result::readySeconds)
                        .min()
                        .orElse(Double.NaN),
                runs.stream()
                        .mapToDouble(StartupProcess.Result::readySeconds)
                        .max()
                        .orElse(Double.NaN),
                median(runs, StartupProcess.Result::cpuSeconds));
    }

    static double median(List<StartupProcess.Result> runs, ToDoubleFunction<StartupProcess.Result> figure) {
        double[] values = runs.stream().mapToDouble(figure).sorted().toArray();
        if (values.length == 0) {
            return Double.NaN;
        }
        int middle = values.length / 2;
        return values.length % 2 == 1 ? values[middle] : (values[middle - 1] + values[middle]) / 2;
    }

    private static List<String> words(String options) {
        return options.isBlank() ? List.of() : Arrays.asList(options.trim().split("\\s+"));
    }

    /**
     * Seeds {@code tenants} × {@code perTenant} monitors unless the database already holds exactly that shape (a
     * configured database seeded by an earlier run); refuses a database holding something else.
     */
    private void seedOnce(BenchContext context, DatabaseTarget target, int tenants, int perTenant) throws SQLException {
        try (Connection sql = BenchDatabase.connect(target);
                Statement s = sql.createStatement()) {
            if (BenchDatabase.seededAlready(context, name(), s, tenants, perTenant, "--tenants and --entities")) {
                return;
            }
            long started = System.nanoTime();
            Seeder.tenants(sql, "startup", tenants, perTenant);
            s.execute("vacuum analyze");
            context.detail(
                    name(),
                    String.format(
                            Locale.ROOT,
                            "seeded %d tenants × %d monitors in %.1f s",
                            tenants,
                            perTenant,
                            (System.nanoTime() - started) / 1e9));
        }
    }
}
