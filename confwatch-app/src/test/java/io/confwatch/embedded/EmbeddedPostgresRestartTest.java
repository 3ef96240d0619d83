package io.confwatch.embedded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.junit.jupiter.api.Test;

class EmbeddedPostgresRestartTest {

    @Test
    void stopThenRestart_sameServer_downMeanwhileThenBackWithItsData() throws SQLException {
        try (EmbeddedPostgres pg = EmbeddedPostgres.start(/* durable= */ false)) {
            int port = pg.port();
            execute(pg, "create table kept (v int); insert into kept values (42)");

            pg.stop();
            assertThat(pg.isRunning()).isFalse();
            assertThatThrownBy(() -> execute(pg, "select 1")).isInstanceOf(SQLException.class);

            pg.restart();
            assertThat(pg.isRunning()).isTrue();
            assertThat(pg.port()).isEqualTo(port);
            try (Connection c = DriverManager.getConnection(pg.jdbcUrl("postgres"), pg.user(), "");
                    ResultSet rs = c.createStatement().executeQuery("select v from kept")) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getInt(1)).isEqualTo(42);
            }
        }
    }

    @Test
    void restart_running_endsOpenSessions() throws SQLException {
        try (EmbeddedPostgres pg = EmbeddedPostgres.start(/* durable= */ false);
                Connection held = DriverManager.getConnection(pg.jdbcUrl("postgres"), pg.user(), "")) {
            pg.restart();
            assertThatThrownBy(() -> held.createStatement().execute("select 1")).isInstanceOf(SQLException.class);
            execute(pg, "select 1");
        }
    }

    private static void execute(EmbeddedPostgres pg, String sql) throws SQLException {
        try (Connection c = DriverManager.getConnection(pg.jdbcUrl("postgres"), pg.user(), "");
                Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }
}
