package io.confwatch.bench;

import io.confwatch.ConfWatch;
import io.confwatch.config.DatabaseTarget;
import io.confwatch.config.HttpSettings;
import io.confwatch.http.HttpApi;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;

/**
 * {@code http-reads}: {@code GET /tenants/{id}} over keep-alive loopback connections from a closed-loop client in this
 * JVM ({@link HttpLoad}), random tenants, full bodies. After a warm-up: half a phase at rest, a whole phase of the same
 * load while {@link ConfWatch#fullReload()} runs back to back (each full reload followed to its end), and
 * the second half at rest, so that a drift (the JIT still settling, other work on the machine) weighs on both alike.
 * Ours is the p99 during the reloads, the baseline the p99 of both halves at rest.
 */
public final class HttpReads implements Scenario {
    private static final double RATIO_TARGET = 2;
    private static final Duration WARM_UP_ROUND = Duration.ofSeconds(1);
    private static final Duration MIN_WARM_UP = Duration.ofSeconds(10);
    private static final Duration MAX_WARM_UP = Duration.ofSeconds(30);
    private static final double STEADY = 0.10;
    private static final Duration RELOAD_TIMEOUT = Duration.ofMinutes(2);

    /**
     * Full reloads run back to back.
     *
     * @param completed how many finished
     * @param withinPhase how many finished while the load still ran (the last one may end after it)
     * @param meanMillis their mean duration, start to last tenant read
     * @param read tenants they read whole (the others' digests showed them unchanged)
     * @param error why they stopped early, or null
     */
    private record Reloads(int completed, int withinPhase, double meanMillis, long read, String error) {}

    @Override
    public String name() {
        return "http-reads";
    }

    @Override
    public List<ResultRow> run(BenchContext context) throws Exception {
        int tenantCount = context.options().httpTenants();
        int perTenant = context.options().httpEntities();
        int connections = context.options().connections();
        int rate = context.options().httpRate();
        Duration duration = context.options().duration();
        DatabaseTarget target = context.database().fresh("bench_http");
        List<UUID> tenants;
        try (Connection sql = BenchDatabase.connect(target)) {
            tenants = Seeder.tenants(sql, "http", tenantCount, perTenant);
            try (Statement s = sql.createStatement()) {
                s.execute("vacuum analyze");
            }
        }
        List<String> paths = tenants.stream().map(t -> "/tenants/" + t).toList();
        HttpLoad.Phase rest;
        HttpLoad.Phase reloading;
        Reloads reloads;
        try (ConfWatch confWatch = context.startWorker(target)) {
            HttpSettings http =
                    context.config().http().withHost("127.0.0.1").withPort(0).withoutAdminToken();
            HttpApi api = HttpApi.start(confWatch, http, false).await();
            try (HttpLoad load = new HttpLoad(api.actualPort(), paths, connections)) {
                // Warm both paths up (JIT, connections, rendered bodies) before anything is measured.
                Reloads first = reloadWhile(confWatch, new AtomicBoolean(false));
                if (first.error() != null) {
                    throw new IllegalStateException("the first full reload failed: " + first.error());
                }
                WarmUp warm = warmUp(load, duration);
                context.detail(
                        name(),
                        String.format(
                                Locale.ROOT,
                                "%d tenants × %d entities, %d connections, %s, full bodies (no If-None-Match); one"
                                        + " full reload took %.0f ms before the load; warm-up (unpaced) %d rounds of %.1f"
                                        + " s (req/s %s; %s)",
                                tenantCount,
                                perTenant,
                                connections,
                                rate > 0 ? "paced to " + rate + " req/s in all" : "unpaced closed loop",
                                first.meanMillis(),
                                warm.rounds().size(),
                                warm.round().toMillis() / 1e3,
                                warm.describe(),
                                warm.steady() ? "steady" : "not steady yet, stopped at the cap"));
                Duration half = duration.dividedBy(2);
                HttpLoad.Phase before = load.run(half, rate);
                AtomicBoolean running = new AtomicBoolean(true);
                Reloads[] during = new Reloads[1];
                Thread reloader = new Thread(() -> during[0] = reloadWhile(confWatch, running), "bench-full-reloads");
                // Bounded by RELOAD_TIMEOUT; a daemon, so a stuck reload cannot keep the bench's JVM alive.
                reloader.setDaemon(true);
                reloader.start();
                try {
                    reloading = load.run(duration, rate);
                } finally {
                    running.set(false);
                    reloader.join(RELOAD_TIMEOUT.toMillis());
                }
                reloads = during[0] != null ? during[0] : new Reloads(0, 0, 0, 0, "the reload thread did not finish");
                HttpLoad.Phase after = load.run(half, rate);
                rest = before.plus(after);
                detail(context, "at rest, before", before);
                detail(context, "at rest, after", after);
                detail(context, "at rest, both halves", rest);
                detail(context, "during full reloads", reloading);
            } finally {
                api.close().await(30, TimeUnit.SECONDS);
            }
            context.detail(
                    name(),
                    String.format(
                            Locale.ROOT,
                            "%d full reloads of %d tenants completed during the %.1f s phase (%d in all, the last"
                                    + " one after the load stopped), back to back, mean %.0f ms each, paced to %s,"
                                    + " %d tenants read whole%s; %s",
                            reloads.withinPhase(),
                            tenantCount,
                            reloading.seconds(),
                            reloads.completed(),
                            reloads.meanMillis(),
                            confWatch.config().reload().fullReloadBudget(),
                            reloads.read(),
                            reloads.error() == null ? "" : " (" + reloads.error() + ")",
                            ReloadDigest.of(confWatch)));
        }
        context.detail(
                name(),
                "caveat: the load generator (one Vert.x event loop) runs in this JVM on the same "
                        + Runtime.getRuntime().availableProcessors()
                        + " CPUs as the server, the worker and PostgreSQL; req/s is what they reach together, not the"
                        + " server's capacity (bench/http/run.sh measures that with wrk)");
        double ratio = rest.latency().p99() > 0
                ? reloading.latency().p99() / rest.latency().p99()
                : Double.NaN;
        // Valid when a full reload ran throughout the phase: back to back, each to its end, none failed. A paced full
        // reload may outlast the phase (then none completes within it, and that is the point of pacing).
        boolean valid =
                rest.errors() == 0 && reloading.errors() == 0 && reloads.completed() > 0 && reloads.error() == null;
        String size = " (" + tenantCount + "×" + perTenant + ", " + connections + " conns"
                + (rate > 0 ? ", paced to " + rate + " req/s" : "") + ")";
        return List.of(
                new ResultRow(
                        name() + " p99, during full reload vs at rest" + size,
                        Summary.ms(reloading.latency().p99()),
                        Summary.ms(rest.latency().p99()),
                        Summary.times(ratio),
                        "≤ 2×",
                        ResultRow.verdict(valid && ratio <= RATIO_TARGET)),
                new ResultRow(
                        name() + " req/s, during full reload vs at rest",
                        String.format(Locale.ROOT, "%.0f req/s", reloading.perSecond()),
                        String.format(Locale.ROOT, "%.0f req/s", rest.perSecond()),
                        Summary.times(reloading.perSecond() / rest.perSecond()),
                        "— (client on the same CPUs)",
                        Verdict.INFO));
    }

    /** Warm-up rounds, and how long each lasted. */
    private record WarmUp(List<HttpLoad.Phase> rounds, Duration round, boolean steady) {
        String describe() {
            return rounds.stream()
                    .map(r -> String.format(Locale.ROOT, "%.0f", r.perSecond()))
                    .collect(Collectors.joining(" → "));
        }
    }

    /**
     * Loads until the JIT has settled: rounds of a second (or {@code duration}, if shorter) for at least 10 s (or two
     * phases' length, if shorter) and until the last three rounds' req/s are within 10 % of their mean, for at most 30 s
     * (or six phases' length). Both the client and the server warm up in this JVM on the same CPUs: on a busy 2-core
     * machine req/s climbed for 8–15 s, with plateaus on the way, before it settled.
     */
    private static WarmUp warmUp(HttpLoad load, Duration duration) throws Exception {
        Duration round = min(duration, WARM_UP_ROUND);
        Duration least = min(duration.multipliedBy(2), MIN_WARM_UP);
        Duration cap = min(duration.multipliedBy(6), MAX_WARM_UP);
        List<HttpLoad.Phase> rounds = new ArrayList<>();
        long started = System.nanoTime();
        while (true) {
            HttpLoad.Phase phase = load.run(round);
            if (phase.errors() == phase.requests()) {
                throw new IllegalStateException("no request succeeded during the warm-up: " + phase.firstError());
            }
            rounds.add(phase);
            if (System.nanoTime() - started >= least.toNanos() && isSteady(rounds)) {
                return new WarmUp(rounds, round, true);
            }
            if (System.nanoTime() - started >= cap.toNanos()) {
                return new WarmUp(rounds, round, false);
            }
        }
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }

    /** Whether the last three rounds' req/s are all within 10 % of their mean. */
    static boolean isSteady(List<HttpLoad.Phase> rounds) {
        if (rounds.size() < 3) {
            return false;
        }
        double[] rates = rounds.subList(rounds.size() - 3, rounds.size()).stream()
                .mapToDouble(HttpLoad.Phase::perSecond)
                .toArray();
        double mean = (rates[0] + rates[1] + rates[2]) / 3;
        for (double rate : rates) {
            if (mean <= 0 || Math.abs(rate - mean) > STEADY * mean) {
                return false;
            }
        }
        return true;
    }

    private void detail(BenchContext context, String phase, HttpLoad.Phase figures) {
        context.detail(
                name(),
                String.format(
                        Locale.ROOT,
                        "%s: %d requests in %.1f s, %.0f req/s (%.1f MB/s of bodies), %d errors%s; p50 %.2f p99"
                                + " %.2f max %.2f ms; %d GCs in this JVM, %d ms",
                        phase,
                        figures.requests(),
                        figures.seconds(),
                        figures.perSecond(),
                        figures.bodyBytes() / figures.seconds() / 1e6,
                        figures.errors(),
                        figures.firstError() == null ? "" : " (first: " + figures.firstError() + ")",
                        figures.latency().p50(),
                        figures.latency().p99(),
                        figures.latency().max(),
                        figures.gcCount(),
                        figures.gcMillis()));
    }

    /**
     * Runs {@link ConfWatch#fullReload()} back to back, each to its end (paced by {@code CONFWATCH_FULL_RELOAD_BUDGET},
     * digest-gated: after the first, a tenant is read whole only when its rows changed), while {@code running} holds; at
     * least once. Counts the reloads that finished and the tenants they read whole. Runs on a thread of its own, never
     * on an event loop.
     */
    private static Reloads reloadWhile(ConfWatch confWatch, AtomicBoolean running) {
        int completed = 0;
        int withinPhase = 0;
        long spent = 0;
        long read = 0;
        do {
            long started = System.nanoTime();
            try {
                read += confWatch
                        .fullReload()
                        .get(RELOAD_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)
                        .read();
            } catch (Exception e) {
                return new Reloads(completed, withinPhase, mean(spent, completed), read, e.toString());
            }
            if (running.get()) {
                withinPhase++;
            }
            completed++;
            spent += System.nanoTime() - started;
        } while (running.get());
        return new Reloads(completed, withinPhase, mean(spent, completed), read, null);
    }

    private static double mean(long nanos, int count) {
        return count == 0 ? 0 : nanos / 1e6 / count;
    }
}
