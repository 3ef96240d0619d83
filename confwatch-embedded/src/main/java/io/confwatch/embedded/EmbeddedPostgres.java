package io.confwatch.embedded;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real PostgreSQL server, from the binaries shipped in the jar, private to this process: loopback only, trust
 * authentication, a throw-away data directory. PostgreSQL refuses to run as root, so when this JVM is root the server
 * runs as {@code nobody} (uid 65534) through {@code setpriv}.
 */
public final class EmbeddedPostgres implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(EmbeddedPostgres.class);
    private static final int UNPRIVILEGED_ID = 65534;
    private static final String SUPERUSER = "postgres";
    private static final Pattern DATABASE_NAME = Pattern.compile("[a-z_][a-z0-9_]{0,62}");

    private final Path home;
    private final Path dataDir;
    private final Path logFile;
    private final int port;
    private final List<String> serverArgs;
    private final boolean dropPrivileges;
    private volatile Process server;
    private volatile String version = "unknown";

    private EmbeddedPostgres(
            Path home, Path dataDir, Path logFile, int port, List<String> serverArgs, boolean dropPrivileges) {
        this.home = home;
        this.dataDir = dataDir;
        this.logFile = logFile;
        this.port = port;
        this.serverArgs = List.copyOf(serverArgs);
        this.dropPrivileges = dropPrivileges;
    }

    /**
     * Starts a new server and waits until it accepts connections.
     *
     * @param durable whether commits are flushed to disk; off is faster and right for tests and demos
     */
    public static EmbeddedPostgres start(boolean durable) {
        return start(durable, Map.of(), dataDir -> {});
    }

    /** Writes files into a new server's data directory before it starts (e.g. TLS keys, {@code pg_hba.conf}). */
    @FunctionalInterface
    public interface DataDirectorySetup {
        void write(Path dataDir) throws IOException;
    }

    /**
     * Starts a new server with {@code settings} ({@code postgresql.conf} names and values) on top of the defaults, after
     * {@code setup} wrote its files into the data directory (they are handed to the server's user); waits until it
     * accepts connections. For servers that differ from the default one, e.g. with {@code ssl = on}.
     */
    public static EmbeddedPostgres start(boolean durable, Map<String, String> settings, DataDirectorySetup setup) {
        long started = System.nanoTime();
        Path tmp = Path.of(System.getProperty("java.io.tmpdir"));
        Path home = PostgresBinaries.install(tmp);
        boolean dropPrivileges = ProcessUser.isRoot();
        Path runDir = null;
        try {
            runDir = Files.createTempDirectory(tmp, "confwatch-pg-");
            Files.setPosixFilePermissions(runDir, PosixFilePermissions.fromString("rwxr-xr-x"));
            Path dataDir = runDir.resolve("data");
            Files.createDirectory(
                    dataDir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            if (dropPrivileges) {
                Files.setAttribute(dataDir, "unix:uid", UNPRIVILEGED_ID);
                Files.setAttribute(dataDir, "unix:gid", UNPRIVILEGED_ID);
            }
            Path logFile = runDir.resolve("postgres.log");
            run(
                    home,
                    dropPrivileges,
                    logFile,
                    Duration.ofMinutes(2),
                    "initdb",
                    "-D",
                    dataDir.toString(),
                    "-U",
                    SUPERUSER,
                    "-A",
                    "trust",
                    "-E",
                    "UTF8",
                    "--locale=C",
                    // Not --no-instructions: PostgreSQL 13's initdb refuses it; the hint goes to the log file.
                    "--no-sync");
            int port = freePort();
            List<String> serverArgs = new ArrayList<>(List.of(
                    "-D", dataDir.toString(),
                    "-p", Integer.toString(port),
                    "-c", "listen_addresses=127.0.0.1",
                    "-c", "unix_socket_directories=",
                    "-c", "max_connections=300",
                    "-c", "shared_buffers=128MB",
                    "-c", "log_min_messages=warning",
                    "-c", "log_min_error_statement=panic"));
            if (!durable) {
                serverArgs.addAll(
                        List.of("-c", "fsync=off", "-c", "synchronous_commit=off", "-c", "full_page_writes=off"));
            }
            settings.forEach((name, value) -> serverArgs.addAll(List.of("-c", name + "=" + value)));
            setup.write(dataDir);
            if (dropPrivileges) {
                try (var files = Files.list(dataDir)) {
                    for (Path file : files.filter(Files::isRegularFile).toList()) {
                        Files.setAttribute(file, "unix:uid", UNPRIVILEGED_ID);
                        Files.setAttribute(file, "unix:gid", UNPRIVILEGED_ID);
                    }
                }
            }
            EmbeddedPostgres pg = new EmbeddedPostgres(home, dataDir, logFile, port, serverArgs, dropPrivileges);
            pg.launch();
            log.info(
                    "Embedded PostgreSQL {} started in {} ms on 127.0.0.1:{} (data {}, log {}{})",
                    pg.version,
                    TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started),
                    port,
                    dataDir,
                    logFile,
                    dropPrivileges ? ", running as uid " + UNPRIVILEGED_ID : "");
            return pg;
        } catch (IOException e) {
            if (runDir != null) {
                PostgresBinaries.deleteRecursively(runDir);
            }
            throw new UncheckedIOException("cannot start the embedded PostgreSQL", e);
        }
    }

    /** The loopback port the server listens on. */
    public int port() {
        return port;
    }

    /** The superuser name; authentication is trust on loopback, so no password. */
    public String user() {
        return SUPERUSER;
    }

    /** A JDBC URL for {@code database} on this server. */
    public String jdbcUrl(String database) {
        return "jdbc:postgresql://127.0.0.1:" + port + "/" + database;
    }

    /** What a person types to look inside {@code database}. */
    public String psqlCommand(String database) {
        return "psql postgresql://" + SUPERUSER + "@127.0.0.1:" + port + "/" + database;
    }

    /** The server's data directory: stop the server before copying it (a backup) or replacing it (a restore). */
    /** The server's data directory: stop the server before copying it (a backup) or replacing it (a restore). */
    public Path dataDirectory() {
        return dataDir;
    }

    /** The server's log file. */
    public Path logFile() {
        return logFile;
    }

    /** Creates {@code name} unless it exists. */
    public void createDatabase(String name) {
        if (!DATABASE_NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("not a plain database name: " + name);
        }
        try (Connection c = DriverManager.getConnection(jdbcUrl("postgres"), SUPERUSER, "");
                Statement s = c.createStatement()) {
            var rs = s.executeQuery("select 1 from pg_database where datname = '" + name + "'");
            if (!rs.next()) {
                s.execute("create database " + name);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot create database " + name + ": " + e.getMessage(), e);
        }
    }

    /**
     * Stops the server (fast shutdown: open sessions are ended) and keeps its data, so {@link #restart()} can bring it
     * back on the same port: a database outage, for tests.
     */
    public synchronized void stop() {
        stopServer();
    }

    /** Starts the server again on the same data and port, stopping it first if it runs; waits until it is ready. */
    public synchronized void restart() {
        stopServer();
        try {
            launch();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot restart the embedded PostgreSQL", e);
        }
    }

    /** Whether the server process is running. */
    public boolean isRunning() {
        Process current = server;
        return current != null && current.isAlive();
    }

    /** Stops the server (fast shutdown: open sessions are ended) and deletes its data directory. */
    @Override
    public synchronized void close() {
        stopServer();
        PostgresBinaries.deleteRecursively(dataDir.getParent());
    }

    private void launch() throws IOException {
        server = command(home, dropPrivileges, logFile, "postgres", serverArgs.toArray(String[]::new))
                .start();
        awaitReady(Duration.ofSeconds(60));
    }

    private void stopServer() {
        Process current = server;
        if (current != null && current.isAlive()) {
            try {
                run(
                        home,
                        dropPrivileges,
                        logFile,
                        Duration.ofSeconds(30),
                        "pg_ctl",
                        "stop",
                        "-D",
                        dataDir.toString(),
                        "-m",
                        "fast",
                        "-w",
                        "-t",
                        "20");
            } catch (RuntimeException e) {
                log.warn("pg_ctl stop failed, killing the embedded PostgreSQL: {}", e.getMessage());
            }
            current.destroyForcibly();
            try {
                current.waitFor(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private void awaitReady(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        SQLException last = null;
        while (System.nanoTime() < deadline) {
            if (!server.isAlive()) {
                throw new IllegalStateException(
                        "the embedded PostgreSQL exited with " + server.exitValue() + ":\n" + tail(logFile));
            }
            try (Connection c = DriverManager.getConnection(jdbcUrl("postgres"), SUPERUSER, "");
                    Statement s = c.createStatement();
                    var rs = s.executeQuery("select current_setting('server_version')")) {
                rs.next();
                version = rs.getString(1);
                return;
            } catch (SQLException e) {
                last = e;
            }
            try {
                Thread.sleep(25);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for the embedded PostgreSQL", e);
            }
        }
        server.destroyForcibly();
        throw new IllegalStateException("the embedded PostgreSQL did not accept connections within " + timeout + " ("
                + (last == null ? "" : last.getMessage()) + "):\n" + tail(logFile));
    }

    private static void run(
            Path home, boolean dropPrivileges, Path logFile, Duration timeout, String program, String... args) {
        try {
            Process p = command(home, dropPrivileges, logFile, program, args).start();
            if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException(program + " did not finish within " + timeout);
            }
            if (p.exitValue() != 0) {
                throw new IllegalStateException(
                        program + " failed with exit code " + p.exitValue() + ":\n" + tail(logFile));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run " + program, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running " + program, e);
        }
    }

    private static ProcessBuilder command(
            Path home, boolean dropPrivileges, Path logFile, String program, String... args) {
        List<String> cmd = new ArrayList<>();
        if (dropPrivileges) {
            String id = Integer.toString(UNPRIVILEGED_ID);
            cmd.addAll(List.of(setpriv(), "--reuid=" + id, "--regid=" + id, "--clear-groups", "--"));
        }
        cmd.add(home.resolve("bin").resolve(program).toString());
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()));
        Map<String, String> env = pb.environment();
        env.keySet().removeIf(k -> k.startsWith("PG"));
        env.put("LC_ALL", "C");
        env.put("HOME", home.toString());
        return pb;
    }

    private static String setpriv() {
        for (String candidate : List.of("/usr/bin/setpriv", "/bin/setpriv", "/usr/sbin/setpriv")) {
            if (Files.isExecutable(Path.of(candidate))) {
                return candidate;
            }
        }
        throw new IllegalStateException("running as root: the embedded PostgreSQL needs setpriv (util-linux) to run "
                + "as an unprivileged user; install util-linux, run as a non-root user, or configure an external "
                + "database with PGHOST or CONFWATCH_DATABASE_URL");
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    private static String tail(Path logFile) {
        try {
            List<String> lines = Files.readAllLines(logFile, StandardCharsets.UTF_8);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 20), lines.size()));
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }
}
