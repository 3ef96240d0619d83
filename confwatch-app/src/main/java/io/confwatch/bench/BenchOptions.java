package io.confwatch.bench;

import java.time.Duration;
import java.util.List;

/**
 * What to run and how big.
 *
 * @param scenarios scenario names, in the order to run them
 * @param samples changes measured per propagation series
 * @param warmup changes made, and not measured, before each propagation series (ours and the baseline alike), so
 *     both are timed as the compiled code a long-running process runs rather than the interpreter
 * @param bigTenantEntities entities in the large tenant of {@code delta-10k}
 * @param tenants tenants for {@code cold-start}
 * @param entitiesPerTenant entities per tenant for {@code cold-start}
 * @param duration how long each writer run and each flood lasts
 * @param floodTenants tenants the hint flood spreads over
 * @param hintsPerSecond hints per second in the flood
 * @param clients writer client counts for {@code writer-tps}
 * @param httpTenants tenants {@code http-reads} seeds and reads at random
 * @param httpEntities entities per tenant for {@code http-reads}
 * @param connections keep-alive connections of {@code http-reads}' load generator
 * @param httpRate requests per second {@code http-reads} paces its measured phases to, or 0 for as fast as the closed
 *     loop goes
 * @param runs processes {@code startup} starts (each side, with a baseline jar)
 * @param jvmOptions JVM options of the {@code serve} processes {@code startup} starts from this build
 * @param baselineJar another build's jar {@code startup} starts alternately beside this one, or empty for none
 * @param baselineJvmOptions JVM options of the baseline jar's processes
 * @param shard {@code CONFWATCH_SHARD} of the sharded pods ({@code startup}: every pod; {@code capacity}: measured
 *     beside the unsharded one), or empty for unsharded only
 * @param capacityTenants tenants {@code capacity} seeds (or finds already seeded)
 * @param capacityEntities monitors per tenant for {@code capacity}
 * @param changes tenants changed before {@code capacity}'s sweep with changes
 * @param capacityJson the file {@code capacity} writes its figures to, as JSON
 */
public record BenchOptions(
        List<String> scenarios,
        int samples,
        int warmup,
        int bigTenantEntities,
        int tenants,
        int entitiesPerTenant,
        Duration duration,
        int floodTenants,
        int hintsPerSecond,
        List<Integer> clients,
        int httpTenants,
        int httpEntities,
        int connections,
        int httpRate,
        int runs,
        String jvmOptions,
        String baselineJar,
        String baselineJvmOptions,
        String shard,
        int capacityTenants,
        int capacityEntities,
        int changes,
        String capacityJson) {
    /** Every scenario, in the order they run by default. */
    public static final List<String> ALL = List.of(
            "propagation-idle",
            "delta-10k",
            "cold-start",
            "writer-tps",
            "hint-flood",
            "poll-mode",
            "idle-sweep",
            "http-reads",
            "http-propagation");

    /** Scenarios that run only when named: they start processes or seed large data sets. */
    public static final List<String> ON_REQUEST = List.of("startup", "capacity");

    /** Copies the lists. */
    public BenchOptions {
        scenarios = List.copyOf(scenarios);
        clients = List.copyOf(clients);
    }

    /** The defaults: every scenario at sizes that finish in a few minutes on a 2-core machine. */
    public static BenchOptions defaults() {
        return new BenchOptions(
                ALL,
                300,
                2_000,
                10_000,
                2_000,
                50,
                Duration.ofSeconds(5),
                1_000,
                20_000,
                List.of(1, 16),
                1_000,
                20,
                16,
                0,
                5,
                "",
                "",
                "",
                "",
                20_000,
                5,
                100,
                "bench-capacity.json");
    }
}
