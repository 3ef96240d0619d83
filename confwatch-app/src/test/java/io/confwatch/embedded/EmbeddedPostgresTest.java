package io.confwatch.embedded;

import static org.assertj.core.api.Assertions.assertThat;

import io.confwatch.testing.PostgresExtension;
import io.confwatch.testing.TestDatabase;
import java.sql.Connection;
import java.sql.ResultSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(PostgresExtension.class)
class EmbeddedPostgresTest {

    @Test
    void connect_testDatabase_isARealPostgresql13OrNewer(TestDatabase db) throws Exception {
        try (Connection c = db.connect();
                ResultSet rs = c.createStatement()
                        .executeQuery("select current_setting('server_version_num')::int, current_database()")) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getInt(1)).isGreaterThanOrEqualTo(130000);
            assertThat(rs.getString(2)).isEqualTo(db.database());
        }
    }

    @Test
    void createDatabase_eachTestClass_getsItsOwnDatabase(TestDatabase db, PostgresExtension.Server server) {
        assertThat(db.database()).startsWith("cw_embeddedpostgrestest_");
        assertThat(db.database()).isNotEqualTo(server.admin().database());
    }
}
