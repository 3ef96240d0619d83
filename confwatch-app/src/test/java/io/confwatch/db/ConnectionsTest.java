package io.confwatch.db;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.confwatch.config.DatabaseTarget;
import io.confwatch.config.PoolSettings;
import io.confwatch.config.WorkerConfig;
import io.confwatch.testing.FaultProxy;
import io.confwatch.testing.PostgresExtension;
import io.confwatch.testing.TestDatabase;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(PostgresExtension.class)
class ConnectionsTest {
    private static final Duration BOUND = Duration.ofMillis(500);

    private Vertx vertx;
    private FaultProxy proxy;
    private Pool pool;

    @BeforeEach
    void start(TestDatabase db) {
        vertx = Vertx.vertx();
        proxy = FaultProxy.start(db.host(), db.port());
        PoolSettings settings = WorkerConfig.defaults().pool();
        // One connection: had the silent one gone back to the pool, every later call would wait behind it.
        pool = new PgClients(
                        vertx,
                        DatabaseTarget.of("127.0.0.1", proxy.port(), db.database(), db.user()),
                        settings,
                        "connections-test")
                .pool(1, "connections-test");
    }

    @AfterEach
    void stop() throws Exception {
        proxy.close();
        vertx.close().await(10, TimeUnit.SECONDS);
    }

    @Test
    void withConnection_answered_completesWithTheResult() throws Exception {
        assertThat(selectOne()).isEqualTo(1);
    }

    @Test
    void withConnection_serverSilent_failsWithinTheBoundAndThePoolRecovers() throws Exception {
        assertThat(selectOne()).isEqualTo(1);
        // TCP connections per database connection (sslmode=prefer may take two).
        int perConnection = proxy.accepted();
        proxy.stall();

        long started = System.nanoTime();
        assertThatThrownBy(this::selectOne)
                .isInstanceOf(ExecutionException.class)
                .hasCauseInstanceOf(TimeoutException.class);
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(BOUND.multipliedBy(4));
        // The silent connection was aborted, not pooled: the next call gets a new one (new connections pass).
        assertThat(selectOne()).isEqualTo(1);
        assertThat(proxy.accepted()).isEqualTo(2 * perConnection);
    }

    private int selectOne() throws Exception {
        Future<Integer> one = Connections.withConnection(pool, BOUND, conn -> conn.query("select 1")
                .execute()
                .map(rows -> rows.iterator().next().getInteger(0)));
        return one.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
}
