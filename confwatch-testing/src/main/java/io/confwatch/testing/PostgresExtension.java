package io.confwatch.testing;

import io.confwatch.config.DatabaseTarget;
import io.confwatch.db.JdbcTarget;
import io.confwatch.db.Migrations;
import io.confwatch.embedded.EmbeddedPostgres;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * Gives each test class its own real PostgreSQL database with the migrations applied, injected as a
 * {@link TestDatabase} parameter. The server is {@code CONFWATCH_TEST_DATABASE_URL} when set (a
 * {@code postgresql://} URI of a role that may create databases), else one embedded server started once per run. In a
 * PostgreSQL matrix run (system property {@value #MAJOR}) the server must be that major, or every test fails at start.
 */
public final class PostgresExtension implements BeforeAllCallback, ParameterResolver {
    /** Environment variable naming an external server for the tests. */
    public static final String EXTERNAL_URL = "CONFWATCH_TEST_DATABASE_URL";

    /** System property naming the PostgreSQL major of a matrix run: the server must be that major. */
    public static final String MAJOR = "confwatch.test.postgres.major";

    /** The major a matrix run requires ({@value #MAJOR}), or empty in a normal run. */
    public static Optional<Integer> requiredMajor() {
        String value = System.getProperty(MAJOR);
        if (value == null || value.isBlank()) {
            return Optional.empty();
        }
        try {
            return Optional.of(Integer.parseInt(value.strip()));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(MAJOR + " must be a PostgreSQL major such as 13, not '" + value + "'");
        }
    }

    private static final ExtensionContext.Namespace NAMESPACE =
            ExtensionContext.Namespace.create(PostgresExtension.class);
    private static final AtomicInteger DATABASES = new AtomicInteger();

    @Override
    public void beforeAll(ExtensionContext context) {
        database(context);
    }

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        Class<?> type = parameter.getParameter().getType();
        return type == TestDatabase.class || type == Server.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        if (parameter.getParameter().getType() == Server.class) {
            return server(context);
        }
        return database(context);
    }

    private static TestDatabase database(ExtensionContext context) {
        Class<?> testClass = context.getRequiredTestClass();
        ExtensionContext classContext = context;
        while (classContext.getTestClass().isPresent()
                && classContext
                        .getParent()
                        .flatMap(ExtensionContext::getTestClass)
                        .isPresent()) {
            classContext = classContext.getParent().orElseThrow();
        }
        return classContext
                .getStore(NAMESPACE)
                .getOrComputeIfAbsent(
                        TestDatabase.class, key -> server(context).createDatabase(testClass), TestDatabase.class);
    }

    private static Server server(ExtensionContext context) {
        return context.getRoot()
                .getStore(NAMESPACE)
                .getOrComputeIfAbsent(Server.class, key -> Server.start(), Server.class);
    }

    /** The PostgreSQL server shared by every test class of this run. */
    public static final class Server implements AutoCloseable {
        private final JdbcTarget admin;
        private final EmbeddedPostgres embedded;

        private Server(JdbcTarget admin, EmbeddedPostgres embedded) {
            this.admin = admin;
            this.embedded = embedded;
        }

        static Server start() {
            String url = System.getenv(EXTERNAL_URL);
            Server server;
            if (url != null && !url.isBlank()) {
                server = new Server(parse(url), null);
            } else {
                EmbeddedPostgres pg = EmbeddedPostgres.start(/* durable= */ false);
                server = new Server(new JdbcTarget("127.0.0.1", pg.port(), "postgres", pg.user(), "", "disable"), pg);
            }
            requiredMajor().ifPresent(server::requireMajor);
            return server;
        }

        /** The server's {@code server_version_num}, e.g. 170006. */
        public int versionNum() {
            try (Connection c = DriverManager.getConnection(admin.jdbcUrl(), admin.user(), admin.password());
                    Statement s = c.createStatement();
                    var rs = s.executeQuery("select current_setting('server_version_num')::int")) {
                rs.next();
                return rs.getInt(1);
            } catch (SQLException e) {
                throw new IllegalStateException("cannot read the server's version: " + e.getMessage(), e);
            }
        }

        private void requireMajor(int major) {
            int versionNum = versionNum();
            if (versionNum / 10000 != major) {
                close();
                throw new IllegalStateException("the PostgreSQL matrix run for " + major + " (" + MAJOR
                        + ") got a server of version " + versionNum + ": the pom's matrix execution must put that "
                        + "major's embedded binaries on the classpath in place of the default ones");
            }
        }

        /** The embedded server, or null when the tests use an external one. */
        public EmbeddedPostgres embedded() {
            return embedded;
        }

        /** Connection details of the server's maintenance database, as the test superuser. */
        public JdbcTarget admin() {
            return admin;
        }

        TestDatabase createDatabase(Class<?> testClass) {
            String name = ("cw_" + testClass.getSimpleName() + "_" + DATABASES.incrementAndGet())
                    .toLowerCase(Locale.ROOT)
                    .replaceAll("[^a-z0-9_]", "_");
            if (name.length() > 63) {
                name = name.substring(0, 40) + "_" + DATABASES.get();
            }
            try (Connection c = DriverManager.getConnection(admin.jdbcUrl(), admin.user(), admin.password());
                    Statement s = c.createStatement()) {
                s.execute("drop database if exists " + name + " with (force)");
                s.execute("create database " + name);
            } catch (SQLException e) {
                throw new IllegalStateException("cannot create test database " + name + ": " + e.getMessage(), e);
            }
            JdbcTarget target =
                    new JdbcTarget(admin.host(), admin.port(), name, admin.user(), admin.password(), admin.sslMode());
            Migrations.apply(target);
            return new TestDatabase(target);
        }

        @Override
        public void close() {
            if (embedded != null) {
                embedded.close();
            }
        }

        private static JdbcTarget parse(String url) {
            return JdbcTarget.of(DatabaseTarget.fromUrl(url));
        }
    }
}
