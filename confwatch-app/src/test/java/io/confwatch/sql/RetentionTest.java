package io.confwatch.sql;

import static io.confwatch.sql.ConfigDb.execute;
import static org.assertj.core.api.Assertions.assertThat;

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

/** confwatch.purge_changes: change-log retention. */
@ExtendWith(PostgresExtension.class)
class RetentionTest {
    private Connection c;

    /** Starts each test from an empty log: purge_changes relies on rows arriving in time order, as triggers write them. */
    @BeforeEach
    void open(TestDatabase db) throws SQLException {
        c = db.connect();
        execute(c, "delete from confwatch.config_changes");
    }

    @AfterEach
    void close() throws SQLException {
        c.close();
    }

    @Test
    void purgeChanges_rowsOlderThanMaxAge_deletesOnlyThose() throws SQLException {
        UUID tenant = UUID.randomUUID();
        logChange(tenant, 1, "30 days");
        logChange(tenant, 2, "2 days 1 minute");
        logChange(tenant, 3, "1 day 23 hours");
        logChange(tenant, 4, "1 minute");

        assertThat(purge("select confwatch.purge_changes('2 days')")).isEqualTo(2);
        assertThat(loggedVersions(tenant)).containsExactly(3L, 4L);
    }

    @Test
    void purgeChanges_defaultMaxAge_keepsTheLastSevenDays() throws SQLException {
        UUID tenant = UUID.randomUUID();
        logChange(tenant, 1, "7 days 1 minute");
        logChange(tenant, 2, "6 days 23 hours");

        assertThat(purge("select confwatch.purge_changes()")).isEqualTo(1);
        assertThat(loggedVersions(tenant)).containsExactly(2L);
    }

    @Test
    void purgeChanges_transactionStraddlingTheCut_keepsAllItsRows() throws SQLException {
        UUID tenant = UUID.randomUUID();
        logChange(tenant, 1, "8 days");
        logChange(tenant, 2, "7 days 1 second");
        logChange(tenant, 2, "6 days 23 hours 59 minutes");
        logChange(tenant, 3, "1 day");

        assertThat(purge("select confwatch.purge_changes('7 days')")).isEqualTo(1);
        assertThat(loggedVersions(tenant)).containsExactly(2L, 2L, 3L);
    }

    @Test
    void purgeChanges_nothingOldEnough_deletesNothing() throws SQLException {
        UUID tenant = UUID.randomUUID();
        logChange(tenant, 1, "1 hour");

        assertThat(purge("select confwatch.purge_changes('7 days')")).isZero();
        assertThat(loggedVersions(tenant)).containsExactly(1L);
    }

    @Test
    void purgeChanges_privileges_areNotGrantedToPublic() throws SQLException {
        try (PreparedStatement s = c.prepareStatement(
                        "select has_function_privilege('public', 'confwatch.purge_changes(interval)', 'execute')");
                ResultSet rs = s.executeQuery()) {
            rs.next();
            assertThat(rs.getBoolean(1)).isFalse();
        }
    }

    /** Writes a change-log row as the triggers would have {@code age} ago. */
    private void logChange(UUID tenant, long version, String age) throws SQLException {
        execute(
                c,
                "insert into confwatch.config_changes (tenant_id, entity, entity_id, op, version, changed_at, changed_by)"
                        + " values (?, 'monitor', gen_random_uuid(), 'UPDATE', ?, now() - ?::interval, 'test')",
                tenant,
                version,
                age);
    }

    private long purge(String sql) throws SQLException {
        try (PreparedStatement s = c.prepareStatement(sql);
                ResultSet rs = s.executeQuery()) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private List<Long> loggedVersions(UUID tenant) throws SQLException {
        try (PreparedStatement s =
                c.prepareStatement("select version from confwatch.config_changes where tenant_id = ? order by seq")) {
            s.setObject(1, tenant);
            try (ResultSet rs = s.executeQuery()) {
                List<Long> versions = new ArrayList<>();
                while (rs.next()) {
                    versions.add(rs.getLong(1));
                }
                return versions;
            }
        }
    }
}
