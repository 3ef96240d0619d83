package io.confwatch.bench;

import io.confwatch.config.DatabaseTarget;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * What the worker's statements cost the database, from {@code pg_stat_statements} filtered to the worker's own login
 * role (a member of {@code confwatch_worker}, as {@code sql/roles.sql} grants it): calls, rows, shared blocks and
 * execution time. Resetting counts only that role's statements, so other work on the server (the bench's own writes)
 * is not counted.
 */
final class StatementStats {
    /** The login role the measured workers use. */
    static final String ROLE = "confwatch_bench_worker";

    private static final String PASSWORD = "bench-worker";

    /** The totals of a window, and its statements (most rows first). */
    record Window(long calls, long rows, long sharedBlocks, double execMillis, List<String> top) {
        static Window difference(Window after, Window before) {
            return new Window(
                    after.calls - before.calls,
                    after.rows - before.rows,
                    after.sharedBlocks - before.sharedBlocks,
                    after.execMillis - before.execMillis,
                    after.top);
        }
    }

    private StatementStats() {}

    /**
     * Makes sure {@code pg_stat_statements} is there (it must be in {@code shared_preload_libraries}), applies
     * {@code sql/roles.sql} and creates the worker's login; returns {@code target} as that login.
     */
    static DatabaseTarget prepare(Connection sql, DatabaseTarget target) throws SQLException, IOException {
        try (Statement s = sql.createStatement()) {
            try {
                s.execute("create extension if not exists pg_stat_statements");
                s.executeQuery("select 1 from pg_stat_statements limit 1").close();
            } catch (SQLException e) {
                throw new IllegalStateException(
                        "capacity needs pg_stat_statements: set shared_preload_libraries = 'pg_stat_statements' on the"
                                + " server and let the bench's user create the extension ("
                                + e.getMessage().lines().findFirst().orElse("") + ")",
                        e);
            }
            s.execute(rolesSql());
            s.execute("do $$ begin if not exists (select from pg_roles where rolname = '" + ROLE + "') then"
                    + " create role " + ROLE + " login password '" + PASSWORD + "'; end if; end $$");
            s.execute("grant confwatch_worker to " + ROLE);
        }
        return new DatabaseTarget(
                        target.host(),
                        target.port(),
                        target.database(),
                        ROLE,
                        java.util.Optional.empty(),
                        target.sslMode(),
                        target.tls())
                .withPassword(PASSWORD);
    }

    /** Forgets the worker role's statements so far. */
    static void reset(Connection sql) throws SQLException {
        try (Statement s = sql.createStatement()) {
            s.execute("select pg_stat_statements_reset((select oid from pg_roles where rolname = '" + ROLE + "'))");
        }
    }

    /** The worker role's statements in this database since the last reset. */
    static Window read(Connection sql) throws SQLException {
        String from = " from pg_stat_statements where userid = (select oid from pg_roles where rolname = ?)"
                + " and dbid = (select oid from pg_database where datname = current_database())";
        try (PreparedStatement totals = sql.prepareStatement("select coalesce(sum(calls), 0), coalesce(sum(rows), 0),"
                        + " coalesce(sum(shared_blks_hit + shared_blks_read), 0),"
                        + " coalesce(sum(total_exec_time), 0)"
                        + from);
                PreparedStatement top =
                        sql.prepareStatement("select calls, rows, shared_blks_hit + shared_blks_read, total_exec_time,"
                                + " regexp_replace(query, '\\s+', ' ', 'g')" + from
                                + " order by rows desc, total_exec_time desc limit 5")) {
            totals.setString(1, ROLE);
            top.setString(1, ROLE);
            long calls;
            long rows;
            long blocks;
            double millis;
            try (ResultSet rs = totals.executeQuery()) {
                rs.next();
                calls = rs.getLong(1);
                rows = rs.getLong(2);
                blocks = rs.getLong(3);
                millis = rs.getDouble(4);
            }
            List<String> statements = new ArrayList<>();
            try (ResultSet rs = top.executeQuery()) {
                while (rs.next()) {
                    String query = rs.getString(5);
                    statements.add(String.format(
                            Locale.ROOT,
                            "%d calls, %d rows, %d blocks, %.1f ms: %s",
                            rs.getLong(1),
                            rs.getLong(2),
                            rs.getLong(3),
                            rs.getDouble(4),
                            query.length() > 110 ? query.substring(0, 110) + "…" : query));
                }
            }
            return new Window(calls, rows, blocks, millis, statements);
        }
    }

    private static String rolesSql() throws IOException {
        try (InputStream in = StatementStats.class.getClassLoader().getResourceAsStream("db/roles.sql")) {
            if (in == null) {
                throw new IOException("db/roles.sql is not on the class path");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
