package io.confwatch.it;

import static io.confwatch.it.Fixtures.monitorOn;
import static org.assertj.core.api.Assertions.assertThat;

import io.confwatch.cache.ConfigCache;
import io.confwatch.config.DatabaseTarget;
import io.confwatch.config.WorkerConfig;
import io.confwatch.db.PgClients;
import io.confwatch.listen.Notification;
import io.confwatch.metrics.ConfWatchMetrics;
import io.confwatch.model.EntityKind;
import io.confwatch.model.TenantChange;
import io.confwatch.model.TenantSnapshot;
import io.confwatch.reload.ReloadCause;
import io.confwatch.reload.ReloadCoordinator;
import io.confwatch.reload.ReloadPolicy;
import io.confwatch.reload.SnapshotLoader;
import io.confwatch.reload.VersionSweeper;
import io.confwatch.testing.PostgresExtension;
import io.confwatch.testing.TestDatabase;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PreparedQuery;
import io.vertx.sqlclient.SqlConnection;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The sweep reads the versions in one query (its first after start: every tenant's), then acts on the answer. Hint-driven loads that finish while that query
 * runs have read a newer database than the answer: the sweep must not take them for a restore, nor drop a tenant
 * created meanwhile. Deterministic: the parts of the worker are wired by hand and the sweep's answer is held back.
 */
@ExtendWith(PostgresExtension.class)
class SweepRaceTest {
    /** Both sweep statements, a full comparison's (this test's first sweep) and a cursor read's, name it. */
    private static final String SWEEP_MARK = "pg_current_snapshot()";

    private final Vertx vertx = Vertx.vertx();
    private final ConfigCache cache = new ConfigCache();
    private final CompletableFuture<Void> versionsRead = new CompletableFuture<>();
    private final Promise<Void> answer = Promise.promise();

    @AfterEach
    void close() {
        cache.close();
        vertx.close().await();
    }

    @Test
    void sweep_tenantsLoadedWhileItsVersionQueryRuns_keptWithoutRemovalOrRestore(TestDatabase database)
            throws Exception {
        Fixtures db = new Fixtures(database);
        UUID busy = db.tenant("busy");
        UUID monitor = db.monitor(busy, "m", monitorOn("ethereum_mainnet"));
        WorkerConfig config = Fixtures.config(database);
        PgClients clients = new PgClients(
                vertx,
                DatabaseTarget.of(database.host(), database.port(), database.database(), database.user()),
                config.pool(),
                "sweep-race");
        Context context = vertx.getOrCreateContext();
        SnapshotLoader loader = new SnapshotLoader(holdingBackVersions(clients.pool(4, "race")), Fixtures.WAIT);
        ReloadCoordinator coordinator = new ReloadCoordinator(
                vertx,
                context,
                loader,
                cache,
                new ConfWatchMetrics(new SimpleMeterRegistry()),
                ReloadPolicy.from(config),
                tenant -> true,
                () -> {});
        VersionSweeper sweeper = new VersionSweeper(
                vertx,
                loader,
                cache,
                coordinator,
                tenant -> true,
                config.reload().sweepFullInterval(),
                config.reload().loadBatchSize(),
                new ConfWatchMetrics(new SimpleMeterRegistry()));
        Fixtures.within(
                coordinator.loadAll(ReloadCause.STARTUP).toCompletionStage().toCompletableFuture());
        long before = cache.get(busy).orElseThrow().version();
        List<TenantChange> removals = new CopyOnWriteArrayList<>();
        cache.addListener(change -> {
            if (change.isRemoval()) {
                removals.add(change);
            }
        });

        CompletableFuture<Integer> sweeping = onContext(context, () -> sweeper.sweep(ReloadCause.SWEEP));
        Fixtures.within(versionsRead);
        db.redefine(EntityKind.MONITOR, monitor, monitorOn("polygon"));
        UUID created = db.tenant("created-meanwhile");
        coordinator.onNotification(new Notification.ChangeHint(busy, before + 1));
        coordinator.onNotification(new Notification.ChangeHint(created, 1));
        Fixtures.within(cache.whenVersion(busy, before + 1));
        Fixtures.within(cache.whenVersion(created, 1));
        context.runOnContext(v -> answer.complete());
        Fixtures.within(sweeping);

        // Listeners run in order on one thread: once this install is seen, any removal before it has been too.
        UUID barrier = db.tenant("barrier");
        CompletableFuture<Void> seen = new CompletableFuture<>();
        cache.addListener(change -> {
            if (change.tenant().equals(barrier)) {
                seen.complete(null);
            }
        });
        coordinator.onNotification(new Notification.ChangeHint(barrier, 1));
        Fixtures.within(seen);
        assertThat(removals).isEmpty();
        assertThat(cache.get(busy)).map(TenantSnapshot::version).contains(before + 1);
        assertThat(cache.get(created)).isPresent();
    }

    private static <T> CompletableFuture<T> onContext(Context context, java.util.function.Supplier<Future<T>> body) {
        CompletableFuture<T> result = new CompletableFuture<>();
        context.runOnContext(v -> body.get().onComplete((value, error) -> {
            if (error != null) {
                result.completeExceptionally(error);
            } else {
                result.complete(value);
            }
        }));
        return result;
    }

    /** {@code pool}, except that the answer of the sweep's versions query is held back until {@link #answer} completes. */
    private Pool holdingBackVersions(Pool pool) {
        return proxy(Pool.class, pool, (method, args) -> {
            if (method.getName().equals("withConnection") && args.length == 1) {
                @SuppressWarnings("unchecked")
                Function<SqlConnection, Future<Object>> body = (Function<SqlConnection, Future<Object>>) args[0];
                return pool.withConnection(connection -> body.apply(holdingBackVersions(connection)));
            }
            return null;
        });
    }

    private SqlConnection holdingBackVersions(SqlConnection connection) {
        return proxy(SqlConnection.class, connection, (method, args) -> {
            if (method.getName().equals("preparedQuery")
                    && args.length == 1
                    && args[0] instanceof String sql
                    && sql.contains(SWEEP_MARK)) {
                PreparedQuery<?> query = connection.preparedQuery(sql);
                return proxy(PreparedQuery.class, query, (queryMethod, queryArgs) -> {
                    if (queryMethod.getName().equals("execute") && queryArgs.length == 1) {
                        return ((Future<?>) queryMethod.invoke(query, queryArgs)).compose(rows -> {
                            versionsRead.complete(null);
                            return answer.future().map(v -> rows);
                        });
                    }
                    return null;
                });
            }
            return null;
        });
    }

    /** A proxy of {@code target} where {@code override} answers the calls it returns non-null for. */
    @SuppressWarnings("unchecked")
    private static <T> T proxy(Class<?> type, T target, Override override) {
        return (T) Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type}, (self, method, args) -> {
            Object[] arguments = args == null ? new Object[0] : args;
            Object overridden = override.call(method, arguments);
            if (overridden != null) {
                return overridden;
            }
            try {
                return method.invoke(target, arguments);
            } catch (InvocationTargetException e) {
                throw e.getCause();
            }
        });
    }

    @FunctionalInterface
    private interface Override {
        Object call(Method method, Object[] args) throws Exception;
    }
}
