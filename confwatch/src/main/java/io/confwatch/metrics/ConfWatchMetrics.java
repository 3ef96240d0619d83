package io.confwatch.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.DoubleSupplier;
import java.util.function.Supplier;

/**
 * Every ConfWatch meter, named once (DESIGN §7, contract). Tags take values from small fixed sets only: never a tenant.
 * Micrometer's Prometheus naming turns {@code confwatch.reloads} into {@code confwatch_reloads_total} and a timer
 * {@code confwatch.reload.duration} into {@code confwatch_reload_duration_seconds}.
 */
public final class ConfWatchMetrics {
    public static final String NOTIFICATIONS = "confwatch.notifications";
    public static final String RELOADS = "confwatch.reloads";
    public static final String RELOAD_DURATION = "confwatch.reload.duration";
    public static final String PROPAGATION = "confwatch.propagation";
    public static final String LISTENER_UP = "confwatch.listener.up";
    public static final String LISTENER_RECONNECTS = "confwatch.listener.reconnects";
    public static final String LISTENER_PROBE = "confwatch.listener.probe";
    public static final String TENANTS = "confwatch.tenants";
    public static final String STALE_TENANTS = "confwatch.stale.tenants";
    public static final String INVALID_ENTITIES = "confwatch.invalid.entities";
    public static final String NOTIFY_QUEUE_USAGE = "confwatch.notify.queue.usage";
    public static final String HINTS_DROPPED = "confwatch.hints.dropped";
    public static final String UNKNOWN_TENANT_HINTS = "confwatch.hints.unknown.tenant";
    public static final String DISPROVED_HINTS = "confwatch.hints.disproved";
    public static final String LAST_SWEEP_AGE = "confwatch.sweep.last.success.age";
    public static final String SWEEPS = "confwatch.sweeps";
    public static final String SWEEP_ROWS = "confwatch.sweep.rows";
    public static final String SWEEP_HORIZON_XIDS = "confwatch.sweep.horizon.xids";
    public static final String FULL_RELOAD_PROGRESS = "confwatch.full.reload.progress";
    public static final String FULL_RELOAD_LAST_DURATION = "confwatch.full.reload.last.duration";
    public static final String FULL_RELOAD_TENANTS = "confwatch.full.reload.tenants";
    public static final String FULL_RELOAD_DATABASE_TIME = "confwatch.full.reload.database";
    public static final String FULL_RELOAD_BUDGET = "confwatch.full.reload.budget";

    /** Why a notification was or was not acted on. */
    public enum HintOutcome {
        ACCEPTED,
        STALE,
        IGNORED,
        MALFORMED
    }

    /** What a versioned sweep read: the tenants changed since the last sweep's horizon, or every tenant. */
    public enum SweepKind {
        CURSOR,
        FULL
    }

    /** What a reload of one tenant ended in. */
    public enum ReloadOutcome {
        /** A new snapshot was installed. */
        INSTALLED,
        /** Nothing newer than the held snapshot was found; nothing changed. */
        UNCHANGED,
        /** The tenant is not in the database (any more); nothing is held for it. */
        GONE,
        /** The read failed; the last good snapshot stays. */
        FAILED
    }

    private final MeterRegistry registry;
    private final Timer reloadDuration;
    private final Timer propagation;
    private final Timer probe;
    private final Counter reconnects;
    private final Counter hintsDropped;
    private final Counter unknownTenantHints;
    private final Counter disprovedHints;
    private final Map<HintOutcome, Counter> hints = new EnumMap<>(HintOutcome.class);
    private final Map<String, Counter> reloads = new ConcurrentHashMap<>();
    private final Map<SweepKind, Counter> sweeps = new EnumMap<>(SweepKind.class);
    private final Map<SweepKind, Counter> sweepRows = new EnumMap<>(SweepKind.class);

    public ConfWatchMetrics(MeterRegistry registry) {
        this.registry = registry;
        this.reloadDuration = Timer.builder(RELOAD_DURATION)
                .description("Time to read and install one reload (a batch counts once)")
                .publishPercentileHistogram()
                .minimumExpectedValue(Duration.ofMillis(1))
                .maximumExpectedValue(Duration.ofSeconds(30))
                .register(registry);
        this.propagation = Timer.builder(PROPAGATION)
                .description("From tenants.changed_at (the writer's change) to the snapshot installed in this worker")
                .publishPercentileHistogram()
                .minimumExpectedValue(Duration.ofMillis(1))
                .maximumExpectedValue(Duration.ofMinutes(1))
                .register(registry);
        this.probe = Timer.builder(LISTENER_PROBE)
                .description("Self-probe round trip: NOTIFY sent to notification received on the listener")
                .publishPercentileHistogram()
                .minimumExpectedValue(Duration.ofMillis(1))
                .maximumExpectedValue(Duration.ofSeconds(30))
                .register(registry);
        this.reconnects = Counter.builder(LISTENER_RECONNECTS)
                .description("Listener connections re-established after a loss")
                .register(registry);
        this.hintsDropped = Counter.builder(HINTS_DROPPED)
                .description("Hints dropped because the reload queue was full (a sweep catches up instead)")
                .register(registry);
        this.unknownTenantHints = Counter.builder(UNKNOWN_TENANT_HINTS)
                .description("Hints that named a tenant the database does not have")
                .register(registry);
        this.disprovedHints = Counter.builder(DISPROVED_HINTS)
                .description("Hints claiming a version the database does not have; a version check, no load")
                .register(registry);
        for (SweepKind kind : SweepKind.values()) {
            sweeps.put(
                    kind,
                    Counter.builder(SWEEPS)
                            .description(
                                    "Versioned sweeps read, by kind: cursor (changed since the last sweep) or full")
                            .tag("kind", lower(kind))
                            .register(registry));
            sweepRows.put(
                    kind,
                    Counter.builder(SWEEP_ROWS)
                            .description("Tenant rows the versioned sweeps read (changed, deleted or, when full, all)")
                            .tag("kind", lower(kind))
                            .register(registry));
        }
        for (HintOutcome outcome : HintOutcome.values()) {
            hints.put(
                    outcome,
                    Counter.builder(NOTIFICATIONS)
                            .description("Notifications received on the change channel, by what was done with them")
                            .tag("outcome", lower(outcome))
                            .register(registry));
        }
    }

    /** The registry every meter lives in. */
    public MeterRegistry registry() {
        return registry;
    }

    public void hint(HintOutcome outcome) {
        hints.get(outcome).increment();
    }

    public void reload(String cause, ReloadOutcome outcome) {
        reloads.computeIfAbsent(cause + '/' + outcome, key -> Counter.builder(RELOADS)
                        .description("Tenant reloads by cause and outcome")
                        .tag("cause", cause)
                        .tag("outcome", lower(outcome))
                        .register(registry))
                .increment();
    }

    /** One versioned sweep's statement of {@code kind} returned {@code rows} tenant rows. */
    public void sweep(SweepKind kind, int rows) {
        sweeps.get(kind).increment();
        sweepRows.get(kind).increment(rows);
    }

    /** A read found a tenant the database does not have and this worker did not hold: a hint naming an unknown one. */
    public void unknownTenant() {
        unknownTenantHints.increment();
    }

    public void reloadDuration(long nanos) {
        reloadDuration.record(nanos, TimeUnit.NANOSECONDS);
    }

    public void propagation(Duration duration) {
        propagation.record(duration.isNegative() ? Duration.ZERO : duration);
    }

    public void probeRoundTrip(Duration duration) {
        probe.record(duration);
    }

    public void listenerReconnected() {
        reconnects.increment();
    }

    public void hintDropped() {
        hintsDropped.increment();
    }

    public void hintDisproved() {
        disprovedHints.increment();
    }

    /**
     * Registers the full reload's meters, read at scrape time: {@code confwatch_full_reload_progress} (0–1 of the
     * running one; 1 when none runs), {@code confwatch_full_reload_last_duration_seconds}, {@code
     * confwatch_full_reload_tenants_total{result="read|skipped"}}, {@code confwatch_full_reload_database_seconds_total}
     * and {@code confwatch_full_reload_budget_ratio}.
     */
    public void fullReloadMeters(
            DoubleSupplier progress,
            DoubleSupplier lastDurationSeconds,
            DoubleSupplier read,
            DoubleSupplier skipped,
            DoubleSupplier databaseSeconds,
            double budget) {
        Gauge.builder(FULL_RELOAD_PROGRESS, progress::getAsDouble)
                .description("Share of its tenants the running full reload has checked; 1 when none runs")
                .register(registry);
        Gauge.builder(FULL_RELOAD_LAST_DURATION, lastDurationSeconds::getAsDouble)
                .description("How long the last finished full reload took, start to last read")
                .baseUnit("seconds")
                .register(registry);
        for (String result : new String[] {"read", "skipped"}) {
            DoubleSupplier count = result.equals("read") ? read : skipped;
            FunctionCounter.builder(FULL_RELOAD_TENANTS, count, DoubleSupplier::getAsDouble)
                    .description("Tenants full reloads read whole (read) or found unchanged by their digest (skipped)")
                    .tag("result", result)
                    .register(registry);
        }
        FunctionCounter.builder(FULL_RELOAD_DATABASE_TIME, databaseSeconds, DoubleSupplier::getAsDouble)
                .description("Time full reloads' statements took, as the worker measured it (paced by the budget)")
                .baseUnit("seconds")
                .register(registry);
        Gauge.builder(FULL_RELOAD_BUDGET, () -> budget)
                .description("Database time per second a full reload may take (CONFWATCH_FULL_RELOAD_BUDGET)")
                .baseUnit("ratio")
                .register(registry);
    }

    /** Registers a gauge read from {@code value} at scrape time. */
    public void gauge(String name, String description, Supplier<Number> value) {
        Gauge.builder(name, value).description(description).register(registry);
    }

    /** Registers a gauge in seconds read from {@code value} at scrape time. */
    public void secondsGauge(String name, String description, Supplier<Number> value) {
        Gauge.builder(name, value).description(description).baseUnit("seconds").register(registry);
    }

    private static String lower(Enum<?> value) {
        return value.name().toLowerCase(Locale.ROOT);
    }
}
