package io.confwatch.cache;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.confwatch.model.Definitions;
import io.confwatch.model.TenantChange;
import io.confwatch.model.TenantSnapshot;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.cache.CaffeineCacheMetrics;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The held snapshots, one per tenant: the only class that touches Caffeine. Installs are monotonic (a snapshot is never
 * replaced by a lower version); reads are lock-free and always see a whole snapshot.
 */
public final class ConfigCache implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ConfigCache.class);

    private final Definitions definitions;
    private final Cache<UUID, TenantSnapshot> snapshots =
            Caffeine.newBuilder().recordStats().build();
    // Per-tenant generations: a removal takes the next number; a read remembers the number current when it began.
    private final AtomicLong removals = new AtomicLong();
    private final ConcurrentHashMap<UUID, Long> removedAt = new ConcurrentHashMap<>();
    private final List<Consumer<TenantChange>> listeners = new CopyOnWriteArrayList<>();
    private final ConcurrentHashMap<UUID, List<VersionWaiter>> waiters = new ConcurrentHashMap<>();
    private final ExecutorService notifier = Executors.newSingleThreadExecutor(runnable -> {
        Thread thread = new Thread(runnable, "confwatch-listeners");
        thread.setDaemon(true);
        return thread;
    });

    /** A cache that serves definitions as JSON only. */
    public ConfigCache() {
        this(Definitions.none());
    }

    /** A cache that decodes each changed definition into the application's types as it installs it. */
    public ConfigCache(Definitions definitions) {
        this.definitions = definitions;
    }

    /** Which held snapshot an install may replace. */
    public enum Replace {
        /** Only a lower version: installs are monotonic. */
        IF_NEWER,
        /** Also the same version with other content: a write that bypassed the triggers. */
        IF_NEWER_OR_REWRITTEN,
        /**
         * Any held snapshot with other content or another change stamp, even a higher version: the database went back
         * in time (a restore, a failover that lost commits) and what it holds now is the truth.
         */
        IF_DIFFERENT
    }

    /** What {@link #install} did. */
    public enum Outcome {
        /** The tenant had no snapshot; now it has this one. */
        ADDED,
        /** A lower version (or, when forced, the same version with other content) was replaced. */
        REPLACED,
        /** The held snapshot is as new or newer; nothing changed. */
        KEPT,
        /** The tenant was dropped after the read began: an older read must not bring it back. Nothing changed. */
        DROPPED_SINCE
    }

    /** The tenant's current snapshot, if held. */
    public Optional<TenantSnapshot> get(UUID tenant) {
        return Optional.ofNullable(snapshots.getIfPresent(tenant));
    }

    /** Every held snapshot (a weakly consistent view). */
    public Collection<TenantSnapshot> all() {
        return snapshots.asMap().values();
    }

    /** How many tenants are held. */
    public int size() {
        return snapshots.asMap().size();
    }

    /**
     * Installs {@code snapshot} if it is newer than the held one. With {@code forced}, a snapshot of the same version
     * whose content differs also replaces the held one: a write that bypassed the triggers.
     */
    public Outcome install(TenantSnapshot snapshot, boolean forced) {
        return install(snapshot, forced ? Replace.IF_NEWER_OR_REWRITTEN : Replace.IF_NEWER, generation());
    }

    /**
     * The generation now: pass it to {@link #install(TenantSnapshot, Replace, long)} for a read that begins now, so the
     * read cannot re-install a tenant dropped while it ran.
     */
    public long generation() {
        return removals.get();
    }

    /**
     * Installs {@code snapshot}, read by a read that began at generation {@code readGeneration}, where {@code replace}
     * allows; never when the tenant was removed after the read began. Decodes the application's definitions (its types
     * and validators) inside, against what is held: call it on an event loop only when {@link #decodes()} is false, and
     * otherwise {@link #decode} off the event loop and install with {@link #install(Decoded, Replace, long)}.
     */
    public Outcome install(TenantSnapshot snapshot, Replace replace, long readGeneration) {
        return install(snapshot.tenant(), held -> definitions.decode(held, snapshot), replace, readGeneration);
    }

    /** Whether installs run application code (registered definition types or validators); see {@link #decode}. */
    public boolean decodes() {
        return !definitions.isEmpty();
    }

    /**
     * A read's snapshot decoded into the application's types against the held snapshot {@code against} (null: none).
     *
     * @param snapshot what to install
     * @param against the held snapshot it was decoded against, compared by identity when it is installed
     */
    public record Decoded(TenantSnapshot snapshot, TenantSnapshot against) {}

    /**
     * Decodes {@code read}'s definitions against the snapshot held now, running the application's types and validators:
     * call it on a worker thread, never on an event loop. Thread-safe; changes nothing.
     */
    public Decoded decode(TenantSnapshot read) {
        TenantSnapshot held = snapshots.getIfPresent(read.tenant());
        return new Decoded(definitions.decode(held, read), held);
    }

    /**
     * Installs a snapshot {@link #decode decoded} off the event loop, as {@link #install(TenantSnapshot, Replace, long)}
     * would, without running application code; empty when the held snapshot is no longer the one it was decoded against
     * (another read installed meanwhile): decode it again.
     */
    public Optional<Outcome> install(Decoded decoded, Replace replace, long readGeneration) {
        Outcome outcome = install(
                decoded.snapshot().tenant(),
                held -> held == decoded.against() ? decoded.snapshot() : null,
                replace,
                readGeneration);
        return Optional.ofNullable(outcome);
    }

    /** {@code decoded}: the snapshot to install decoded against the held one (null: decoded against another; stale). */
    private Outcome install(
            UUID tenantId, UnaryOperator<TenantSnapshot> decoded, Replace replace, long readGeneration) {
        TenantSnapshot[] previous = new TenantSnapshot[1];
        TenantSnapshot[] installed = new TenantSnapshot[1];
        Outcome[] outcome = {Outcome.KEPT};
        snapshots.asMap().compute(tenantId, (tenant, held) -> {
            previous[0] = held;
            Long removed = removedAt.get(tenant);
            if (removed != null && removed > readGeneration) {
                outcome[0] = Outcome.DROPPED_SINCE;
                return held;
            }
            // Decoded against what is held: only changed definitions are decoded, and content compares like for like.
            TenantSnapshot next = decoded.apply(held);
            if (next == null) {
                outcome[0] = null;
                return held;
            }
            installed[0] = next;
            if (held == null) {
                removedAt.remove(tenant);
                outcome[0] = Outcome.ADDED;
                return next;
            }
            boolean newer = next.version() > held.version();
            boolean replaces =
                    switch (replace) {
                        case IF_NEWER -> newer;
                        case IF_NEWER_OR_REWRITTEN ->
                            newer || next.version() == held.version() && !next.sameContentAs(held);
                        case IF_DIFFERENT ->
                            !next.sameContentAs(held) || !next.changedAt().equals(held.changedAt());
                    };
            if (replaces) {
                outcome[0] = Outcome.REPLACED;
                return next;
            }
            return held;
        });
        if (outcome[0] == Outcome.ADDED || outcome[0] == Outcome.REPLACED) {
            wakeWaiters(installed[0]);
            publish(new TenantChange(tenantId, Optional.ofNullable(previous[0]), Optional.of(installed[0])));
        }
        return outcome[0];
    }

    /** Drops the tenant's snapshot; returns whether one was held. */
    public boolean remove(UUID tenant) {
        TenantSnapshot[] dropped = new TenantSnapshot[1];
        // One step with the installs, so no read that began before this removal installs after it.
        snapshots.asMap().compute(tenant, (t, held) -> {
            removedAt.put(t, removals.incrementAndGet());
            dropped[0] = held;
            return null;
        });
        TenantSnapshot removed = dropped[0];
        if (removed == null) {
            return false;
        }
        publish(new TenantChange(tenant, Optional.of(removed), Optional.empty()));
        return true;
    }

    /** Calls {@code listener} after every install or removal, in order, on a dedicated thread. */
    public void addListener(Consumer<TenantChange> listener) {
        listeners.add(listener);
    }

    /**
     * Completes when the tenant's held version is at least {@code minVersion}; never completes otherwise, so callers
     * bound it (e.g. {@code completeOnTimeout}). Cancelling or completing the returned future unregisters it.
     */
    public CompletableFuture<TenantSnapshot> whenVersion(UUID tenant, long minVersion) {
        VersionWaiter waiter = new VersionWaiter(minVersion, new CompletableFuture<>());
        waiters.compute(tenant, (t, list) -> {
            List<VersionWaiter> updated = list == null ? new CopyOnWriteArrayList<>() : list;
            updated.add(waiter);
            return updated;
        });
        waiter.future().whenComplete((snapshot, error) -> unregister(tenant, waiter));
        // Registered first, checked second: an install racing with this call cannot be missed.
        get(tenant).ifPresent(this::wakeWaiters);
        return waiter.future();
    }

    /** Publishes Caffeine's statistics (hits, misses, size) as {@code cache_*} meters tagged {@code cache=name}. */
    public void bindMetrics(MeterRegistry registry, String name) {
        CaffeineCacheMetrics.monitor(registry, snapshots, name);
    }

    @Override
    public void close() {
        notifier.shutdown();
    }

    private void wakeWaiters(TenantSnapshot snapshot) {
        List<VersionWaiter> pending = waiters.get(snapshot.tenant());
        if (pending == null) {
            return;
        }
        for (VersionWaiter waiter : new ArrayList<>(pending)) {
            if (snapshot.version() >= waiter.minVersion()) {
                waiter.future().complete(snapshot);
            }
        }
    }

    private void unregister(UUID tenant, VersionWaiter waiter) {
        waiters.computeIfPresent(tenant, (t, list) -> {
            list.remove(waiter);
            return list.isEmpty() ? null : list;
        });
    }

    private void publish(TenantChange change) {
        if (listeners.isEmpty() || notifier.isShutdown()) {
            return;
        }
        notifier.execute(() -> {
            for (Consumer<TenantChange> listener : listeners) {
                try {
                    listener.accept(change);
                } catch (RuntimeException e) {
                    log.warn("A TenantChange listener failed for tenant {}", change.tenant(), e);
                }
            }
        });
    }

    private record VersionWaiter(long minVersion, CompletableFuture<TenantSnapshot> future) {}
}
