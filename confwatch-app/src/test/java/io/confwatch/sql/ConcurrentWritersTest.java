package io.confwatch.sql;

import static io.confwatch.sql.ConfigDb.changes;
import static io.confwatch.sql.ConfigDb.execute;
import static io.confwatch.sql.ConfigDb.insertEntity;
import static io.confwatch.sql.ConfigDb.insertTenant;
import static io.confwatch.sql.ConfigDb.payload;
import static io.confwatch.sql.ConfigDb.update;
import static io.confwatch.sql.ConfigDb.version;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.confwatch.sql.ConfigDb.Change;
import io.confwatch.testing.PostgresExtension;
import io.confwatch.testing.TestDatabase;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Concurrent writers of one tenant under READ COMMITTED each get their own version, with no gaps. */
@ExtendWith(PostgresExtension.class)
class ConcurrentWritersTest {
    private static final int WRITERS = 16;

    @Test
    void concurrentWriters_sameTenant_versionsHaveNoGapsOrDuplicates(TestDatabase db) throws Exception {
        UUID tenant;
        List<UUID> monitors = new ArrayList<>();
        try (Connection c = db.connect()) {
            tenant = insertTenant(c);
            for (int i = 0; i < WRITERS; i++) {
                monitors.add(insertEntity(c, "monitors", tenant, "monitor " + i));
            }
        }
        long base = 1 + WRITERS; // the tenant insert, then one insert per monitor
        ExecutorService pool = Executors.newFixedThreadPool(WRITERS);
        try (NotificationCollector notifications = NotificationCollector.listen(db);
                Connection blocker = db.connect();
                Connection observer = db.connect()) {
            notifications.receivedFor(tenant);
            // Hold the tenant row so every writer queues behind it and then behind each other.
            blocker.setAutoCommit(false);
            execute(blocker, "select from confwatch.tenants where id = ? for no key update", tenant);

            List<Future<Integer>> writes = new ArrayList<>();
            for (UUID monitor : monitors) {
                writes.add(pool.submit(() -> {
                    try (Connection c = db.connect()) {
                        return update(
                                c,
                                "update confwatch.monitors set definition = '{\"networks\": [\"x\"]}' where id = ?",
                                monitor);
                    }
                }));
            }
            await().atMost(Duration.ofSeconds(30)).until(() -> lockWaiters(observer) == WRITERS);
            blocker.commit();
            for (Future<Integer> write : writes) {
                assertThat(write.get(30, TimeUnit.SECONDS)).isEqualTo(1);
            }

            long[] expected = LongStream.rangeClosed(base + 1, base + WRITERS).toArray();
            assertThat(version(observer, tenant)).isEqualTo(base + WRITERS);
            assertThat(changes(observer, tenant))
                    .filteredOn(c -> c.op().equals("UPDATE"))
                    .extracting(Change::version)
                    .containsExactlyInAnyOrder(LongStream.of(expected).boxed().toArray(Long[]::new));
            assertThat(notifications.receivedFor(tenant))
                    .containsExactlyInAnyOrder(LongStream.of(expected)
                            .mapToObj(v -> payload(tenant, v))
                            .toArray(String[]::new));
        } finally {
            pool.shutdownNow();
        }
    }

    private static int lockWaiters(Connection c) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("select count(*) from pg_stat_activity"
                        + " where datname = current_database() and wait_event_type = 'Lock'");
                ResultSet rs = s.executeQuery()) {
            rs.next();
            return rs.getInt(1);
        }
    }
}
