package io.confwatch.testing;

import io.confwatch.embedded.ProcessUser;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * A real PgBouncer in transaction mode in front of a test database, for the tests that show what a transaction pooler
 * does to the worker. Started from Debian's {@code pgbouncer} binary (installed by {@code .ci/run}, or
 * {@code CONFWATCH_TEST_PGBOUNCER} naming one), on a free loopback port, with its own ini and user list in a
 * temporary directory; as {@code nobody} when the JVM is root (PgBouncer refuses to run as root). A missing binary
 * fails the test with what to install: the test cannot be skipped.
 */
public final class PgBouncer implements AutoCloseable {
    /** Environment variable naming the pgbouncer binary, when it is not on the usual paths. */
    public static final String BINARY_VARIABLE = "CONFWATCH_TEST_PGBOUNCER";

    private static final int UNPRIVILEGED_ID = 65534;
    private static final Duration START_TIMEOUT = Duration.ofSeconds(20);

    private final Process process;
    private final Path directory;
    private final int port;

    private PgBouncer(Process process, Path directory, int port) {
        this.process = process;
        this.directory = directory;
        this.port = port;
    }

    /**
     * Starts PgBouncer in transaction mode in front of {@code db}'s server, with {@code serverPoolSize} server
     * connections per database and user: 1 makes every client share one server connection, as a busy pooler would.
     */
    public static PgBouncer startTransactionMode(TestDatabase db, int serverPoolSize) {
        Path binary = binary();
        try {
            Path directory = Files.createTempDirectory("confwatch-pgbouncer-");
            int port = freePort();
            String password = db.password() == null ? "" : db.password();
            String ini = String.join(
                    "\n",
                    "[databases]",
                    "* = host=" + db.host() + " port=" + db.port()
                            + (password.isEmpty() ? "" : " password=" + password),
                    "[pgbouncer]",
                    "listen_addr = 127.0.0.1",
                    "listen_port = " + port,
                    "unix_socket_dir =",
                    "auth_type = trust",
                    "auth_file = " + directory.resolve("userlist.txt"),
                    "pool_mode = transaction",
                    "default_pool_size = " + serverPoolSize,
                    "max_client_conn = 200",
                    // What PgBouncer cannot pass on, it must be told to ignore (the worker sends these at connect).
                    "ignore_startup_parameters = extra_float_digits,statement_timeout,tcp_keepalives_idle,"
                            + "tcp_keepalives_interval,tcp_keepalives_count",
                    "logfile = " + directory.resolve("pgbouncer.log"),
                    "pidfile = " + directory.resolve("pgbouncer.pid"),
                    "");
            Files.writeString(directory.resolve("pgbouncer.ini"), ini, StandardCharsets.UTF_8);
            Files.writeString(
                    directory.resolve("userlist.txt"),
                    "\"" + db.user() + "\" \"" + password + "\"\n",
                    StandardCharsets.UTF_8);
            List<String> command = new ArrayList<>();
            if (ProcessUser.isRoot()) {
                // The unprivileged user must read the ini and write the log next to it.
                Files.setPosixFilePermissions(directory, PosixFilePermissions.fromString("rwxrwxrwx"));
                try (Stream<Path> files = Files.list(directory)) {
                    for (Path file : files.toList()) {
                        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-rw-rw-"));
                    }
                }
                command.addAll(List.of(
                        "setpriv", "--reuid=" + UNPRIVILEGED_ID, "--regid=" + UNPRIVILEGED_ID, "--clear-groups", "--"));
            }
            command.add(binary.toString());
            command.add(directory.resolve("pgbouncer.ini").toString());
            Process process = new ProcessBuilder(command)
                    .redirectErrorStream(true)
                    .redirectOutput(directory.resolve("stdout.log").toFile())
                    .start();
            PgBouncer bouncer = new PgBouncer(process, directory, port);
            bouncer.awaitListening();
            return bouncer;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start pgbouncer", e);
        }
    }

    /** The loopback port clients connect to. */
    public int port() {
        return port;
    }

    /** PgBouncer's own log, for a failing test's message. */
    public String log() {
        try {
            Path log = directory.resolve("pgbouncer.log");
            return Files.exists(log) ? Files.readString(log, StandardCharsets.UTF_8) : "";
        } catch (IOException e) {
            return "(cannot read the pgbouncer log: " + e + ")";
        }
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(5, java.util.concurrent.TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
        try (Stream<Path> files = Files.list(directory)) {
            for (Path file : files.toList()) {
                Files.deleteIfExists(file);
            }
            Files.deleteIfExists(directory);
        } catch (IOException e) {
            // A temporary directory left behind is harmless.
        }
    }

    private void awaitListening() {
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("pgbouncer exited with " + process.exitValue() + ": " + output());
            }
            try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
                return;
            } catch (IOException notYet) {
                try {
                    Thread.sleep(50);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted while pgbouncer starts", e);
                }
            }
        }
        close();
        throw new IllegalStateException(
                "pgbouncer did not listen on port " + port + " within " + START_TIMEOUT + ": " + output());
    }

    private String output() {
        try {
            Path out = directory.resolve("stdout.log");
            return (Files.exists(out) ? Files.readString(out, StandardCharsets.UTF_8) : "") + log();
        } catch (IOException e) {
            return "(no output: " + e + ")";
        }
    }

    /**
     * The pgbouncer binary: {@code CONFWATCH_TEST_PGBOUNCER}, else Debian's paths or the PATH; else Debian's package,
     * installed when this runs as root ({@link DebianPackages}); else a clear failure.
     */
    static Path binary() {
        return locate().or(() -> DebianPackages.install("pgbouncer") ? locate() : Optional.empty())
                .orElseThrow(() -> new IllegalStateException("pgbouncer not found: the PgBouncer tests need a real "
                        + "PgBouncer (Debian: apt-get install pgbouncer, as .ci/run does), or "
                        + BINARY_VARIABLE + "=/path/to/pgbouncer"));
    }

    private static Optional<Path> locate() {
        Optional<Path> found = Optional.ofNullable(System.getenv(BINARY_VARIABLE))
                .filter(s -> !s.isBlank())
                .map(Path::of)
                .or(() -> Stream.of("/usr/sbin/pgbouncer", "/usr/bin/pgbouncer")
                        .map(Path::of)
                        .filter(Files::isExecutable)
                        .findFirst())
                .or(() -> Stream.of(System.getenv().getOrDefault("PATH", "").split(":"))
                        .filter(dir -> !dir.isEmpty())
                        .map(dir -> Path.of(dir, "pgbouncer"))
                        .filter(Files::isExecutable)
                        .findFirst());
        return found.filter(Files::isExecutable);
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
}
