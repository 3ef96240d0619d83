package io.confwatch.embedded;

import io.confwatch.EmbeddedDatabase;
import io.confwatch.config.DatabaseTarget;
import io.confwatch.config.SslMode;

/**
 * Provides {@link EmbeddedDatabase} to the library through {@link java.util.ServiceLoader}: an {@link EmbeddedPostgres}
 * with one database, the zero-setup mode of {@code ConfWatch.start} and of the application.
 */
public final class EmbeddedLauncher implements EmbeddedDatabase.Launcher {

    @Override
    public EmbeddedDatabase launch(String database) {
        EmbeddedPostgres server = EmbeddedPostgres.start(/* durable= */ true);
        try {
            server.createDatabase(database);
        } catch (RuntimeException e) {
            server.close();
            throw e;
        }
        return new Running(server, database);
    }

    /** One database of a server this launcher started; closing it stops the server. */
    private record Running(EmbeddedPostgres server, String database) implements EmbeddedDatabase {
        @Override
        public DatabaseTarget target() {
            // Loopback to a server of our own without TLS: nothing to negotiate.
            return DatabaseTarget.of("127.0.0.1", server.port(), database, server.user())
                    .withSslMode(SslMode.DISABLE);
        }

        @Override
        public String psqlCommand() {
            return server.psqlCommand(database);
        }

        @Override
        public void close() {
            server.close();
        }
    }
}
