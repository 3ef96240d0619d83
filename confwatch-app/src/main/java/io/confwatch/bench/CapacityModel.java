package io.confwatch.bench;

import java.io.PrintStream;
import java.util.List;
import java.util.Locale;

/**
 * docs/operations.md's capacity model, computed from one {@code capacity} run: {@value #PODS} sharded pods over
 * {@value #TENANTS} tenants, a sweep every 30 s (one in ten, every 5 minutes, a full comparison) and a full reload every
 * 15 minutes (the defaults). Each figure of a pod is split into
 * a part every pod pays whatever it owns and a part proportional to what it owns, from the unsharded pod (owns all)
 * and the sharded one (owns 1/n): {@code cost(1/n) = fixed + owned / n}; then scaled linearly from the measured
 * tenant count. Linear scaling and two points are the model's assumptions: re-run at the size that matters — a run at
 * {@value #TENANTS} tenants with shard {@code 0/}{@value #PODS} is the model's own pod, and the model is then 100 times
 * its measured figures, nothing extrapolated ({@link #measuredAtShape}). The full reload is the steady state's: the
 * second after a start (the first after a start may differ).
 */
record CapacityModel(
        double steadyDbMillisPerSecond,
        double steadyRowsPerSecond,
        double steadyMegabytesPerSecond,
        double restartRows,
        double restartMegabytes,
        double restartDbSeconds,
        double dataSetRows,
        double dataSetMegabytes,
        boolean measuredAtShape) {
    static final int PODS = 100;
    static final int TENANTS = 1_000_000;
    static final double SWEEP_SECONDS = 30;
    /** How often a sweep compares every owned tenant instead (CONFWATCH_SWEEP_FULL_INTERVAL's default). */
    static final double FULL_COMPARISON_SECONDS = 5 * 60;

    static final double FULL_RELOAD_SECONDS = 15 * 60;
    /** The budget: steady state at most this share of one database core. */
    static final double STEADY_BUDGET = 0.05;

    /** A figure of one pod owning {@code 1/shards} of the tenants, from two measured points. */
    private record Split(double fixed, double owned) {
        static Split of(double unsharded, double sharded, int shardCount) {
            // unsharded = fixed + owned; sharded = fixed + owned / n.
            double owned = shardCount <= 1 ? 0 : (unsharded - sharded) * shardCount / (shardCount - 1);
            owned = Math.max(0, Math.min(unsharded, owned));
            return new Split(unsharded - owned, owned);
        }

        double at(int shards) {
            return fixed + owned / shards;
        }
    }

    static CapacityModel from(List<Capacity.Phase> phases, int tenants, int perTenant, String shard) {
        int shardCount = Integer.parseInt(shard.substring(shard.indexOf('/') + 1));
        double scale = (double) TENANTS / tenants;
        Capacity.Phase sweep = find(phases, "unsharded", "idle sweep");
        Capacity.Phase sweepSharded = find(phases, shard, "idle sweep");
        Capacity.Phase compare = find(phases, "unsharded", Capacity.FULL_COMPARISON);
        Capacity.Phase compareSharded = find(phases, shard, Capacity.FULL_COMPARISON);
        // The steady state's full reload: the one after the first after a start (docs/operations.md, "Full reloads").
        Capacity.Phase full = find(phases, "unsharded", Capacity.STEADY_FULL_RELOAD);
        Capacity.Phase fullSharded = find(phases, shard, Capacity.STEADY_FULL_RELOAD);
        Capacity.Phase start = find(phases, "unsharded", "start-up");
        Capacity.Phase startSharded = find(phases, shard, "start-up");
        double sweepMs = Split.of(sweep.execMillis(), sweepSharded.execMillis(), shardCount)
                        .at(PODS)
                * scale;
        double compareMs = Split.of(compare.execMillis(), compareSharded.execMillis(), shardCount)
                        .at(PODS)
                * scale;
        double compareRows =
                Split.of(compare.rows(), compareSharded.rows(), shardCount).at(PODS) * scale;
        double compareMb = Split.of(compare.bytesFromDatabase(), compareSharded.bytesFromDatabase(), shardCount)
                        .at(PODS)
                * scale
                / 1048576.0;
        double fullMs = Split.of(full.execMillis(), fullSharded.execMillis(), shardCount)
                        .at(PODS)
                * scale;
        double sweepRows =
                Split.of(sweep.rows(), sweepSharded.rows(), shardCount).at(PODS) * scale;
        double fullRows = Split.of(full.rows(), fullSharded.rows(), shardCount).at(PODS) * scale;
        double sweepMb = Split.of(sweep.bytesFromDatabase(), sweepSharded.bytesFromDatabase(), shardCount)
                        .at(PODS)
                * scale
                / 1048576.0;
        double fullMb = Split.of(full.bytesFromDatabase(), fullSharded.bytesFromDatabase(), shardCount)
                        .at(PODS)
                * scale
                / 1048576.0;
        double startRows =
                Split.of(start.rows(), startSharded.rows(), shardCount).at(PODS) * scale;
        double startMb = Split.of(start.bytesFromDatabase(), startSharded.bytesFromDatabase(), shardCount)
                        .at(PODS)
                * scale
                / 1048576.0;
        double startMs = Split.of(start.execMillis(), startSharded.execMillis(), shardCount)
                        .at(PODS)
                * scale;
        return new CapacityModel(
                PODS * (sweepMs / SWEEP_SECONDS + compareMs / FULL_COMPARISON_SECONDS + fullMs / FULL_RELOAD_SECONDS),
                PODS
                        * (sweepRows / SWEEP_SECONDS
                                + compareRows / FULL_COMPARISON_SECONDS
                                + fullRows / FULL_RELOAD_SECONDS),
                PODS * (sweepMb / SWEEP_SECONDS + compareMb / FULL_COMPARISON_SECONDS + fullMb / FULL_RELOAD_SECONDS),
                PODS * startRows,
                PODS * startMb,
                PODS * startMs / 1000,
                // What an unsharded start reads is the data set (every tenant row and every entity row) once.
                start.rows() * scale,
                start.bytesFromDatabase() * scale / 1048576.0,
                tenants == TENANTS && shardCount == PODS);
    }

    /** Steady state as a share of one database core. */
    double steadyCoreShare() {
        return steadyDbMillisPerSecond / 1000;
    }

    /** How many times a rolling restart of every pod reads the data set. */
    double restartDataSets() {
        return restartRows / dataSetRows;
    }

    void print(PrintStream out) {
        out.printf(
                Locale.ROOT,
                "  [capacity] model, %d sharded pods × %,d tenants (sweep every %.0f s, a full comparison every %.0f min,"
                        + " full reload every %.0f min;"
                        + " %s): steady state %.0f ms of database time per second = %.1f %% of one"
                        + " core (budget %.0f %%: %s), %,.0f rows/s, %.1f MB/s; a rolling restart of all %d pods reads"
                        + " %,.0f rows, %,.0f MB, %,.0f s of database time = %.1f× the data set (%,.0f rows, %,.0f MB;"
                        + " goal ≈ 1×)%n",
                PODS,
                TENANTS,
                SWEEP_SECONDS,
                FULL_COMPARISON_SECONDS / 60,
                FULL_RELOAD_SECONDS / 60,
                measuredAtShape ? "measured at this shape: " + PODS + " × the sharded pod" : "linear from this run",
                steadyDbMillisPerSecond,
                steadyCoreShare() * 100,
                STEADY_BUDGET * 100,
                steadyCoreShare() <= STEADY_BUDGET ? "met" : "missed",
                steadyRowsPerSecond,
                steadyMegabytesPerSecond,
                PODS,
                restartRows,
                restartMegabytes,
                restartDbSeconds,
                restartDataSets(),
                dataSetRows,
                dataSetMegabytes);
    }

    String json() {
        return String.format(
                Locale.ROOT,
                "{\"pods\": %d, \"tenants\": %d, \"sweepSeconds\": %.0f, \"fullComparisonSeconds\": %.0f,"
                        + " \"fullReloadSeconds\": %.0f,"
                        + " \"steadyDbMillisPerSecond\": %.3f, \"steadyCoreShare\": %.5f, \"steadyRowsPerSecond\": %.1f,"
                        + " \"steadyMegabytesPerSecond\": %.3f, \"restartRows\": %.0f, \"restartMegabytes\": %.1f,"
                        + " \"restartDbSeconds\": %.1f, \"restartDataSets\": %.3f, \"measuredAtShape\": %b}",
                PODS,
                TENANTS,
                SWEEP_SECONDS,
                FULL_COMPARISON_SECONDS,
                FULL_RELOAD_SECONDS,
                steadyDbMillisPerSecond,
                steadyCoreShare(),
                steadyRowsPerSecond,
                steadyMegabytesPerSecond,
                restartRows,
                restartMegabytes,
                restartDbSeconds,
                restartDataSets(),
                measuredAtShape);
    }

    private static Capacity.Phase find(List<Capacity.Phase> phases, String pod, String phase) {
        return phases.stream()
                .filter(p -> p.pod().equals(pod) && p.phase().startsWith(phase))
                .findFirst()
                .orElseThrow(() -> new IllegalStateException("no " + phase + " measured for " + pod));
    }
}
