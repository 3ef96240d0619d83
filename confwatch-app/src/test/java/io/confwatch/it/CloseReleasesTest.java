package io.confwatch.it;

import static io.confwatch.it.Fixtures.monitorOn;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.confwatch.ConfWatch;
import io.confwatch.testing.PostgresExtension;
import io.confwatch.testing.TestDatabase;
import java.lang.ref.WeakReference;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A closed worker leaves nothing behind: a process that starts and stops workers (tests, an embedding application, the
 * bench) must not accumulate their Vert.x instances, registries and snapshots.
 */
@ExtendWith(PostgresExtension.class)
class CloseReleasesTest {
    private static final int TENANTS = 50;
    /** Names of the threads a worker starts: Vert.x's and the cache's listener thread. */
    private static final List<String> WORKER_THREADS = List.of("vert.x-", "vertx-", "confwatch-");

    @Test
    void close_startedAndServingWorkers_nothingOfThemStaysReachable(TestDatabase database) {
        Fixtures db = new Fixtures(database);
        for (int i = 0; i < TENANTS; i++) {
            db.monitor(db.tenant("t-" + i), "m", monitorOn("n" + i));
        }
        Set<Thread> before = Set.copyOf(Thread.getAllStackTraces().keySet());

        Map<String, WeakReference<?>> first = startServeAndClose(database, db);

        await().atMost(Fixtures.WAIT).untilAsserted(() -> assertThat(workerThreadsStartedSince(before))
                .as("threads the closed worker started, still alive")
                .isEmpty());

        // vertx-pg-client 5.0.12 keeps the last connection it closed, JVM-wide, in a static
        // (CloseConnectionCommandCodec.INSTANCE.decoder), and through its event loop that connection's Vert.x and the
        // Vert.x's metrics registry, until some other connection closes. A second worker's close moves it on, so the
        // first worker must be entirely collectable; of the second, everything but that Vert.x and its (cleared)
        // registry.
        Map<String, WeakReference<?>> second = startServeAndClose(database, db);
        second.remove("Vert.x");
        second.remove("meter registry");

        Map<String, WeakReference<?>> all = new LinkedHashMap<>();
        first.forEach((what, ref) -> all.put("first worker's " + what, ref));
        second.forEach((what, ref) -> all.put("second worker's " + what, ref));
        await().atMost(Fixtures.WAIT).pollInterval(Duration.ofMillis(100)).untilAsserted(() -> {
            System.gc();
            assertThat(all.entrySet().stream()
                            .filter(e -> e.getValue().get() != null)
                            .map(Map.Entry::getKey))
                    .as("still reachable after close")
                    .isEmpty();
        });
    }

    /**
     * Starts a worker, has it load every tenant and tell a listener of a change, closes it; returns weak references to
     * what it held. Nothing of it stays on the caller's stack.
     */
    private static Map<String, WeakReference<?>> startServeAndClose(TestDatabase database, Fixtures db) {
        ConfWatch confWatch = Fixtures.startReady(Fixtures.config(database));
        AtomicInteger changes = new AtomicInteger();
        confWatch.addListener(change -> changes.incrementAndGet());
        UUID added = db.tenant("added-" + UUID.randomUUID());
        Fixtures.held(confWatch, added, db.version(added));
        await().atMost(Fixtures.WAIT).until(() -> changes.get() > 0);
        assertThat(confWatch.tenants()).hasSizeGreaterThan(TENANTS);

        Map<String, WeakReference<?>> refs = new LinkedHashMap<>();
        refs.put("ConfWatch", new WeakReference<>(confWatch));
        refs.put("snapshot", new WeakReference<>(confWatch.snapshot(added).orElseThrow()));
        refs.put("Vert.x", new WeakReference<>(confWatch.vertx()));
        refs.put("meter registry", new WeakReference<>(confWatch.meterRegistry()));
        confWatch.close();
        return refs;
    }

    private static List<String> workerThreadsStartedSince(Set<Thread> before) {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(thread -> !before.contains(thread) && thread.isAlive())
                .map(Thread::getName)
                .filter(name -> WORKER_THREADS.stream().anyMatch(name::startsWith))
                .collect(Collectors.toList());
    }
}
