package io.confwatch.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.confwatch.ConfWatch;
import io.confwatch.config.Mode;
import io.confwatch.config.Shard;
import io.confwatch.config.SlotOwnership;
import io.confwatch.config.TenantSlot;
import io.confwatch.config.WorkerConfig;
import io.confwatch.db.JdbcTarget;
import io.confwatch.db.Migrations;
import io.confwatch.embedded.EmbeddedPostgres;
import io.confwatch.metrics.ConfWatchMetrics;
import io.confwatch.model.TenantSnapshot;
import io.confwatch.testing.TestDatabase;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a sharded pod reads, counted by the database itself (pg_stat_statements, rows returned to the worker's
 * statements), against an unsharded pod on the same data (issue 15: "a pod owning shard 0 of 4 reads at most 35 % of
 * the rows an unsharded start reads"). Its own server: pg_stat_statements must be preloaded.
 */
class ShardedReadsTest {
    private static final Logger log = LoggerFactory.getLogger(ShardedReadsTest.class);
    private static final int TENANTS = 2_000;
    private static final int MONITORS_PER_TENANT = 5;
    private static final Shard SHARD = new Shard(0, 4);

    private static EmbeddedPostgres server;
    private static TestDatabase db;

    @BeforeAll
    static void seed() throws SQLException {
        server = EmbeddedPostgres.start(
                /* durable= */ false, Map.of("shared_preload_libraries", "pg_stat_statements"), dataDir -> {});
        server.createDatabase("sharded_reads");
        JdbcTarget target = new JdbcTarget("127.0.0.1", server.port(), "sharded_reads", server.user(), "", "disable");
        Migrations.apply(target);
        db = new TestDatabase(target);
        try (Connection c = db.connect();
                Statement s = c.createStatement()) {
            s.execute("create extension pg_stat_statements");
            s.execute("insert into confwatch.tenants (id, name) select gen_random_uuid(), 'reads-' || g"
                    + " from generate_series(1, " + TENANTS + ") g");
            s.execute("insert into confwatch.monitors (tenant_id, name, definition)"
                    + " select t.id, 'm' || g, '{\"networks\": [\"ethereum_mainnet\"]}'"
                    + " from confwatch.tenants t, generate_series(1, " + MONITORS_PER_TENANT + ") g");
            s.execute("analyze");
        }
    }

    @AfterAll
    static void stopServer() {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void startUp_shardZeroOfFour_readsAtMost35PercentOfAnUnshardedStart() throws SQLException {
        long unsharded = rowsRead(() -> close(start(Shard.NONE)));
        Set<UUID> owned = ownedTenants();
        long[] heldBySharded = new long[1];
        long sharded = rowsRead(() -> {
            ConfWatch pod = start(SHARD);
            heldBySharded[0] = pod.tenants().size();
            assertThat(held(pod)).isEqualTo(owned);
            close(pod);
        });

        log.info(
                "Start-up rows: unsharded {}, shard {} {} ({} of {} tenants)",
                unsharded,
                SHARD,
                sharded,
                owned.size(),
                TENANTS);
        assertThat(unsharded).isGreaterThanOrEqualTo(TENANTS * (1 + MONITORS_PER_TENANT));
        assertThat(heldBySharded[0]).isEqualTo(owned.size());
        assertThat((double) sharded / unsharded).isLessThanOrEqualTo(0.35);
        // It read its own tenants whole (a quarter, give or take), not nothing.
        assertThat(sharded).isGreaterThanOrEqualTo((long) owned.size() * (1 + MONITORS_PER_TENANT));
    }

    @Test
    void fullReload_shardZeroOfFour_versionsAndReadsOnlyOwnedTenants() throws SQLException {
        Set<UUID> owned = ownedTenants();
        ConfWatch unshardedPod = start(Shard.NONE);
        long unsharded = rowsRead(() -> reloadAll(unshardedPod, TENANTS));
        close(unshardedPod);
        ConfWatch shardedPod = start(SHARD);
        long sharded = rowsRead(() -> reloadAll(shardedPod, owned.size()));
        long versionRows = versionsRowsPerCall();
        close(shardedPod);

        log.info(
                "Full reload rows: unsharded {}, shard {} {}; version read {} rows",
                unsharded,
                SHARD,
                sharded,
                versionRows);
        assertThat((double) sharded / unsharded).isLessThanOrEqualTo(0.35);
        // The sweep's and the full reload's version read returns the owned tenants and no other.
        assertThat(versionRows).isEqualTo(owned.size());
    }

    @Test
    void sweeps_shardZeroOfFour_compareAndFollowOnlyOwnedTenants() throws SQLException {
        Set<UUID> owned = ownedTenants();
        WorkerConfig config = Fixtures.config(db).withShard(SHARD).withWorkerId("sweeps-" + SHARD.count());
        ConfWatch pod = Fixtures.startReady(config.withMode(Mode.POLL)
                .withReload(config.reload()
                        .withPollInterval(Duration.ofMillis(200))
                        .withSweepFullInterval(Duration.ofHours(1))));
        try {
            // The first sweep after start compares every tenant: every owned one, and no other.
            await().atMost(Fixtures.WAIT).until(() -> sweeps(pod, "full") >= 1 && sweeps(pod, "cursor") >= 1);
            assertThat(rows(pod, "full") / sweeps(pod, "full")).isEqualTo(owned.size());

            // Changes to tenants owned elsewhere are not this pod's to read, not even by the cursor.
            try (Connection c = db.connect();
                    Statement s = c.createStatement()) {
                s.execute("update confwatch.tenants set name = name || '-elsewhere'"
                        + " where id <> all('{"
                        + owned.stream().map(UUID::toString).collect(Collectors.joining(","))
                        + "}'::uuid[])");
            }
            double cursorSweeps = sweeps(pod, "cursor");
            double cursorRows = rows(pod, "cursor");
            await().atMost(Fixtures.WAIT).until(() -> sweeps(pod, "cursor") >= cursorSweeps + 3);
            assertThat(rows(pod, "cursor"))
                    .as("cursor rows after changes elsewhere")
                    .isEqualTo(cursorRows);

            // A change to an owned tenant is followed.
            UUID mine = owned.iterator().next();
            long version = pod.snapshot(mine).orElseThrow().version();
            try (Connection c = db.connect();
                    Statement s = c.createStatement()) {
                s.execute("update confwatch.tenants set name = name || '-mine' where id = '" + mine + "'");
            }
            assertThat(Fixtures.within(pod.awaitVersion(mine, version + 1, Fixtures.WAIT)))
                    .isPresent();
        } finally {
            close(pod);
        }
    }

    private static double sweeps(ConfWatch pod, String kind) {
        return Fixtures.count(pod, ConfWatchMetrics.SWEEPS, "kind", kind);
    }

    private static double rows(ConfWatch pod, String kind) {
        return Fixtures.count(pod, ConfWatchMetrics.SWEEP_ROWS, "kind", kind);
    }

    /** One full reload of {@code expected} owned tenants, to its end (its digests, and whatever it reads whole). */
    private static void reloadAll(ConfWatch pod, int expected) {
        assertThat(Fixtures.within(pod.fullReload()).tenants()).isEqualTo(expected);
    }

    private static ConfWatch start(Shard shard) {
        return Fixtures.startReady(Fixtures.config(db).withShard(shard).withWorkerId("reads-" + shard.count()));
    }

    private static void close(ConfWatch pod) {
        pod.close();
    }

    /** Rows returned to every statement in this database while {@code action} ran, but the measurement's own. */
    private static long rowsRead(Runnable action) throws SQLException {
        try (Connection c = db.connect();
                Statement s = c.createStatement()) {
            s.execute("select pg_stat_statements_reset()");
            action.run();
            try (ResultSet rs = s.executeQuery("select coalesce(sum(rows), 0) from pg_stat_statements"
                    + " where dbid = (select oid from pg_database where datname = current_database())"
                    + " and query not like '%pg_stat_statements%'")) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    /** Rows per call of the worker's version read (the sweep's and the full reload's first statement). */
    private static long versionsRowsPerCall() throws SQLException {
        try (Connection c = db.connect();
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("select sum(rows) / sum(calls) from pg_stat_statements"
                        + " where query like 'select id, config_version, changed_at from confwatch.tenants where %'")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static Set<UUID> ownedTenants() throws SQLException {
        try (Connection c = db.connect();
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("select id from confwatch.tenants")) {
            Set<UUID> owned = new java.util.HashSet<>();
            while (rs.next()) {
                UUID tenant = rs.getObject(1, UUID.class);
                if (SlotOwnership.owner(TenantSlot.of(tenant), SHARD.count()) == SHARD.index()) {
                    owned.add(tenant);
                }
            }
            return owned;
        }
    }

    private static Set<UUID> held(ConfWatch pod) {
        return pod.tenants().stream().map(TenantSnapshot::tenant).collect(Collectors.toSet());
    }
}
