package io.confwatch.bench;

import io.confwatch.ConfWatch;
import io.confwatch.config.DatabaseTarget;
import java.sql.Connection;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalDouble;
import java.util.UUID;

/**
 * {@code delta-10k}: the propagation of a one-row change in a large tenant against the same change in a 10-entity
 * tenant, alternating between the two so that background load hits both alike.
 */
public final class DeltaLoad implements Scenario {
    private static final int SMALL = 10;

    @Override
    public String name() {
        return "delta-10k";
    }

    @Override
    public List<ResultRow> run(BenchContext context) throws Exception {
        int big = context.options().bigTenantEntities();
        int samples = Math.max(1, context.options().samples() / 3);
        DatabaseTarget target = context.database().fresh("bench_delta");
        UUID large;
        UUID small;
        try (Connection sql = BenchDatabase.connect(target)) {
            large = Seeder.tenant(sql, "delta-large", big);
            small = Seeder.tenant(sql, "delta-small", SMALL);
        }
        List<Double> largeMs = new ArrayList<>();
        List<Double> smallMs = new ArrayList<>();
        int lost = 0;
        try (ConfWatch confWatch = context.startWorker(target);
                Connection sql = BenchDatabase.connect(target)) {
            PropagationProbe largeProbe = new PropagationProbe(confWatch, sql, large);
            PropagationProbe smallProbe = new PropagationProbe(confWatch, sql, small);
            largeProbe.warmUp(context.options().warmup() / 2);
            smallProbe.warmUp(context.options().warmup() / 2);
            for (int i = 0; i < samples; i++) {
                lost += record(largeProbe.once(i), largeMs);
                Thread.sleep(PropagationIdle.PAUSE.toMillis());
                lost += record(smallProbe.once(i), smallMs);
                Thread.sleep(PropagationIdle.PAUSE.toMillis());
            }
            context.detail(name(), ReloadDigest.of(confWatch));
        }
        Summary ours = Summary.of(largeMs);
        Summary baseline = Summary.of(smallMs);
        context.detail(
                name(),
                String.format(
                        java.util.Locale.ROOT,
                        "%d changes each; %d-entity tenant p50 %.2f p99 %.2f ms; %d-entity tenant p50 %.2f p99 %.2f"
                                + " ms; %d not seen in 10 s",
                        samples,
                        big,
                        ours.p50(),
                        ours.p99(),
                        SMALL,
                        baseline.p50(),
                        baseline.p99(),
                        lost));
        double ratio = ours.p50() / baseline.p50();
        return List.of(new ResultRow(
                name() + " p50 (" + big + " vs " + SMALL + " entities)",
                Summary.ms(ours.p50()),
                Summary.ms(baseline.p50()),
                Summary.times(ratio),
                "≤ 2×",
                ResultRow.verdict(lost == 0 && ratio <= 2)));
    }

    private static int record(OptionalDouble millis, List<Double> into) {
        if (millis.isPresent()) {
            into.add(millis.getAsDouble());
            return 0;
        }
        return 1;
    }
}
