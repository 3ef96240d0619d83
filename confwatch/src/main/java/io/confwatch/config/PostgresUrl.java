package io.confwatch.config;

import static java.nio.charset.StandardCharsets.UTF_8;
import static java.util.Objects.requireNonNull;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/** Parses and redacts libpq-style {@code postgresql://user:password@host:port/database?sslmode=…} URIs. */
final class PostgresUrl {

    private static final String SHAPE = "expected postgresql://user:password@host:port/database?sslmode=…";
    private static final String DEFAULT_HOST = "localhost";
    private static final int DEFAULT_PORT = 5432;

    /** The URI part each libpq variable corresponds to, to re-word the record's validation failures. */
    private static final Map<String, String> PARTS = Map.of(
            Setting.PGHOST.variable(), "host",
            Setting.PGPORT.variable(), "port",
            Setting.PGDATABASE.variable(), "database",
            Setting.PGUSER.variable(), "user");

    private PostgresUrl() {}

    /** Parses {@code url} (the value of {@code setting}); unset parts take libpq's defaults. */
    static DatabaseTarget parse(Setting setting, String url, String defaultUser) {
        requireNonNull(url, "url");
        requireNonNull(defaultUser, "defaultUser");
        int schemeEnd = url.indexOf("://");
        String scheme = schemeEnd < 0 ? "" : url.substring(0, schemeEnd).toLowerCase(Locale.ROOT);
        if (!scheme.equals("postgresql") && !scheme.equals("postgres")) {
            throw fail(setting, url, "not a postgresql:// or postgres:// URI (" + SHAPE + ")");
        }
        String rest = url.substring(schemeEnd + 3);
        int authorityEnd = indexOfAny(rest, "/?#");
        String authority = rest.substring(0, authorityEnd);
        int at = authority.lastIndexOf('@');
        if (at < 0 && rest.indexOf('@', authorityEnd) >= 0) {
            // An '@' after a '/', '?' or '#' usually means those characters sit unencoded in the password.
            throw fail(
                    setting, url, "cannot find the host: percent-encode '/', '?', '#' in the password (%2F, %3F, %23)");
        }
        String userInfo = at < 0 ? "" : authority.substring(0, at);

        String tail = rest.substring(authorityEnd);
        if (tail.contains("#")) {
            throw fail(setting, url, "a fragment ('#') is not allowed (" + SHAPE + ")");
        }
        int queryStart = tail.indexOf('?');
        String path = queryStart < 0 ? tail : tail.substring(0, queryStart);
        String query = queryStart < 0 ? "" : tail.substring(queryStart + 1);

        int colon = userInfo.indexOf(':');
        String user = decode(setting, url, colon < 0 ? userInfo : userInfo.substring(0, colon), "user");
        Optional<Secret> password = Optional.empty();
        if (colon >= 0 && colon < userInfo.length() - 1) {
            password = Optional.of(Secret.of(decode(setting, url, userInfo.substring(colon + 1), "password")));
        }
        if (user.isEmpty()) {
            user = defaultUser;
        }

        if (path.indexOf('/', 1) >= 0) {
            throw fail(setting, url, "unexpected '/' in the database name (percent-encode it as %2F)");
        }
        String database = path.length() > 1 ? decode(setting, url, path.substring(1), "database") : user;
        HostPort hostPort = parseHostPort(setting, url, authority.substring(at + 1));
        Query parsed = parseQuery(setting, url, query);
        try {
            TlsMaterial.load(parsed.tls());
        } catch (TlsMaterial.TlsFileException e) {
            String value =
                    switch (e.part()) {
                        case SSLROOTCERT -> parsed.tls().rootCert().orElse("");
                        case SSLCERT -> parsed.tls().cert().map(Path::toString).orElse("");
                        case SSLKEY -> parsed.tls().key().map(Path::toString).orElse("");
                    };
            throw fail(setting, url, e.part().parameter() + "=" + ConfigException.quote(value) + ": " + e.getMessage());
        }
        try {
            return new DatabaseTarget(
                    hostPort.host(), hostPort.port(), database, user, password, parsed.sslMode(), parsed.tls());
        } catch (ConfigException e) {
            // The record names the libpq variable of the bad part; here the part came from the URL.
            throw fail(setting, url, "the " + PARTS.get(e.variable()) + ": " + e.problem());
        }
    }

    private record HostPort(String host, int port) {}

    private static HostPort parseHostPort(Setting setting, String url, String hostPort) {
        if (hostPort.contains(",")) {
            throw fail(setting, url, "multiple hosts are not supported: name the primary only");
        }
        String host;
        String portText;
        if (hostPort.startsWith("[")) {
            int close = hostPort.indexOf(']');
            if (close < 0) {
                throw fail(setting, url, "IPv6 host without closing ']' (e.g. postgresql://[::1]:5432/db)");
            }
            host = hostPort.substring(1, close);
            String afterHost = hostPort.substring(close + 1);
            if (!afterHost.isEmpty() && !afterHost.startsWith(":")) {
                throw fail(setting, url, "unexpected text after the IPv6 host: expected ':port'");
            }
            portText = afterHost.isEmpty() ? "" : afterHost.substring(1);
            if (host.isEmpty()) {
                throw fail(setting, url, "empty IPv6 host");
            }
        } else {
            int portColon = hostPort.lastIndexOf(':');
            String hostText = portColon < 0 ? hostPort : hostPort.substring(0, portColon);
            portText = portColon < 0 ? "" : hostPort.substring(portColon + 1);
            if (hostText.contains(":")) {
                throw fail(setting, url, "put an IPv6 host in brackets, e.g. postgresql://[::1]:5432/db");
            }
            host = hostText.isEmpty() ? DEFAULT_HOST : decode(setting, url, hostText, "host");
        }
        return new HostPort(host, portText.isEmpty() ? DEFAULT_PORT : parsePort(setting, url, portText));
    }

    /** {@code url} with its password (user info or {@code password=} parameter) replaced by {@code <redacted>}. */
    static String redact(String url) {
        requireNonNull(url, "url");
        int schemeEnd = url.indexOf("://");
        int at = url.lastIndexOf('@');
        String redacted = url;
        if (schemeEnd < 0) {
            // Not a URI: no way to tell where a password might be, so show none of it.
            return url.contains("@") || url.contains("password") ? ConfigException.REDACTED : url;
        }
        if (at > schemeEnd) {
            int colon = url.indexOf(':', schemeEnd + 3);
            if (colon >= 0 && colon < at) {
                redacted = url.substring(0, colon + 1) + ConfigException.REDACTED + url.substring(at);
            }
        }
        return redacted.replaceAll("(?i)(password=)[^&#]*", "$1" + ConfigException.REDACTED);
    }

    private record Query(SslMode sslMode, TlsFiles tls) {}

    private static Query parseQuery(Setting setting, String url, String query) {
        SslMode sslMode = SslMode.PREFER;
        Optional<String> rootCert = Optional.empty();
        Optional<Path> cert = Optional.empty();
        Optional<Path> key = Optional.empty();
        if (query.isEmpty()) {
            return new Query(sslMode, TlsFiles.NONE);
        }
        for (String pair : query.split("&", -1)) {
            int eq = pair.indexOf('=');
            String name = eq < 0 ? pair : pair.substring(0, eq);
            String value = eq < 0 ? "" : decode(setting, url, pair.substring(eq + 1), "parameter value");
            if (name.equals("sslmode")) {
                sslMode = SslMode.parse(value)
                        .orElseThrow(() -> fail(
                                setting,
                                url,
                                "sslmode=" + ConfigException.quote(value) + " is not one of " + SslMode.NAMES));
            } else if (name.equals("sslrootcert")) {
                rootCert = Optional.of(file(setting, url, name, value));
            } else if (name.equals("sslcert")) {
                cert = Optional.of(Path.of(file(setting, url, name, value)));
            } else if (name.equals("sslkey")) {
                key = Optional.of(Path.of(file(setting, url, name, value)));
            } else if (name.equals("password")) {
                throw fail(setting, url, "put the password in the user info (postgresql://user:password@host/db)");
            } else {
                String shown = ConfigException.quote(name);
                throw fail(
                        setting,
                        url,
                        "unsupported parameter " + shown + " (supported: sslmode, sslrootcert, sslcert, sslkey)");
            }
        }
        return new Query(sslMode, new TlsFiles(rootCert, cert, key));
    }

    private static String file(Setting setting, String url, String name, String value) {
        if (value.isBlank()) {
            throw fail(setting, url, name + " is empty: give a file path or leave the parameter out");
        }
        return value;
    }

    private static int parsePort(Setting setting, String url, String text) {
        if (!text.matches("[0-9]{1,5}")) {
            throw fail(setting, url, "port " + ConfigException.quote(text) + " is not a number between 1 and 65535");
        }
        int port = Integer.parseInt(text);
        if (port < 1 || port > 65535) {
            throw fail(setting, url, "port " + port + " is not between 1 and 65535");
        }
        return port;
    }

    /** Percent-decodes one URI component; unlike {@code URLDecoder}, '+' stays '+'. */
    private static String decode(Setting setting, String url, String text, String part) {
        if (text.indexOf('%') < 0) {
            return text;
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(text.length());
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '%') {
                int high = i + 1 < text.length() ? Character.digit(text.charAt(i + 1), 16) : -1;
                int low = i + 2 < text.length() ? Character.digit(text.charAt(i + 2), 16) : -1;
                if (high < 0 || low < 0) {
                    throw fail(setting, url, "bad percent-encoding in the " + part + " (use %XX, e.g. %40 for @)");
                }
                bytes.write(high * 16 + low);
                i += 2;
            } else {
                int runEnd = text.indexOf('%', i);
                byte[] encoded =
                        text.substring(i, runEnd < 0 ? text.length() : runEnd).getBytes(UTF_8);
                bytes.write(encoded, 0, encoded.length);
                i = (runEnd < 0 ? text.length() : runEnd) - 1;
            }
        }
        try {
            return UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes.toByteArray()))
                    .toString();
        } catch (CharacterCodingException e) {
            throw fail(setting, url, "the " + part + " is not valid UTF-8 once percent-decoded");
        }
    }

    private static int indexOfAny(String text, String chars) {
        for (int i = 0; i < text.length(); i++) {
            if (chars.indexOf(text.charAt(i)) >= 0) {
                return i;
            }
        }
        return text.length();
    }

    private static ConfigException fail(Setting setting, String url, String problem) {
        return ConfigException.of(setting, url, problem);
    }
}
