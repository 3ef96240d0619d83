package io.confwatch.bench;

import io.confwatch.ConfWatch;
import io.confwatch.config.DatabaseTarget;
import io.confwatch.config.HttpSettings;
import io.confwatch.http.HttpApi;
import io.micrometer.core.instrument.LongTaskTimer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * {@code http-propagation}: a one-row change reaching an HTTP client, commit returned → response (or event) read whole,
 * in a {@code --big-tenant} (10,000) entity tenant against a 10-entity tenant, alternating so background load hits both
 * alike. Two phases, each on its own so that neither path waits behind the other's bytes: long polls
 * ({@code GET /tenants/{id}?minVersion=N&wait=10s}, sent before the commit), then one {@code GET /watch} stream on both
 * tenants ({@code snapshot} events), then one {@code GET /watch?delta=true} stream ({@code delta} events: only what
 * changed). The client runs in this JVM and reads every byte, as a real one would.
 */
public final class HttpPropagation implements Scenario {
    private static final int SMALL = 10;
    private static final Duration TIMEOUT = Duration.ofSeconds(10);
    private static final String LONG_POLLS = "confwatch.http.long.polls";

    @Override
    public String name() {
        return "http-propagation";
    }

    @Override
    public List<ResultRow> run(BenchContext context) throws Exception {
        int big = context.options().bigTenantEntities();
        int samples = Math.max(1, context.options().samples() / 3);
        int warmup = Math.min(200, context.options().warmup() / 10);
        DatabaseTarget target = context.database().fresh("bench_http_propagation");
        UUID large;
        UUID small;
        try (Connection sql = BenchDatabase.connect(target)) {
            large = Seeder.tenant(sql, "http-large", big);
            small = Seeder.tenant(sql, "http-small", SMALL);
        }
        Series longPoll = new Series();
        Series watch = new Series();
        Series delta = new Series();
        try (ConfWatch confWatch = context.startWorker(target);
                Connection sql = BenchDatabase.connect(target)) {
            HttpSettings settings =
                    context.config().http().withHost("127.0.0.1").withPort(0).withoutAdminToken();
            HttpApi api = HttpApi.start(confWatch, settings, false).await();
            HttpClient http =
                    HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
            try {
                Writer largeWriter = new Writer(sql, large);
                Writer smallWriter = new Writer(sql, small);
                LongTaskTimer waiting =
                        confWatch.meterRegistry().get(LONG_POLLS).longTaskTimer();
                Probe poll = (writer, value) -> viaLongPoll(http, api.actualPort(), waiting, writer, value);
                alternate(poll, largeWriter, smallWriter, warmup, null);
                alternate(poll, largeWriter, smallWriter, samples, longPoll);
                try (WatchReader reader =
                        new WatchReader(http, api.actualPort(), "?tenant=" + large + "&tenant=" + small)) {
                    reader.synced().get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
                    Probe stream = (writer, value) -> viaWatch(reader, writer, value);
                    alternate(stream, largeWriter, smallWriter, warmup, null);
                    alternate(stream, largeWriter, smallWriter, samples, watch);
                }
                try (WatchReader reader =
                        new WatchReader(http, api.actualPort(), "?delta=true&tenant=" + large + "&tenant=" + small)) {
                    reader.synced().get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
                    Probe stream = (writer, value) -> viaWatch(reader, writer, value);
                    alternate(stream, largeWriter, smallWriter, warmup, null);
                    alternate(stream, largeWriter, smallWriter, samples, delta);
                }
            } finally {
                api.close().await(30, TimeUnit.SECONDS);
            }
        }
        Summary lpLarge = Summary.of(longPoll.large);
        Summary lpSmall = Summary.of(longPoll.small);
        Summary wLarge = Summary.of(watch.large);
        Summary wSmall = Summary.of(watch.small);
        Summary dLarge = Summary.of(delta.large);
        Summary dSmall = Summary.of(delta.small);
        context.detail(
                name(),
                String.format(
                        Locale.ROOT,
                        "%d changes per tenant and path after %d unmeasured; long poll: %d-entity p50 %.2f p99 %.2f ms,"
                                + " %d-entity p50 %.2f p99 %.2f ms; watch: %d-entity p50 %.2f p99 %.2f ms, %d-entity"
                                + " p50 %.2f p99 %.2f ms; watch delta: %d-entity p50 %.2f p99 %.2f ms, %d-entity"
                                + " p50 %.2f p99 %.2f ms; not seen in 10 s: %d long polls, %d watch events, %d"
                                + " delta events; read before the writer's commit returned (left out): %d, %d, %d",
                        samples,
                        warmup,
                        big,
                        lpLarge.p50(),
                        lpLarge.p99(),
                        SMALL,
                        lpSmall.p50(),
                        lpSmall.p99(),
                        big,
                        wLarge.p50(),
                        wLarge.p99(),
                        SMALL,
                        wSmall.p50(),
                        wSmall.p99(),
                        big,
                        dLarge.p50(),
                        dLarge.p99(),
                        SMALL,
                        dSmall.p50(),
                        dSmall.p99(),
                        longPoll.lost,
                        watch.lost,
                        delta.lost,
                        longPoll.early,
                        watch.early,
                        delta.early));
        boolean complete = longPoll.lost == 0 && watch.lost == 0 && delta.lost == 0;
        double pollRatio = lpLarge.p50() / lpSmall.p50();
        double watchRatio = wLarge.p50() / wSmall.p50();
        double watchVsPoll = wLarge.p50() / lpLarge.p50();
        double deltaRatio = dLarge.p50() / dSmall.p50();
        double deltaVsPoll = dLarge.p50() / lpLarge.p50();
        String sizes = " (" + big + " vs " + SMALL + " entities)";
        return List.of(
                new ResultRow(
                        name() + " long poll p50" + sizes,
                        Summary.ms(lpLarge.p50()),
                        Summary.ms(lpSmall.p50()),
                        Summary.times(pollRatio),
                        "≤ 2×",
                        ResultRow.verdict(complete && pollRatio <= 2)),
                new ResultRow(
                        name() + " watch p50" + sizes,
                        Summary.ms(wLarge.p50()),
                        Summary.ms(wSmall.p50()),
                        Summary.times(watchRatio),
                        "≤ 2×",
                        ResultRow.verdict(complete && watchRatio <= 2)),
                new ResultRow(
                        name() + " watch vs long poll p50 (" + big + " entities)",
                        Summary.ms(wLarge.p50()),
                        Summary.ms(lpLarge.p50()),
                        Summary.times(watchVsPoll),
                        "≤ 1×",
                        ResultRow.verdict(complete && watchVsPoll <= 1)),
                new ResultRow(
                        name() + " watch delta p50" + sizes,
                        Summary.ms(dLarge.p50()),
                        Summary.ms(dSmall.p50()),
                        Summary.times(deltaRatio),
                        "≤ 2×",
                        ResultRow.verdict(complete && deltaRatio <= 2)),
                new ResultRow(
                        name() + " watch delta vs long poll p50 (" + big + " entities)",
                        Summary.ms(dLarge.p50()),
                        Summary.ms(lpLarge.p50()),
                        Summary.times(deltaVsPoll),
                        "≤ 1×",
                        ResultRow.verdict(complete && deltaVsPoll <= 1)));
    }

    /**
     * Changes one tenant by one row; times how long the change takes to reach the client, or NaN if it never did. The
     * time can be negative: the client can read the change before the writer's thread, descheduled on this shared
     * machine, has taken its "commit returned" stamp.
     */
    @FunctionalInterface
    private interface Probe {
        double once(Writer writer, long value) throws Exception;
    }

    /** Measured milliseconds per tenant; a null series is a warm-up. */
    private static final class Series {
        final List<Double> large = new ArrayList<>();
        final List<Double> small = new ArrayList<>();
        int lost;
        /** Read before the writer's commit had returned (a negative time): neither lost nor in the percentiles. */
        int early;
    }

    private static void alternate(Probe probe, Writer large, Writer small, int count, Series into) throws Exception {
        for (int i = 0; i < count; i++) {
            record(probe.once(large, i), into, true);
            Thread.sleep(PropagationIdle.PAUSE.toMillis());
            record(probe.once(small, i), into, false);
            Thread.sleep(PropagationIdle.PAUSE.toMillis());
        }
    }

    private static void record(double millis, Series into, boolean large) {
        if (into == null) {
            return;
        }
        if (Double.isNaN(millis)) {
            into.lost++;
        } else if (millis < 0) {
            into.early++;
        } else {
            (large ? into.large : into.small).add(millis);
        }
    }

    private static double viaLongPoll(HttpClient http, int port, LongTaskTimer waiting, Writer writer, long value)
            throws Exception {
        long expected = writer.version + 1;
        // The previous poll's wait may still be counted for a moment after its answer went out.
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (waiting.activeTasks() > 0 && System.nanoTime() < deadline) {
            LockSupport.parkNanos(20_000);
        }
        CompletableFuture<Long> answered = http.sendAsync(
                        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/tenants/" + writer.tenant
                                        + "?minVersion=" + expected + "&wait=" + TIMEOUT.toSeconds() + "s"))
                                .build(),
                        HttpResponse.BodyHandlers.ofByteArray())
                .thenApply(response -> response.statusCode() == 200
                                && response.headers()
                                        .firstValue("X-ConfWatch-Stale")
                                        .isEmpty()
                        ? System.nanoTime()
                        : -1L);
        // The request must be waiting on the worker before the commit, or it would measure a plain read.
        deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (waiting.activeTasks() == 0 && System.nanoTime() < deadline) {
            LockSupport.parkNanos(20_000);
        }
        long committed = writer.change(value);
        long at = answered.get(2 * TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        return at < 0 ? Double.NaN : (at - committed) / 1e6;
    }

    private static double viaWatch(WatchReader reader, Writer writer, long value) throws Exception {
        long expected = writer.version + 1;
        CompletableFuture<Long> arrived = reader.arrival(writer.tenant, expected);
        long committed = writer.change(value);
        try {
            return (arrived.get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS) - committed) / 1e6;
        } catch (java.util.concurrent.TimeoutException e) {
            return Double.NaN;
        } finally {
            reader.forget(writer.tenant, expected);
        }
    }

    /** One-row updates of one tenant in autocommit: one transaction, one version each. */
    private static final class Writer {
        final UUID tenant;
        final UUID monitor;
        final PreparedStatement update;
        long version;

        Writer(Connection sql, UUID tenant) throws Exception {
            this.tenant = tenant;
            this.monitor = Seeder.someMonitor(sql, tenant);
            this.update = Seeder.updateMonitor(sql);
            this.version = Seeder.version(sql, tenant);
        }

        /** Commits one change; returns {@link System#nanoTime()} when the commit returned. */
        long change(long value) throws Exception {
            update.setLong(1, value);
            update.setObject(2, monitor);
            update.executeUpdate();
            version++;
            return System.nanoTime();
        }
    }
}
