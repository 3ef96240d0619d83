package io.confwatch.bench;

import io.confwatch.ConfWatch;
import io.confwatch.config.DatabaseTarget;
import java.sql.Connection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalDouble;
import java.util.UUID;

/**
 * {@code propagation-idle}: single-row updates at a modest rate, commit returned → snapshot installed, against a bare
 * LISTEN client's commit → notification received + one tenant load, and against a modelled 5 s version poller.
 */
public final class PropagationIdle implements Scenario {
    static final Duration PAUSE = Duration.ofMillis(20);
    private static final double POLL_INTERVAL_MS = 5_000;
    private static final int ENTITIES = 10;

    @Override
    public String name() {
        return "propagation-idle";
    }

    @Override
    public List<ResultRow> run(BenchContext context) throws Exception {
        int samples = context.options().samples();
        DatabaseTarget target = context.database().fresh("bench_propagation");
        UUID tenant;
        try (Connection sql = BenchDatabase.connect(target)) {
            tenant = Seeder.tenant(sql, "propagation", ENTITIES);
        }
        // The baseline runs first, with no worker listening, so neither steals the other's CPU.
        if (context.options().warmup() > 0) {
            ListenBaseline.measure(target, tenant, context.options().warmup(), Duration.ZERO);
        }
        List<ListenBaseline.Sample> bare = ListenBaseline.measure(target, tenant, samples, PAUSE);
        Summary received =
                Summary.of(bare.stream().map(ListenBaseline.Sample::received).toList());
        Summary baseline =
                Summary.of(bare.stream().map(ListenBaseline.Sample::loaded).toList());
        Summary load = Summary.of(bare.stream().map(ListenBaseline.Sample::load).toList());
        List<Double> ours = new ArrayList<>();
        int lost = 0;
        try (ConfWatch confWatch = context.startWorker(target);
                Connection sql = BenchDatabase.connect(target)) {
            PropagationProbe probe = new PropagationProbe(confWatch, sql, tenant);
            probe.warmUp(context.options().warmup());
            for (int i = 0; i < samples; i++) {
                OptionalDouble millis = probe.once(i);
                if (millis.isPresent()) {
                    ours.add(millis.getAsDouble());
                } else {
                    lost++;
                }
                Thread.sleep(PAUSE.toMillis());
            }
        }
        Summary our = Summary.of(ours);
        double polling = POLL_INTERVAL_MS / 2 + load.p50();
        context.detail(
                name(),
                String.format(
                        java.util.Locale.ROOT,
                        "%d-entity tenant, %d changes %d ms apart; ours p50 %.2f p99 %.2f max %.2f ms (%d not seen"
                                + " in 10 s); bare LISTEN: received p50 %.2f p99 %.2f, +load p50 %.2f p99 %.2f, load"
                                + " alone p50 %.2f ms (%d of %d seen)",
                        ENTITIES,
                        samples,
                        PAUSE.toMillis(),
                        our.p50(),
                        our.p99(),
                        our.max(),
                        lost,
                        received.p50(),
                        received.p99(),
                        baseline.p50(),
                        baseline.p99(),
                        load.p50(),
                        bare.size(),
                        samples));
        context.detail(
                name(),
                String.format(
                        java.util.Locale.ROOT,
                        "polling model: a change lands uniformly within a 5 s interval, so median = 2500 ms + one load"
                                + " (%.2f ms measured above) = %.1f ms",
                        load.p50(),
                        polling));
        List<ResultRow> rows = new ArrayList<>();
        rows.add(new ResultRow(
                name() + " p50",
                Summary.ms(our.p50()),
                Summary.ms(baseline.p50()),
                Summary.times(our.p50() / baseline.p50()),
                "≤ 2 ms, ≤ 2×",
                ResultRow.verdict(lost == 0 && our.p50() <= 2 && our.p50() <= 2 * baseline.p50())));
        rows.add(new ResultRow(
                name() + " p99",
                Summary.ms(our.p99()),
                Summary.ms(baseline.p99()),
                Summary.times(our.p99() / baseline.p99()),
                "≤ 10 ms, ≤ 2×",
                ResultRow.verdict(lost == 0 && our.p99() <= 10 && our.p99() <= 2 * baseline.p99())));
        rows.add(new ResultRow(
                name() + " vs 5 s polling (p50)",
                Summary.ms(our.p50()),
                String.format(java.util.Locale.ROOT, "%.1f ms (model)", polling),
                String.format(java.util.Locale.ROOT, "%.0f× lower", polling / our.p50()),
                "≥ 1000× lower",
                ResultRow.verdict(polling / our.p50() >= 1000)));
        return rows;
    }
}
