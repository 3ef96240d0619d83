package io.confwatch.sql;

import static io.confwatch.sql.ConfigDb.execute;
import static io.confwatch.sql.ConfigDb.version;
import static org.assertj.core.api.Assertions.assertThat;

import io.confwatch.testing.PostgresExtension;
import io.confwatch.testing.TestDatabase;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** A tenant id's versions never repeat: a re-created tenant continues above every version its id ever had. */
@ExtendWith(PostgresExtension.class)
class TenantNumberingTest {
    private Connection c;

    @BeforeEach
    void open(TestDatabase db) throws SQLException {
        c = db.connect();
    }

    @AfterEach
    void close() throws SQLException {
        c.close();
    }

    @Test
    void recreate_inOneTransaction_continuesAboveTheDelete() throws SQLException {
        UUID tenant = tenantAtVersion(3);

        execute(c, "begin");
        execute(c, "delete from confwatch.tenants where id = ?", tenant);
        execute(c, "insert into confwatch.tenants (id, name) values (?, 'again')", tenant);
        execute(c, "commit");

        assertThat(version(c, tenant)).isEqualTo(5);
    }

    @Test
    void recreate_afterRetentionPurgedTheLog_continuesAboveTheTombstone() throws SQLException {
        UUID tenant = tenantAtVersion(3);
        execute(c, "delete from confwatch.tenants where id = ?", tenant);
        execute(c, "delete from confwatch.config_changes where tenant_id = ?", tenant);

        execute(c, "insert into confwatch.tenants (id, name) values (?, 'again')", tenant);

        assertThat(version(c, tenant)).isEqualTo(5);
    }

    @Test
    void tombstoneFunctions_privileges_areNotGrantedToPublic() throws SQLException {
        for (String function : new String[] {"confwatch.tenants_tombstone()", "confwatch.tenants_renumber()"}) {
            try (PreparedStatement s = c.prepareStatement("select has_function_privilege('public', ?, 'execute')"); ) {
                s.setString(1, function);
                try (ResultSet rs = s.executeQuery()) {
                    rs.next();
                    assertThat(rs.getBoolean(1)).as(function).isFalse();
                }
            }
        }
    }

    private UUID tenantAtVersion(long version) throws SQLException {
        UUID tenant = ConfigDb.insertTenant(c);
        while (version(c, tenant) < version) {
            execute(c, "update confwatch.tenants set name = name || '.' where id = ?", tenant);
        }
        return tenant;
    }
}
