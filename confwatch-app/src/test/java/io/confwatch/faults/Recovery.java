package io.confwatch.faults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.confwatch.ConfWatch;
import io.confwatch.WorkerStatus;
import io.confwatch.metrics.ConfWatchMetrics;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import org.awaitility.core.ConditionTimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Waits for a worker to hold exactly what the database has, and records how long that took after a fault. */
final class Recovery {
    private static final Logger log = LoggerFactory.getLogger(Recovery.class);
    private static final Duration POLL = Duration.ofMillis(20);

    private Recovery() {}

    /**
     * Waits until no tenant differs between {@code confWatch} and the database, at most {@code bound} after
     * {@code sinceNanos} (a {@link System#nanoTime()} reading: the fault, or the database coming back); fails with the
     * differences otherwise. Logs and returns the time it took, from {@code sinceNanos}.
     */
    static Duration awaitEqual(String fault, ConfWatch confWatch, ConfigRows rows, long sinceNanos, Duration bound) {
        AtomicReference<List<String>> last = new AtomicReference<>(List.of());
        Set<String> seen = new LinkedHashSet<>();
        Duration left = bound.minusNanos(System.nanoTime() - sinceNanos);
        try {
            await().atMost(left.isNegative() ? Duration.ZERO : left)
                    .pollDelay(Duration.ZERO)
                    .pollInterval(POLL)
                    .until(() -> {
                        seen.add(summary(confWatch.status()));
                        last.set(rows.differences(confWatch));
                        return last.get().isEmpty();
                    });
        } catch (ConditionTimeoutException e) {
            throw new AssertionError(
                    fault + ": " + last.get().size() + " tenants still differ from the database after " + bound
                            + ", e.g. "
                            + last.get().subList(0, Math.min(5, last.get().size())),
                    e);
        }
        Duration took = Duration.ofNanos(System.nanoTime() - sinceNanos);
        log.info(
                "RECOVERY {}: every tenant equals the database after {} ms; /status meanwhile: {}",
                fault,
                took.toMillis(),
                seen);
        return took;
    }

    private static String summary(WorkerStatus status) {
        return "ready=" + status.ready() + " listener.state="
                + status.listener().state() + " staleTenants=" + status.staleTenants() + " failing="
                + status.failingTenants().size();
    }

    /** Logs what {@code /status} and the staleness metrics show now, during a fault; returns the status. */
    static WorkerStatus logStatus(String fault, ConfWatch confWatch) {
        WorkerStatus status = confWatch.status();
        log.info(
                "STATUS {}: ready={} listener=[state={} connected={} reconnects={} deafForMs={} lastError={}]"
                        + " staleTenants={} failing={} lastSweepAt={} | {}={} {}={} {}={}",
                fault,
                status.ready(),
                status.listener().state(),
                status.listener().connected(),
                status.listener().reconnects(),
                status.listener().deafFor(java.time.Instant.now()).toMillis(),
                status.listener().lastError(),
                status.staleTenants(),
                status.failingTenants().size(),
                status.lastSweepAt(),
                "confwatch_listener_up",
                gauge(confWatch, ConfWatchMetrics.LISTENER_UP),
                "confwatch_stale_tenants",
                gauge(confWatch, ConfWatchMetrics.STALE_TENANTS),
                "confwatch_sweep_last_success_age_seconds",
                gauge(confWatch, ConfWatchMetrics.LAST_SWEEP_AGE));
        return status;
    }

    static double gauge(ConfWatch confWatch, String name) {
        return confWatch.meterRegistry().get(name).gauge().value();
    }

    /** Asserts that a fault was noticed and healed by rebuilding the listener: at least one reconnect. */
    static void assertReconnected(ConfWatch confWatch) {
        assertThat(confWatch.status().listener().reconnects()).isPositive();
        assertThat(gauge(confWatch, ConfWatchMetrics.LISTENER_UP)).isEqualTo(1.0);
    }
}
