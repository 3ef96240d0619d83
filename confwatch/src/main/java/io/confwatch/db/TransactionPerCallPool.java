package io.confwatch.db;

import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PrepareOptions;
import io.vertx.sqlclient.PreparedQuery;
import io.vertx.sqlclient.Query;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlConnection;
import java.util.function.Function;

/**
 * A pool whose every {@link #withConnection} call runs in one transaction, for a pool of connections that may pass
 * through a transaction pooler (PgBouncer in transaction mode). Such a pooler hands the server connection to another
 * client whenever the session is idle outside a transaction — between a statement's parse and its execution too,
 * since the client waits for the parse's reply. Inside a transaction the server connection stays this client's, so
 * an unnamed statement is parsed and run on the same server connection, and nothing of it outlives the call.
 * Used with {@code cachePreparedStatements} off: named statements would outlive the call on a server connection that
 * other clients then use.
 */
final class TransactionPerCallPool implements Pool {
    private final Pool delegate;

    TransactionPerCallPool(Pool delegate) {
        this.delegate = delegate;
    }

    /** Runs {@code function} inside one transaction on one connection: committed if it succeeds, else rolled back. */
    @Override
    public <T> Future<T> withConnection(Function<SqlConnection, Future<T>> function) {
        return delegate.withTransaction(function);
    }

    @Override
    public Future<SqlConnection> getConnection() {
        return delegate.getConnection();
    }

    @Override
    public Query<RowSet<Row>> query(String sql) {
        return delegate.query(sql);
    }

    @Override
    public PreparedQuery<RowSet<Row>> preparedQuery(String sql) {
        return delegate.preparedQuery(sql);
    }

    @Override
    public PreparedQuery<RowSet<Row>> preparedQuery(String sql, PrepareOptions options) {
        return delegate.preparedQuery(sql, options);
    }

    @Override
    public int size() {
        return delegate.size();
    }

    @Override
    public Future<Void> close() {
        return delegate.close();
    }
}
