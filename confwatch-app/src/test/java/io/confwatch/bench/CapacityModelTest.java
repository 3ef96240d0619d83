package io.confwatch.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class CapacityModelTest {
    private static Capacity.Phase phase(String pod, String phase, long rows, double millis) {
        return new Capacity.Phase(pod, phase, rows, rows * 100, rows, millis, 1, 0, 1.0, List.of());
    }

    private static List<Capacity.Phase> run(long shardedStartRows, long shardedSweepRows) {
        return run("0/4", shardedStartRows, shardedSweepRows);
    }

    private static List<Capacity.Phase> run(String shard, long shardedStartRows, long shardedSweepRows) {
        return List.of(
                phase("unsharded", "start-up", 6_000, 100),
                phase("unsharded", Capacity.FIRST_FULL_RELOAD + " (1000 read whole, 0 skipped)", 70_000, 1_000),
                phase("unsharded", Capacity.STEADY_FULL_RELOAD + " (0 read whole, 1000 skipped)", 7_000, 100),
                phase("unsharded", "idle sweep", 1_000, 1),
                phase("unsharded", "sweep, 10 changes", 1_060, 2),
                phase("unsharded", Capacity.FULL_COMPARISON, 1_000, 3),
                phase(shard, "start-up", shardedStartRows, 100.0 * shardedStartRows / 6_000),
                phase(shard, Capacity.FIRST_FULL_RELOAD + " (250 read whole, 0 skipped)", 25_000, 300),
                phase(shard, Capacity.STEADY_FULL_RELOAD + " (0 read whole, 250 skipped)", 2_500, 30),
                phase(shard, "idle sweep", shardedSweepRows, shardedSweepRows / 1_000.0),
                phase(shard, "sweep, 10 changes", 1_015, 1),
                phase(shard, Capacity.FULL_COMPARISON, 250, 0.75));
    }

    @Test
    void from_shardedPodReadsEverythingAtStart_aRollingRestartReadsTheDataSetOncePerPod() {
        CapacityModel model = CapacityModel.from(run(6_000, 1_000), 1_000, "0/4");

        assertThat(model.dataSetRows()).isEqualTo(6_000_000);
        assertThat(model.restartDataSets()).isCloseTo(100, within(1e-9));
    }

    @Test
    void from_shardedPodReadsItsQuarter_aRollingRestartReadsTheDataSetOnce() {
        CapacityModel model = CapacityModel.from(run(1_500, 1_000), 1_000, "0/4");

        assertThat(model.restartDataSets()).isCloseTo(1, within(1e-9));
    }

    @Test
    void from_steadyState_sweepsEveryThirtySeconds_comparesAllEveryFiveMinutes_fullReloadsEveryFifteen() {
        CapacityModel model = CapacityModel.from(run(6_000, 1_000), 1_000, "0/4");

        // Sweep: 1 ms at 1,000 tenants, every pod pays it whole: 1,000 ms per sweep per pod at 1,000,000 tenants.
        // Full reload (the steady state's, not the first after a start): 100 ms unsharded, 30 ms as 1/4: fixed 6.67 ms
        // + owned 93.3 ms; at 1/100: 7.6 ms, × 1,000.
        // Full comparison: 3 ms unsharded, 0.75 ms as 1/4, all of it owned: 0.03 ms at 1/100, × 1,000, every 300 s.
        double sweep = 1_000.0 / 30;
        double compare = 3.0 / 100 * 1_000 / 300;
        double full = (100 - (100 - 30) * 4 / 3.0 + (100 - 30) * 4 / 3.0 / 100) * 1_000 / 900;
        assertThat(model.steadyDbMillisPerSecond()).isCloseTo(100 * (sweep + compare + full), within(1e-6));
        assertThat(model.steadyCoreShare()).isGreaterThan(CapacityModel.STEADY_BUDGET);
    }

    @Test
    void from_aRunAtTheModelsOwnShape_isOneHundredTimesTheShardedPod_nothingExtrapolated() {
        CapacityModel model = CapacityModel.from(run("0/100", 60, 10), CapacityModel.TENANTS, "0/100");

        // The 0/100 pod: sweep 10 rows, 0.01 ms; full comparison 250 rows, 0.75 ms; steady-state full reload 2,500
        // rows, 30 ms (as phase() builds them).
        assertThat(model.measuredAtShape()).isTrue();
        assertThat(model.steadyDbMillisPerSecond())
                .isCloseTo(100 * (0.01 / 30 + 0.75 / 300 + 30.0 / 900), within(1e-9));
        assertThat(model.steadyRowsPerSecond())
                .isCloseTo(100 * (10 / 30.0 + 250 / 300.0 + 2_500 / 900.0), within(1e-9));
        assertThat(model.restartRows()).isCloseTo(100 * 60, within(1e-9));
        assertThat(CapacityModel.from(run(6_000, 1_000), 1_000, "0/4").measuredAtShape())
                .isFalse();
    }

    @Test
    void from_aRunAtTheModelsOwnShape_aPodCheaperThanItsShare_isTakenAsMeasured() {
        // The sharded pod's steady-state full reload costs 0.5 ms, less than 1/100 of the unsharded pod's 100 ms: the
        // two-point split would clamp its owned part and lift it to 1 ms.
        List<Capacity.Phase> phases = new ArrayList<>(run("0/100", 60, 10));
        phases.replaceAll(p -> p.pod().equals("0/100") && p.phase().startsWith(Capacity.STEADY_FULL_RELOAD)
                ? phase("0/100", p.phase(), 2_500, 0.5)
                : p);

        CapacityModel model = CapacityModel.from(phases, CapacityModel.TENANTS, "0/100");

        assertThat(model.steadyDbMillisPerSecond()).isCloseTo(100 * (0.01 / 30 + 0.75 / 300 + 0.5 / 900), within(1e-9));
    }
}
