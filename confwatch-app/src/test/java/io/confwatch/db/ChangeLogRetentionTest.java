package io.confwatch.db;

import static org.assertj.core.api.Assertions.assertThat;

import io.confwatch.config.DatabaseTarget;
import io.confwatch.config.PoolSettings;
import io.confwatch.config.WorkerConfig;
import io.confwatch.testing.PostgresExtension;
import io.confwatch.testing.TestDatabase;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.Pool;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(PostgresExtension.class)
class ChangeLogRetentionTest {
    private Vertx vertx;

    @BeforeEach
    void startVertx() {
        vertx = Vertx.vertx();
    }

    @AfterEach
    void closeVertx() throws Exception {
        vertx.close().await(10, TimeUnit.SECONDS);
    }

    private Pool pool(TestDatabase db, String user) {
        PoolSettings settings = WorkerConfig.defaults().pool();
        return new PgClients(vertx, DatabaseTarget.of(db.host(), db.port(), db.database(), user), settings, "test")
                .pool(2, "retention-test");
    }

    @Test
    void purgeOnce_oldRows_deletesThemAndKeepsRecentOnes(TestDatabase db) throws Exception {
        UUID tenant = UUID.randomUUID();
        db.execute("delete from confwatch.config_changes;"
                + "insert into confwatch.config_changes (tenant_id, entity, entity_id, op, version, changed_at,"
                + " changed_by) values ('" + tenant + "', 'monitor', '" + tenant + "', 'UPDATE', 1,"
                + " now() - interval '10 days', 'test'), ('" + tenant + "', 'monitor', '" + tenant + "', 'UPDATE', 2,"
                + " now() - interval '1 hour', 'test')");
        ChangeLogRetention retention = new ChangeLogRetention(
                vertx, pool(db, db.user()), Duration.ofDays(7), Duration.ofHours(1), Duration.ofSeconds(10));

        long deleted = retention.purgeOnce().await(10, TimeUnit.SECONDS);

        assertThat(deleted).isEqualTo(1);
        try (Connection c = db.connect();
                Statement s = c.createStatement();
                var rs = s.executeQuery(
                        "select count(*) from confwatch.config_changes where tenant_id = '" + tenant + "'")) {
            rs.next();
            assertThat(rs.getInt(1)).isEqualTo(1);
        }
    }

    @Test
    void purgeOnce_anotherPodHoldsTheLock_skipsThisRound(TestDatabase db) throws Exception {
        ChangeLogRetention retention = new ChangeLogRetention(
                vertx, pool(db, db.user()), Duration.ofDays(7), Duration.ofHours(1), Duration.ofSeconds(10));
        try (Connection other = db.connect();
                Statement s = other.createStatement()) {
            other.setAutoCommit(false);
            s.execute("select pg_advisory_xact_lock(" + 0x636f6e6677617463L + ")");

            assertThat(retention.purgeOnce().await(10, TimeUnit.SECONDS)).isEqualTo(-1L);
            other.rollback();
        }
    }

    @Test
    void purgeOnce_leastPrivilegeRole_failsWithInsufficientPrivilege(TestDatabase db) throws Exception {
        db.execute(new String(
                getClass().getResourceAsStream("/db/roles.sql").readAllBytes(),
                java.nio.charset.StandardCharsets.UTF_8));
        db.execute("do $$ begin if not exists (select from pg_roles where rolname = 'retention_reader') then"
                + " create role retention_reader login in role confwatch_worker; end if; end $$");
        ChangeLogRetention retention = new ChangeLogRetention(
                vertx, pool(db, "retention_reader"), Duration.ofDays(7), Duration.ofHours(1), Duration.ofSeconds(10));

        Throwable failure = retention
                .purgeOnce()
                .toCompletionStage()
                .handle((ok, error) -> error)
                .toCompletableFuture()
                .get(10, TimeUnit.SECONDS);

        assertThat(failure).isInstanceOf(PgException.class);
        assertThat(((PgException) failure).getSqlState()).isEqualTo("42501");
    }
}
