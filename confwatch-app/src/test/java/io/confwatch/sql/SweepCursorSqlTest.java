package io.confwatch.sql;

import static io.confwatch.sql.ConfigDb.execute;
import static io.confwatch.sql.ConfigDb.insertEntity;
import static io.confwatch.sql.ConfigDb.insertTenant;
import static org.assertj.core.api.Assertions.assertThat;

import io.confwatch.reload.TenantReadsAccess;
import io.confwatch.testing.PostgresExtension;
import io.confwatch.testing.TestDatabase;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * V7, V9 and the sweep's two statements, on the server itself (the PostgreSQL matrix runs this on 13–16): the horizon a
 * statement returns is the xmin of the snapshot it read under, and a read from it lists every tenant bumped or deleted
 * by a transaction that snapshot did not see — however late that transaction commits, whichever way it bumped — through
 * the xid indexes, or says that retention may have deleted what it would have listed.
 */
@ExtendWith(PostgresExtension.class)
class SweepCursorSqlTest {
    private TestDatabase db;
    private Connection sweeper;
    private Connection writer;
    private Connection longWriter;

    /** What one sweep statement returned. */
    record Read(List<UUID> changed, List<UUID> deleted, String xmin, boolean logIncomplete) {}

    @BeforeEach
    void open(TestDatabase database) throws SQLException {
        db = database;
        sweeper = db.connect();
        writer = db.connect();
        longWriter = db.connect();
    }

    @AfterEach
    void close() throws SQLException {
        sweeper.close();
        writer.close();
        longWriter.close();
    }

    @Test
    void sinceHorizon_transactionBumpedBeforeTwoSweepsCommittedAfter_listedByTheNextRead() throws SQLException {
        UUID tenant = insertTenant(writer);
        execute(longWriter, "begin");
        insertEntity(longWriter, "monitors", tenant, "late");
        Read first = everyTenant();
        // Later transactions commit meanwhile: the snapshots' xmax moves past the open one; their xmin does not.
        insertTenant(writer);
        Read second = since(first.xmin());
        insertTenant(writer);
        Read third = since(second.xmin());
        assertThat(third.changed()).doesNotContain(tenant);
        execute(longWriter, "commit");

        assertThat(since(third.xmin()).changed()).contains(tenant);
    }

    @Test
    void sinceHorizon_nothingChanged_listsNothing() throws SQLException {
        insertTenant(writer);
        Read first = everyTenant();
        Read second = since(first.xmin());
        Read third = since(second.xmin());
        assertThat(third.changed()).isEmpty();
        assertThat(third.deleted()).isEmpty();
        assertThat(third.logIncomplete()).isFalse();
    }

    @Test
    void sinceHorizon_bareTouchNameSetToItself_listedByTheNextRead() throws SQLException {
        UUID tenant = insertTenant(writer);
        Read before = everyTenant();
        execute(writer, "update confwatch.tenants set name = name where id = ?", tenant);

        assertThat(since(before.xmin()).changed()).containsExactly(tenant);
    }

    @Test
    void sinceHorizon_bareTouchInsideASavepointOfALongTransaction_listedOnceItCommits() throws SQLException {
        UUID tenant = insertTenant(writer);
        execute(longWriter, "begin");
        execute(longWriter, "select pg_current_xact_id()");
        Read first = everyTenant();
        execute(longWriter, "savepoint s");
        execute(longWriter, "update confwatch.tenants set status = status where id = ?", tenant);
        execute(longWriter, "release savepoint s");
        insertTenant(writer);
        Read second = since(first.xmin());
        assertThat(second.changed()).doesNotContain(tenant);
        execute(longWriter, "commit");

        assertThat(since(second.xmin()).changed()).contains(tenant);
    }

    @Test
    void sinceHorizon_retentionPurgedRowsAtOrAboveTheHorizon_readSaysTheLogIsIncomplete() throws SQLException {
        UUID tenant = insertTenant(writer);
        Read before = everyTenant();
        insertEntity(writer, "monitors", tenant, "soon purged");
        execute(writer, "select confwatch.purge_changes('0 seconds')");

        Read after = since(before.xmin());
        assertThat(after.changed()).doesNotContain(tenant);
        assertThat(after.logIncomplete()).isTrue();
        assertThat(since(after.xmin()).logIncomplete()).isFalse();
    }

    @Test
    void sinceHorizon_retentionPurgedOnlyRowsBelowTheHorizon_logComplete() throws SQLException {
        UUID tenant = insertTenant(writer);
        insertEntity(writer, "monitors", tenant, "old");
        execute(writer, "select confwatch.purge_changes('0 seconds')");
        Read before = everyTenant();
        insertEntity(writer, "monitors", tenant, "new");

        Read after = since(before.xmin());
        assertThat(after.changed()).containsExactly(tenant);
        assertThat(after.logIncomplete()).isFalse();
    }

    @Test
    void sinceHorizon_fromBeforeV9_readSaysTheLogIsIncomplete() throws SQLException {
        assertThat(since("1").logIncomplete()).isTrue();
    }

    @Test
    void changeRow_writtenInsideASavepoint_carriesTheTopLevelTransaction() throws SQLException {
        UUID tenant = insertTenant(writer);
        execute(writer, "begin");
        String top = scalar(writer, "select pg_current_xact_id()::text");
        execute(writer, "savepoint s");
        UUID monitor = insertEntity(writer, "monitors", tenant, "in a savepoint");
        execute(writer, "release savepoint s");
        execute(writer, "commit");

        assertThat(scalar(writer, "select xid::text from confwatch.config_changes where entity_id = '" + monitor + "'"))
                .isEqualTo(top);
    }

    @Test
    void sinceHorizon_tenantDeleted_listedAsDeletedWithTheDeletingTransaction() throws SQLException {
        UUID tenant = insertTenant(writer);
        Read before = everyTenant();
        execute(writer, "begin");
        execute(writer, "delete from confwatch.tenants where id = ?", tenant);
        String deleting = scalar(writer, "select pg_current_xact_id()::text");
        execute(writer, "commit");

        Read after = since(before.xmin());
        assertThat(after.deleted()).containsExactly(tenant);
        assertThat(after.changed()).doesNotContain(tenant);
        assertThat(scalar(
                        writer,
                        "select deleted_xid::text from confwatch.tenant_tombstones where tenant_id = '" + tenant + "'"))
                .isEqualTo(deleting);
    }

    @Test
    void sinceHorizon_tenantDeletedAndCreatedAgain_listedAsChangedNotDeleted() throws SQLException {
        UUID tenant = insertTenant(writer);
        Read before = everyTenant();
        execute(writer, "delete from confwatch.tenants where id = ?", tenant);
        execute(writer, "insert into confwatch.tenants (id, name) values (?, 'again')", tenant);

        Read after = since(before.xmin());
        assertThat(after.changed()).contains(tenant);
        assertThat(after.deleted()).doesNotContain(tenant);
    }

    @Test
    void sinceHorizon_manyTenants_readsThroughTheXidIndexes() throws SQLException {
        execute(
                writer,
                "insert into confwatch.tenants (id, name) select gen_random_uuid(), 'bulk-' || g"
                        + " from generate_series(1, 5000) g");
        execute(writer, "delete from confwatch.tenants where id in (select id from confwatch.tenants limit 500)");
        execute(writer, "analyze confwatch.tenants");
        execute(writer, "analyze confwatch.tenant_tombstones");
        Read now = everyTenant();

        execute(writer, "analyze confwatch.config_changes");
        String plan = explain(TenantReadsAccess.sweepSinceHorizon(), now.xmin());
        assertThat(plan)
                .contains("config_changes_xid_idx")
                .contains("tenant_tombstones_deleted_xid_idx")
                .doesNotContain("Seq Scan on tenants")
                .doesNotContain("Seq Scan on config_changes c");
    }

    /**
     * A log migrated to V9 has no statistics on {@code xid} until it is analyzed again (autovacuum waits for 10 % of its
     * rows to change): the planner then takes a third of the log for "changed since the horizon". The read must still
     * reach the tenants by their ids, not scan every tenant (a hash join over all of them measured 102 ms per sweep at
     * 100,000 tenants on a sharded pod, which computes every tenant's slot on the way).
     */
    @Test
    void sinceHorizon_noStatisticsOnTheLogsXid_stillReachesTenantsByTheirIds() throws SQLException {
        execute(
                writer,
                "insert into confwatch.tenants (id, name) select gen_random_uuid(), 'bulk-' || g"
                        + " from generate_series(1, 5000) g");
        execute(writer, "update confwatch.tenants set status = 'trial' where name like 'bulk-1%'");
        execute(writer, "analyze confwatch.tenants");
        execute(writer, "alter table confwatch.config_changes alter column xid set statistics 0");
        execute(writer, "analyze confwatch.config_changes");
        Read now = everyTenant();
        execute(writer, "update confwatch.tenants set status = 'active' where name in ('bulk-7', 'bulk-8')");

        try {
            String plan = explain(TenantReadsAccess.sweepSinceHorizon(), now.xmin());
            assertThat(plan)
                    .contains("config_changes_xid_idx")
                    .contains("tenants_pkey")
                    .doesNotContain("Seq Scan on tenants")
                    .doesNotContain("Seq Scan on config_changes c");
            assertThat(since(now.xmin()).changed()).hasSize(2);
        } finally {
            execute(writer, "alter table confwatch.config_changes alter column xid set statistics -1");
        }
    }

    private Read everyTenant() throws SQLException {
        try (PreparedStatement s = sweeper.prepareStatement(TenantReadsAccess.sweepEveryTenant())) {
            return read(s);
        }
    }

    private Read since(String xmin) throws SQLException {
        try (PreparedStatement s = sweeper.prepareStatement(jdbc(TenantReadsAccess.sweepSinceHorizon()))) {
            bindHorizon(s, xmin);
            return read(s);
        }
    }

    private static Read read(PreparedStatement s) throws SQLException {
        List<UUID> changed = new ArrayList<>();
        List<UUID> deleted = new ArrayList<>();
        String xmin = null;
        boolean logIncomplete = false;
        try (ResultSet rs = s.executeQuery()) {
            while (rs.next()) {
                switch (rs.getInt(1)) {
                    case 1 -> changed.add(rs.getObject(2, UUID.class));
                    case 2 -> deleted.add(rs.getObject(2, UUID.class));
                    case 3 -> logIncomplete = true;
                    default -> xmin = rs.getString(5).split(" ")[0];
                }
            }
        }
        assertThat(xmin).as("the horizon row").isNotNull();
        return new Read(changed, deleted, xmin, logIncomplete);
    }

    private String explain(String sql, String xmin) throws SQLException {
        try (PreparedStatement s = sweeper.prepareStatement("explain " + jdbc(sql))) {
            bindHorizon(s, xmin);
            StringBuilder plan = new StringBuilder();
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    plan.append(rs.getString(1)).append('\n');
                }
            }
            return plan.toString();
        }
    }

    /** Binds every placeholder of a cursor read (each one its {@code $1}) to the horizon. */
    private static void bindHorizon(PreparedStatement s, String xmin) throws SQLException {
        for (int i = 1; i <= s.getParameterMetaData().getParameterCount(); i++) {
            s.setString(i, xmin);
        }
    }

    /** The worker's statement with JDBC's placeholders for PostgreSQL's {@code $1}. */
    private static String jdbc(String sql) {
        return sql.replace("$1", "?");
    }

    private static String scalar(Connection c, String sql) throws SQLException {
        try (PreparedStatement s = c.prepareStatement(sql);
                ResultSet rs = s.executeQuery()) {
            rs.next();
            return rs.getString(1);
        }
    }
}
