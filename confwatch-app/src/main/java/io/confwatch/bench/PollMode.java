package io.confwatch.bench;

import io.confwatch.ConfWatch;
import io.confwatch.config.DatabaseTarget;
import io.confwatch.config.Mode;
import io.confwatch.config.WorkerConfig;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.OptionalDouble;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

/**
 * {@code poll-mode}: a worker in poll mode (no LISTEN, a versioned sweep every second); single-row updates at random
 * phases of the interval, commit returned → installed, against the bound of one interval plus one tenant load.
 */
public final class PollMode implements Scenario {
    private static final Duration INTERVAL = Duration.ofSeconds(1);
    private static final int ENTITIES = 10;

    @Override
    public String name() {
        return "poll-mode";
    }

    @Override
    public List<ResultRow> run(BenchContext context) throws Exception {
        int samples = Math.max(3, context.options().samples() / 15);
        DatabaseTarget target = context.database().fresh("bench_poll");
        UUID tenant;
        List<Double> loads = new ArrayList<>();
        try (Connection sql = BenchDatabase.connect(target)) {
            tenant = Seeder.tenant(sql, "poll", ENTITIES);
            try (PreparedStatement load = sql.prepareStatement(
                    "select 'monitor', id, name, definition::text from confwatch.monitors where tenant_id = ?"
                            + " union all select 'filter', id, name, definition::text from confwatch.filters"
                            + " where tenant_id = ? union all select 'trigger', id, name, definition::text"
                            + " from confwatch.triggers where tenant_id = ?")) {
                for (int i = 0; i < 20; i++) {
                    long started = System.nanoTime();
                    ListenBaseline.loadTenant(load, tenant);
                    loads.add((System.nanoTime() - started) / 1e6);
                }
            }
        }
        double load = Summary.of(loads).p50();
        double bound = INTERVAL.toMillis() + load;
        WorkerConfig settings = context.config()
                .withDatabase(target)
                .withMode(Mode.POLL)
                .withReload(context.config().reload().withPollInterval(INTERVAL));
        List<Double> ours = new ArrayList<>();
        int lost = 0;
        try (ConfWatch confWatch = context.startWorker(settings);
                Connection sql = BenchDatabase.connect(target)) {
            PropagationProbe probe = new PropagationProbe(confWatch, sql, tenant);
            for (int i = 0; i < samples; i++) {
                Thread.sleep(ThreadLocalRandom.current().nextLong(INTERVAL.toMillis()));
                OptionalDouble millis = probe.once(i);
                if (millis.isPresent()) {
                    ours.add(millis.getAsDouble());
                } else {
                    lost++;
                }
            }
        }
        Summary our = Summary.of(ours);
        context.detail(
                name(),
                String.format(
                        Locale.ROOT,
                        "%d changes at random phases of a %d ms poll interval; p50 %.1f p99 %.1f max %.1f ms; %d not"
                                + " seen in 10 s; one tenant load p50 %.2f ms",
                        samples,
                        INTERVAL.toMillis(),
                        our.p50(),
                        our.p99(),
                        our.max(),
                        lost,
                        load));
        return List.of(new ResultRow(
                name() + " 1 s interval p99",
                String.format(Locale.ROOT, "%.1f ms", our.p99()),
                String.format(Locale.ROOT, "%.1f ms (interval + load)", bound),
                Summary.times(our.p99() / bound),
                "≤ interval + one load",
                ResultRow.verdict(lost == 0 && our.p99() <= bound)));
    }
}
