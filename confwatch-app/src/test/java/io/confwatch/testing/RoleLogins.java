package io.confwatch.testing;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.UUID;

/**
 * sql/roles.sql applied to a test database, and one login per group role (worker, writer, janitor). Login roles are
 * cluster-wide: a random suffix keeps parallel runs on one server apart; {@link #drop} removes them.
 */
public final class RoleLogins {
    /** SQLSTATE of "permission denied". */
    public static final String INSUFFICIENT_PRIVILEGE = "42501";

    private final String suffix = UUID.randomUUID().toString().substring(0, 8);
    private final String password = "pw-" + UUID.randomUUID();
    private final TestDatabase db;

    private RoleLogins(TestDatabase db) {
        this.db = db;
    }

    /** Applies roles.sql to {@code db} (twice: re-running it must be harmless) and creates the three logins. */
    public static RoleLogins create(TestDatabase db) throws IOException {
        String script = rolesScript();
        db.execute(script);
        db.execute(script);
        RoleLogins logins = new RoleLogins(db);
        db.execute(
                "create role " + logins.worker() + " login password '" + logins.password + "' in role confwatch_worker;"
                        + "create role " + logins.writer() + " login password '" + logins.password
                        + "' in role confwatch_writer;"
                        + "create role " + logins.janitor() + " login password '" + logins.password
                        + "' in role confwatch_janitor");
        return logins;
    }

    public String worker() {
        return "cw_test_worker_" + suffix;
    }

    public String writer() {
        return "cw_test_writer_" + suffix;
    }

    public String janitor() {
        return "cw_test_janitor_" + suffix;
    }

    public String password() {
        return password;
    }

    /** A new connection as {@code login} (auto-commit on); the caller closes it. */
    public Connection connect(String login) throws SQLException {
        return DriverManager.getConnection(db.jdbcUrl(), login, password);
    }

    /** Drops the logins and whatever they own in this database. */
    public void drop() {
        for (String login : new String[] {worker(), writer(), janitor()}) {
            db.execute("do $$ begin if exists (select from pg_roles where rolname = '" + login + "') then"
                    + " drop owned by " + login + " cascade; drop role " + login + "; end if; end $$");
        }
    }

    /** The text of sql/roles.sql as packaged (db/roles.sql on the classpath). */
    public static String rolesScript() throws IOException {
        try (InputStream in = RoleLogins.class.getResourceAsStream("/db/roles.sql")) {
            if (in == null) {
                throw new IllegalStateException("db/roles.sql is not on the classpath");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
