package io.confwatch.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Properties;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(PostgresExtension.class)
class FaultProxyTest {
    private FaultProxy proxy;
    private TestDatabase db;

    @BeforeEach
    void startProxy(TestDatabase db) {
        this.db = db;
        proxy = FaultProxy.start(db.host(), db.port());
    }

    @AfterEach
    void closeProxy() {
        proxy.close();
    }

    @Test
    void connect_throughProxy_reachesTheDatabase() throws SQLException {
        try (Connection c = viaProxy()) {
            assertThat(selectOne(c)).isEqualTo(1);
        }
        assertThat(proxy.accepted()).isEqualTo(1);
    }

    @Test
    void closeAll_heldConnection_failsItsNextQuery() throws SQLException {
        try (Connection c = viaProxy()) {
            selectOne(c);
            proxy.closeAll();
            assertThatThrownBy(() -> selectOne(c)).isInstanceOf(SQLException.class);
        }
        try (Connection fresh = viaProxy()) {
            assertThat(selectOne(fresh)).isEqualTo(1);
        }
    }

    @Test
    void stall_heldConnectionSilentNewOnesPass_resumeDeliversTheHeldReply() throws Exception {
        try (Connection held = viaProxy()) {
            selectOne(held);
            proxy.stall();
            Thread query = new Thread(() -> {
                try {
                    selectOne(held);
                } catch (SQLException e) {
                    throw new IllegalStateException(e);
                }
            });
            query.start();
            try (Connection fresh = viaProxy()) {
                assertThat(selectOne(fresh)).isEqualTo(1);
            }
            query.join(300);
            assertThat(query.isAlive())
                    .as("query on a stalled connection still waiting")
                    .isTrue();
            assertThat(proxy.connections()).isEqualTo(1);

            proxy.resume();
            query.join(5_000);
            assertThat(query.isAlive()).as("query answered after resume").isFalse();
        }
    }

    @Test
    void refuse_newConnectionsFail_acceptLetsThemThroughAgain() throws SQLException {
        proxy.refuse();
        assertThatThrownBy(this::viaProxy).isInstanceOf(SQLException.class);
        proxy.accept();
        try (Connection c = viaProxy()) {
            assertThat(selectOne(c)).isEqualTo(1);
        }
    }

    @Test
    void close_heldConnections_areReset() throws SQLException {
        try (Connection c = viaProxy()) {
            selectOne(c);
            proxy.close();
            await().atMost(Duration.ofSeconds(5)).until(() -> proxy.connections() == 0);
            assertThatThrownBy(() -> selectOne(c)).isInstanceOf(SQLException.class);
        }
    }

    private Connection viaProxy() throws SQLException {
        Properties properties = new Properties();
        properties.setProperty("user", db.user());
        properties.setProperty("password", db.password());
        properties.setProperty("connectTimeout", "2");
        return DriverManager.getConnection(
                "jdbc:postgresql://127.0.0.1:" + proxy.port() + "/" + db.database(), properties);
    }

    private static int selectOne(Connection c) throws SQLException {
        try (Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("select 1")) {
            rs.next();
            return rs.getInt(1);
        }
    }
}
