package io.confwatch.faults;

import io.confwatch.config.DatabaseTarget;
import io.confwatch.config.SslMode;
import io.confwatch.config.WorkerConfig;
import io.confwatch.db.JdbcTarget;
import io.confwatch.db.Migrations;
import io.confwatch.embedded.EmbeddedPostgres;
import io.confwatch.testing.FaultProxy;
import io.confwatch.testing.TestDatabase;
import java.io.IOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A PostgreSQL server of the fault tests' own (so stopping and restarting it disturbs no other test class) with a
 * {@link FaultProxy} in front. Workers connect through the proxy; the tests write and read directly.
 */
final class FaultRig implements AutoCloseable {
    /** The settings that bound recovery in these tests (see {@link #config}). */
    static final Duration HEARTBEAT = Duration.ofMillis(500);

    static final Duration HEARTBEAT_TIMEOUT = Duration.ofMillis(400);

    static final Duration PROBE_INTERVAL = Duration.ofMillis(500);
    static final Duration PROBE_TIMEOUT = Duration.ofMillis(400);
    static final Duration QUERY_TIMEOUT = Duration.ofSeconds(1);
    static final Duration RECONNECT_MIN = Duration.ofMillis(100);
    static final Duration RECONNECT_MAX = Duration.ofSeconds(1);
    static final Duration RETRY_MIN = Duration.ofMillis(100);
    static final Duration RETRY_MAX = Duration.ofSeconds(1);

    private static final AtomicInteger DATABASES = new AtomicInteger();

    private final EmbeddedPostgres server;
    private final FaultProxy proxy;

    private FaultRig(EmbeddedPostgres server, FaultProxy proxy) {
        this.server = server;
        this.proxy = proxy;
    }

    static FaultRig start() {
        EmbeddedPostgres server = EmbeddedPostgres.start(/* durable= */ false);
        return new FaultRig(server, FaultProxy.start("127.0.0.1", server.port()));
    }

    FaultProxy proxy() {
        return proxy;
    }

    EmbeddedPostgres server() {
        return server;
    }

    /** A new database with the migrations applied, reached directly (not through the proxy). */
    TestDatabase createDatabase(String prefix) {
        String name = prefix + "_" + DATABASES.incrementAndGet();
        server.createDatabase(name);
        JdbcTarget target = new JdbcTarget("127.0.0.1", server.port(), name, server.user(), "", "disable");
        Migrations.apply(target);
        return new TestDatabase(target);
    }

    /**
     * A worker on {@code db} through the proxy, with short liveness checks and backoffs. Sweeps stay out of the way
     * (every 10 minutes), so what brings tenants back in line after a fault is the reconnect's catch-up, a hint or a
     * retry — never a periodic sweep.
     */
    WorkerConfig config(TestDatabase db) {
        WorkerConfig defaults = WorkerConfig.defaults();
        return defaults.withDatabase(DatabaseTarget.of("127.0.0.1", proxy.port(), db.database(), db.user())
                        .withSslMode(SslMode.DISABLE))
                .withHttpPort(0)
                .withPool(defaults.pool().withQueryTimeout(QUERY_TIMEOUT).withConnectTimeout(QUERY_TIMEOUT))
                .withListener(defaults.listener()
                        .withHeartbeat(HEARTBEAT, HEARTBEAT_TIMEOUT)
                        .withProbe(PROBE_INTERVAL, PROBE_TIMEOUT)
                        .withReconnectBackoff(RECONNECT_MIN, RECONNECT_MAX))
                .withReload(defaults.reload()
                        .withSweepInterval(Duration.ofMinutes(10))
                        .withFullReloadInterval(Duration.ofHours(1))
                        .withRetryBackoff(RETRY_MIN, RETRY_MAX));
    }

    /** Ends the LISTEN session of worker {@code workerId} from the server side; returns how many sessions ended. */
    int terminateListener(TestDatabase db, String workerId) {
        try (Connection c = db.connect();
                PreparedStatement s = c.prepareStatement(
                        "select count(pg_terminate_backend(pid)) from pg_stat_activity where application_name = ?")) {
            s.setString(1, "confwatch-" + workerId + "-listen");
            try (ResultSet rs = s.executeQuery()) {
                rs.next();
                return rs.getInt(1);
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Stops the server, copies its data directory to {@code backup}, starts it again. */
    void copyDataTo(Path backup) throws IOException, InterruptedException {
        server.stop();
        run("cp", "-a", server.dataDirectory() + "/.", backup.toString());
        server.restart();
    }

    /** Stops the server, puts the copy in {@code backup} in place of its data directory, starts it again. */
    void restoreDataFrom(Path backup) throws IOException, InterruptedException {
        server.stop();
        Path data = server.dataDirectory();
        run("find", data.toString(), "-mindepth", "1", "-delete");
        run("cp", "-a", backup + "/.", data.toString());
        server.restart();
    }

    private static void run(String... command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command).inheritIO().start();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new IllegalStateException("did not finish in 60 s: " + String.join(" ", command));
        }
        if (process.exitValue() != 0) {
            throw new IllegalStateException("exit " + process.exitValue() + ": " + String.join(" ", command));
        }
    }

    /** Stops the proxy and the server, deleting its data. */
    @Override
    public void close() {
        proxy.close();
        server.close();
    }
}
