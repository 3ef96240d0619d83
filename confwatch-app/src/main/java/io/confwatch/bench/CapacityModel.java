package io.confwatch.bench;

import java.io.PrintStream;
import java.util.List;
import java.util.Locale;
import java.util.function.BiFunction;
import java.util.function.ToDoubleFunction;

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

    static CapacityModel from(List<Capacity.Phase> phases, int tenants, String shard) {
        int shardCount = Integer.parseInt(shard.substring(shard.indexOf('/') + 1));
        boolean atShape = tenants == TENANTS && shardCount == PODS;
        double scale = (double) TENANTS / tenants;
        // One pod of the model, from the unsharded and the sharded measurement of a phase: at the model's own shape the
        // sharded pod's figure itself (the split's clamp would otherwise lift a pod cheaper than its 1/n share to it).
        BiFunction<String, ToDoubleFunction<Capacity.Phase>, Double> pod = (phase, figure) -> {
            double unsharded = figure.applyAsDouble(find(phases, "unsharded", phase));
            double sharded = figure.applyAsDouble(find(phases, shard, phase));
            return atShape ? sharded : Split.of(unsharded, sharded, shardCount).at(PODS) * scale;
        };
        ToDoubleFunction<Capacity.Phase> ms = Capacity.Phase::execMillis;
        ToDoubleFunction<Capacity.Phase> rows = Capacity.Phase::rows;
        ToDoubleFunction<Capacity.Phase> mb = p -> p.bytesFromDatabase() / 1048576.0;
        // Per second over the fleet: sweeps, full comparisons and (the steady state's) full reloads at their intervals.
        ToDoubleFunction<ToDoubleFunction<Capacity.Phase>> steady = figure -> PODS
                * (pod.apply("idle sweep", figure) / SWEEP_SECONDS
                        + pod.apply(Capacity.FULL_COMPARISON, figure) / FULL_COMPARISON_SECONDS
                        + pod.apply(Capacity.STEADY_FULL_RELOAD, figure) / FULL_RELOAD_SECONDS);
        Capacity.Phase start = find(phases, "unsharded", "start-up");
        return new CapacityModel(
                steady.applyAsDouble(ms),
                steady.applyAsDouble(rows),
                steady.applyAsDouble(mb),
                PODS * pod.apply("start-up", rows),
                PODS * pod.apply("start-up", mb),
                PODS * pod.apply("start-up", ms) / 1000,
                // What an unsharded start reads is the data set (every tenant row and every entity row) once.
                start.rows() * scale,
                start.bytesFromDatabase() * scale / 1048576.0,
                atShape);
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
