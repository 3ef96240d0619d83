package io.confwatch.config;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/** Reads the database target from libpq's variables or {@code CONFWATCH_DATABASE_URL}; neither means embedded. */
final class DatabaseEnv {

    /** The libpq variables ConfWatch honours. */
    static final List<Setting> LIBPQ_SETTINGS = List.of(
            Setting.PGHOST,
            Setting.PGPORT,
            Setting.PGDATABASE,
            Setting.PGUSER,
            Setting.PGPASSWORD,
            Setting.PGSSLMODE,
            Setting.PGSSLROOTCERT,
            Setting.PGSSLCERT,
            Setting.PGSSLKEY);

    /** libpq variables that would change where or how securely libpq connects, which ConfWatch cannot honour. */
    static final List<String> UNSUPPORTED_LIBPQ =
            List.of("PGHOSTADDR", "PGSERVICE", "PGSERVICEFILE", "PGSSLCRL", "PGREQUIRESSL");

    private static final String DEFAULT_HOST = "localhost";
    private static final int DEFAULT_PORT = 5432;
    private static final String FALLBACK_USER = "postgres";

    private DatabaseEnv() {}

    /** The configured target, or empty when no database variable is set (embedded mode). */
    static Optional<DatabaseTarget> read(Env env) {
        for (String name : UNSUPPORTED_LIBPQ) {
            env.get(name).ifPresent(value -> {
                throw new ConfigException(
                        name, value, "not supported by ConfWatch, which reads only " + names() + "; unset it");
            });
        }
        String defaultUser = env.get("USER").orElse(FALLBACK_USER);
        List<Setting> libpqSet = LIBPQ_SETTINGS.stream()
                .filter(setting -> env.get(setting).isPresent())
                .toList();
        Optional<String> url = env.get(Setting.CONFWATCH_DATABASE_URL);
        if (url.isPresent()) {
            if (!libpqSet.isEmpty()) {
                String conflicting = libpqSet.stream().map(Setting::variable).collect(Collectors.joining(", "));
                throw ConfigException.of(
                        Setting.CONFWATCH_DATABASE_URL,
                        url.get(),
                        "conflicts with " + conflicting
                                + ": set either CONFWATCH_DATABASE_URL or the PG* variables, not both");
            }
            return Optional.of(PostgresUrl.parse(Setting.CONFWATCH_DATABASE_URL, url.get(), defaultUser));
        }
        if (libpqSet.isEmpty()) {
            return Optional.empty();
        }
        String host = env.get(Setting.PGHOST).orElse(DEFAULT_HOST);
        int port = env.get(Setting.PGPORT)
                .map(text -> Env.integer(Setting.PGPORT, text))
                .orElse(DEFAULT_PORT);
        String user = env.get(Setting.PGUSER).orElse(defaultUser);
        String database = env.get(Setting.PGDATABASE).orElse(user);
        SslMode sslMode = env.get(Setting.PGSSLMODE).isPresent()
                ? env.choice(Setting.PGSSLMODE, SslMode::parse, SslMode.NAMES)
                : SslMode.PREFER;
        TlsFiles tls = new TlsFiles(
                env.get(Setting.PGSSLROOTCERT),
                env.get(Setting.PGSSLCERT).map(Path::of),
                env.get(Setting.PGSSLKEY).map(Path::of));
        checkTls(tls, env);
        DatabaseTarget target = DatabaseTarget.of(host, port, database, user)
                .withSslMode(sslMode)
                .withTls(tls);
        return Optional.of(env.get(Setting.PGPASSWORD).map(target::withPassword).orElse(target));
    }

    /** Reads the TLS files now, so a missing or unparsable one stops the start naming its variable. */
    private static void checkTls(TlsFiles tls, Env env) {
        try {
            TlsMaterial.load(tls);
        } catch (TlsMaterial.TlsFileException e) {
            Setting setting =
                    switch (e.part()) {
                        case SSLROOTCERT -> Setting.PGSSLROOTCERT;
                        case SSLCERT -> Setting.PGSSLCERT;
                        case SSLKEY -> Setting.PGSSLKEY;
                    };
            throw ConfigException.of(setting, env.get(setting).orElse(""), e.getMessage());
        }
    }

    private static String names() {
        return LIBPQ_SETTINGS.stream().map(Setting::variable).collect(Collectors.joining(", "));
    }
}
