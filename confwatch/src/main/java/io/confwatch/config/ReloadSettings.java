package io.confwatch.config;

import static io.confwatch.config.Setting.CONFWATCH_DELTA_MAX_VERSIONS;
import static io.confwatch.config.Setting.CONFWATCH_FULL_RELOAD_BUDGET;
import static io.confwatch.config.Setting.CONFWATCH_FULL_RELOAD_INTERVAL;
import static io.confwatch.config.Setting.CONFWATCH_LOAD_BATCH_SIZE;
import static io.confwatch.config.Setting.CONFWATCH_POLL_INTERVAL;
import static io.confwatch.config.Setting.CONFWATCH_RELOAD_RETRY_MAX_BACKOFF;
import static io.confwatch.config.Setting.CONFWATCH_RELOAD_RETRY_MIN_BACKOFF;
import static io.confwatch.config.Setting.CONFWATCH_SWEEP_FULL_INTERVAL;
import static io.confwatch.config.Setting.CONFWATCH_SWEEP_INTERVAL;
import static java.util.Objects.requireNonNull;

import java.time.Duration;

/**
 * How and how often tenants are (re)loaded: sweeps, full reloads, batching, deltas and retries.
 *
 * @param pollInterval sweep interval in poll mode ({@code CONFWATCH_POLL_INTERVAL})
 * @param sweepInterval sweep interval in listen mode ({@code CONFWATCH_SWEEP_INTERVAL})
 * @param fullReloadInterval unconditional reload interval ({@code CONFWATCH_FULL_RELOAD_INTERVAL})
 * @param loadBatchSize tenants per query in initial and full loads ({@code CONFWATCH_LOAD_BATCH_SIZE})
 * @param deltaMaxVersions versions behind beyond which a tenant is loaded whole; 0 disables deltas
 *     ({@code CONFWATCH_DELTA_MAX_VERSIONS})
 * @param retryMinBackoff first retry delay of a failed load ({@code CONFWATCH_RELOAD_RETRY_MIN_BACKOFF})
 * @param retryMaxBackoff retry delay cap, at least the minimum ({@code CONFWATCH_RELOAD_RETRY_MAX_BACKOFF})
 * @param sweepFullInterval how often a sweep compares every tenant rather than those changed since the last one
 *     ({@code CONFWATCH_SWEEP_FULL_INTERVAL})
 * @param fullReloadBudget database time a full reload may take per second ({@code CONFWATCH_FULL_RELOAD_BUDGET})
 */
public record ReloadSettings(
        Duration pollInterval,
        Duration sweepInterval,
        Duration fullReloadInterval,
        int loadBatchSize,
        int deltaMaxVersions,
        Duration retryMinBackoff,
        Duration retryMaxBackoff,
        Duration sweepFullInterval,
        ReloadBudget fullReloadBudget) {

    /** Largest load batch. */
    public static final int MAX_LOAD_BATCH_SIZE = 10_000;

    /** Largest delta window. */
    public static final int MAX_DELTA_VERSIONS = 10_000;

    /** Validates positive intervals, ranges and min ≤ max retry backoff. */
    public ReloadSettings {
        Check.positive(CONFWATCH_POLL_INTERVAL, pollInterval);
        Check.positive(CONFWATCH_SWEEP_INTERVAL, sweepInterval);
        Check.positive(CONFWATCH_FULL_RELOAD_INTERVAL, fullReloadInterval);
        Check.between(CONFWATCH_LOAD_BATCH_SIZE, loadBatchSize, 1, MAX_LOAD_BATCH_SIZE);
        Check.between(CONFWATCH_DELTA_MAX_VERSIONS, deltaMaxVersions, 0, MAX_DELTA_VERSIONS);
        Check.positive(CONFWATCH_RELOAD_RETRY_MIN_BACKOFF, retryMinBackoff);
        Check.positive(CONFWATCH_RELOAD_RETRY_MAX_BACKOFF, retryMaxBackoff);
        Check.positive(CONFWATCH_SWEEP_FULL_INTERVAL, sweepFullInterval);
        requireNonNull(fullReloadBudget, CONFWATCH_FULL_RELOAD_BUDGET.variable());
        Check.notAbove(
                CONFWATCH_RELOAD_RETRY_MIN_BACKOFF,
                retryMinBackoff,
                CONFWATCH_RELOAD_RETRY_MAX_BACKOFF,
                retryMaxBackoff);
    }

    /** The sweep interval that applies in {@code mode}: the poll interval in poll mode. */
    public Duration sweepIntervalIn(Mode mode) {
        return mode == Mode.POLL ? pollInterval : sweepInterval;
    }

    /** Whether delta loads are enabled. */
    public boolean isDeltaLoadEnabled() {
        return deltaMaxVersions > 0;
    }

    /** These settings sweeping every {@code pollInterval} in poll mode. */
    public ReloadSettings withPollInterval(Duration pollInterval) {
        return new ReloadSettings(
                pollInterval,
                sweepInterval,
                fullReloadInterval,
                loadBatchSize,
                deltaMaxVersions,
                retryMinBackoff,
                retryMaxBackoff,
                sweepFullInterval,
                fullReloadBudget);
    }

    /** These settings sweeping every {@code sweepInterval} in listen mode. */
    public ReloadSettings withSweepInterval(Duration sweepInterval) {
        return new ReloadSettings(
                pollInterval,
                sweepInterval,
                fullReloadInterval,
                loadBatchSize,
                deltaMaxVersions,
                retryMinBackoff,
                retryMaxBackoff,
                sweepFullInterval,
                fullReloadBudget);
    }

    /** These settings reloading everything every {@code fullReloadInterval}. */
    public ReloadSettings withFullReloadInterval(Duration fullReloadInterval) {
        return new ReloadSettings(
                pollInterval,
                sweepInterval,
                fullReloadInterval,
                loadBatchSize,
                deltaMaxVersions,
                retryMinBackoff,
                retryMaxBackoff,
                sweepFullInterval,
                fullReloadBudget);
    }

    /** These settings loading {@code loadBatchSize} tenants per query. */
    public ReloadSettings withLoadBatchSize(int loadBatchSize) {
        return new ReloadSettings(
                pollInterval,
                sweepInterval,
                fullReloadInterval,
                loadBatchSize,
                deltaMaxVersions,
                retryMinBackoff,
                retryMaxBackoff,
                sweepFullInterval,
                fullReloadBudget);
    }

    /** These settings with delta loads up to {@code deltaMaxVersions} behind (0 disables them). */
    public ReloadSettings withDeltaMaxVersions(int deltaMaxVersions) {
        return new ReloadSettings(
                pollInterval,
                sweepInterval,
                fullReloadInterval,
                loadBatchSize,
                deltaMaxVersions,
                retryMinBackoff,
                retryMaxBackoff,
                sweepFullInterval,
                fullReloadBudget);
    }

    /** These settings retrying failed loads after {@code min}, doubling up to {@code max}. */
    public ReloadSettings withRetryBackoff(Duration min, Duration max) {
        return new ReloadSettings(
                pollInterval,
                sweepInterval,
                fullReloadInterval,
                loadBatchSize,
                deltaMaxVersions,
                min,
                max,
                sweepFullInterval,
                fullReloadBudget);
    }

    /** These settings comparing every tenant's version every {@code sweepFullInterval}. */
    public ReloadSettings withSweepFullInterval(Duration sweepFullInterval) {
        return new ReloadSettings(
                pollInterval,
                sweepInterval,
                fullReloadInterval,
                loadBatchSize,
                deltaMaxVersions,
                retryMinBackoff,
                retryMaxBackoff,
                sweepFullInterval,
                fullReloadBudget);
    }

    /** These settings pacing full reloads to {@code budget} of database time per second. */
    public ReloadSettings withFullReloadBudget(ReloadBudget budget) {
        return new ReloadSettings(
                pollInterval,
                sweepInterval,
                fullReloadInterval,
                loadBatchSize,
                deltaMaxVersions,
                retryMinBackoff,
                retryMaxBackoff,
                sweepFullInterval,
                budget);
    }

    /** Reads the reload settings. */
    static ReloadSettings read(Env env) {
        return new ReloadSettings(
                env.duration(CONFWATCH_POLL_INTERVAL),
                env.duration(CONFWATCH_SWEEP_INTERVAL),
                env.duration(CONFWATCH_FULL_RELOAD_INTERVAL),
                env.integer(CONFWATCH_LOAD_BATCH_SIZE),
                env.integer(CONFWATCH_DELTA_MAX_VERSIONS),
                env.duration(CONFWATCH_RELOAD_RETRY_MIN_BACKOFF),
                env.duration(CONFWATCH_RELOAD_RETRY_MAX_BACKOFF),
                env.duration(CONFWATCH_SWEEP_FULL_INTERVAL),
                ReloadBudget.parse(env.text(CONFWATCH_FULL_RELOAD_BUDGET)));
    }
}
