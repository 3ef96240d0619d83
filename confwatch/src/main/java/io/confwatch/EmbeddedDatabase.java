package io.confwatch;

import io.confwatch.config.ConfigException;
import io.confwatch.config.DatabaseTarget;
import java.util.ServiceLoader;

/**
 * A PostgreSQL that {@code ConfWatch.start} runs itself when no database is configured (the zero-setup mode of DESIGN
 * §4.1). The library ships no server binaries: {@code io.confwatch:confwatch-embedded} provides a {@link Launcher}
 * through {@link ServiceLoader}, and the application depends on it; a library user who configures a database never
 * needs it.
 */
public interface EmbeddedDatabase extends AutoCloseable {

    /** Where the database is: loopback, its superuser, no password. */
    DatabaseTarget target();

    /** What a person types to look inside, e.g. {@code psql postgresql://postgres@127.0.0.1:5433/confwatch}. */
    String psqlCommand();

    /** Stops the server; blocks until it is down. */
    @Override
    void close();

    /** Starts servers; found with {@link ServiceLoader}. */
    interface Launcher {
        /** Starts a durable server with an empty database named {@code database}; blocks until it accepts connections. */
        EmbeddedDatabase launch(String database);
    }

    /**
     * Starts an embedded server with an empty database named {@code database}.
     *
     * @throws ConfigException when no launcher is on the class path: no database is configured and none can be started
     */
    static EmbeddedDatabase launch(String database) {
        Launcher launcher = ServiceLoader.load(Launcher.class, EmbeddedDatabase.class.getClassLoader())
                .findFirst()
                .orElseThrow(() -> new ConfigException(
                        "CONFWATCH_DATABASE_URL",
                        "",
                        "no database configured: set it or PGHOST (and PGPORT, PGDATABASE, PGUSER); an embedded"
                                + " PostgreSQL needs io.confwatch:confwatch-embedded on the class path"));
        return launcher.launch(database);
    }
}
