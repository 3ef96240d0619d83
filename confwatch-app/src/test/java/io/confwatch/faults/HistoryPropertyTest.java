package io.confwatch.faults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.confwatch.ConfWatch;
import io.confwatch.config.WorkerConfig;
import io.confwatch.http.HttpApi;
import io.confwatch.metrics.ConfWatchMetrics;
import io.confwatch.model.ConfigEntity;
import io.confwatch.model.TenantSnapshot;
import io.confwatch.testing.TestDatabase;
import io.micrometer.core.instrument.Counter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

/**
 * Model-based, differential: random histories of writer operations against a real PostgreSQL (inserts, updates, soft
 * and hard deletes, entities moved between tenants, tenants replaced in one transaction and in two, multi-statement,
 * multi-tenant and bulk transactions, savepoints and rollbacks, {@code notify = off} sessions, silent transactions held
 * open across sweeps (only the sweep cursor finds them), bare touches, writes with
 * the triggers disabled followed by a forced reload, listener kills). After each step, once the worker holds every
 * tenant at the database's version, every tenant it holds equals a fresh whole read of the database by content; at the
 * end of each history the {@code /tenants/{id}} bodies equal it too. jqwik shrinks a failing history to a minimal one
 * and prints its seed; replay with {@code @Property(seed = "…")}, soak with {@code -Djqwik.tries.default=5000}.
 */
class HistoryPropertyTest {
    private static final int TENANTS = 3;
    private static final int BIG = 120;
    private static final Duration CAUGHT_UP = Duration.ofSeconds(20);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final AtomicLong NAMES = new AtomicLong();

    private static FaultRig rig;
    private static TestDatabase db;
    private static ConfigRows rows;
    private static ConfWatch confWatch;
    private static HttpApi api;
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    // One writer session and one reader session for the whole run: a new connection per statement costs more than
    // the statement.
    private static Connection writer;
    private static Connection reader;

    @BeforeContainer
    static void start() {
        rig = FaultRig.start();
        db = rig.createDatabase("history");
        rows = new ConfigRows(db);
        try {
            writer = db.connect();
            reader = db.connect();
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
        WorkerConfig config = rig.config(db).withWorkerId("history");
        // Sweeps often: writes made with notifications off are found by them, as in poll mode.
        confWatch = Faults.startReady(config.withReload(config.reload().withSweepInterval(Duration.ofMillis(150))));
        api = HttpApi.start(confWatch, confWatch.config().http().withHost("127.0.0.1"), true)
                .await();
    }

    @AfterContainer
    static void stop() throws SQLException {
        if (writer != null) {
            writer.close();
            reader.close();
        }
        if (api != null) {
            api.close().await();
        }
        if (confWatch != null) {
            confWatch.close();
        }
        if (rig != null) {
            rig.close();
        }
    }

    @Property
    void everyHistory_workerEqualsTheDatabaseAfterEachStep(@ForAll("histories") List<Step> history) throws Exception {
        List<UUID> tenants = createTenants();
        try {
            caughtUp(false);
            for (Step step : history) {
                step.run(tenants);
                caughtUp(step instanceof TriggerlessWrite);
            }
            assertHttpBodiesEqualHeld();
        } finally {
            writer.setAutoCommit(true);
            for (UUID tenant : tenants) {
                update(writer, "delete from confwatch.tenants where id = ?", tenant);
            }
        }
        caughtUp(false);
    }

    @Provide
    Arbitrary<List<Step>> histories() {
        return step().list().ofMinSize(1).ofMaxSize(6);
    }

    // ---- generators ---------------------------------------------------------------------------------------------

    private static Arbitrary<Integer> tenant() {
        return Arbitraries.integers().between(0, TENANTS - 1);
    }

    private static Arbitrary<Kind> kind() {
        return Arbitraries.of(Kind.class);
    }

    private static Arbitrary<Integer> pick() {
        return Arbitraries.integers().between(0, 200);
    }

    private static Arbitrary<Change> change() {
        return Arbitraries.frequencyOf(
                weighted(4, Combinators.combine(tenant(), kind()).as(Insert::new)),
                weighted(4, Combinators.combine(tenant(), kind(), pick()).as(Redefine::new)),
                weighted(2, Combinators.combine(tenant(), kind(), pick()).as(Rename::new)),
                weighted(
                        2,
                        Combinators.combine(tenant(), kind(), pick(), Arbitraries.of(true, false))
                                .as(SetActive::new)),
                weighted(3, Combinators.combine(tenant(), kind(), pick()).as(Delete::new)),
                weighted(2, Combinators.combine(tenant(), tenant(), pick()).as(Move::new)),
                weighted(
                        1,
                        Combinators.combine(tenant(), Arbitraries.integers().between(100, 130))
                                .as(Bulk::new)),
                weighted(1, tenant().map(TenantRename::new)),
                weighted(
                        1,
                        Combinators.combine(tenant(), Arbitraries.of("active", "trial", "suspended", "inactive"))
                                .as(TenantStatus::new)),
                weighted(
                        2,
                        Combinators.combine(tenant(), Arbitraries.integers().between(0, 4))
                                .as(Replace::new)));
    }

    private static <T> net.jqwik.api.Tuple.Tuple2<Integer, Arbitrary<? extends T>> weighted(
            int weight, Arbitrary<? extends T> arbitrary) {
        return net.jqwik.api.Tuple.of(weight, arbitrary);
    }

    private static Arbitrary<Step> step() {
        Arbitrary<Step> tx = Combinators.combine(
                        change().list().ofMinSize(1).ofMaxSize(4),
                        Arbitraries.of(Ending.class),
                        Arbitraries.frequency(net.jqwik.api.Tuple.of(5, false), net.jqwik.api.Tuple.of(1, true)))
                .as(Tx::new);
        return Arbitraries.frequencyOf(
                weighted(12, tx),
                weighted(
                        2,
                        Combinators.combine(tenant(), Arbitraries.integers().between(0, 4), Arbitraries.of(true, false))
                                .as(ReplaceInTwo::new)),
                weighted(1, change().list().ofMinSize(1).ofMaxSize(3).map(SpanningTx::new)),
                weighted(1, tenant().map(BareTouch::new)),
                weighted(1, Combinators.combine(tenant(), pick()).as(TriggerlessWrite::new)),
                weighted(1, Arbitraries.just(new KillListener())));
    }

    // ---- the model: writer operations -----------------------------------------------------------------------------

    /** The three entity tables. */
    enum Kind {
        MONITOR("confwatch.monitors", "{\"networks\": [\"n%d\"]}"),
        FILTER("confwatch.filters", "{\"expression\": \"x > %d\"}"),
        TRIGGER("confwatch.triggers", "{\"type\": \"webhook\", \"url\": \"https://hooks.example/%d\"}");

        final String table;
        final String definition;

        Kind(String table, String definition) {
            this.table = table;
            this.definition = definition;
        }

        String definition() {
            return String.format(definition, NAMES.incrementAndGet());
        }
    }

    /** How a transaction ends. */
    enum Ending {
        COMMIT,
        ROLLBACK,
        /** A savepoint after the first change; the rest rolled back to it, then commit. */
        SAVEPOINT_ROLLBACK
    }

    /** One step of a history: one or more transactions, or a fault. */
    interface Step {
        void run(List<UUID> tenants) throws SQLException;
    }

    /** One statement (or a few) inside a transaction. */
    interface Change {
        void apply(Connection c, List<UUID> tenants) throws SQLException;
    }

    record Tx(List<Change> changes, Ending ending, boolean notifyOff) implements Step {
        @Override
        public void run(List<UUID> tenants) throws SQLException {
            Connection c = writer;
            c.setAutoCommit(false);
            {
                if (notifyOff) {
                    update(c, "set local confwatch.notify = off");
                }
                try {
                    for (int i = 0; i < changes.size(); i++) {
                        changes.get(i).apply(c, tenants);
                        if (i == 0 && ending == Ending.SAVEPOINT_ROLLBACK) {
                            update(c, "savepoint s");
                        }
                    }
                    if (ending == Ending.SAVEPOINT_ROLLBACK) {
                        update(c, "rollback to savepoint s");
                    }
                    if (ending == Ending.ROLLBACK) {
                        c.rollback();
                    } else {
                        c.commit();
                    }
                } catch (SQLException e) {
                    // A statement the database refused (say, a constraint): nothing of the transaction remains.
                    c.rollback();
                }
            }
        }
    }

    /**
     * Changes with notifications off in a transaction that stays open across two sweeps while other transactions
     * commit, then commits: only the sweep can find them, and a sweep cursor past this transaction's id would not.
     */
    record SpanningTx(List<Change> changes) implements Step {
        @Override
        public void run(List<UUID> tenants) throws SQLException {
            Connection c = writer;
            c.setAutoCommit(false);
            update(c, "set local confwatch.notify = off");
            update(c, "select pg_current_xact_id()");
            try {
                for (Change change : changes) {
                    change.apply(c, tenants);
                }
            } catch (SQLException e) {
                c.rollback();
                return;
            }
            // A transaction that commits meanwhile: the sweeps' snapshots move past this one's id, but not their xmin.
            update(reader, "select pg_current_xact_id()");
            double sweeps = sweeps();
            await().atMost(CAUGHT_UP).pollInterval(Duration.ofMillis(10)).until(() -> sweeps() >= sweeps + 2);
            c.commit();
        }
    }

    /** Sweeps the worker has read so far, cursor and full. */
    private static double sweeps() {
        return confWatch.meterRegistry().find(ConfWatchMetrics.SWEEPS).counters().stream()
                .mapToDouble(Counter::count)
                .sum();
    }

    /** The tenant deleted in one transaction and created again with {@code monitors} new ones in a second. */
    record ReplaceInTwo(int tenant, int monitors, boolean notifyOff) implements Step {
        @Override
        public void run(List<UUID> tenants) throws SQLException {
            new Tx(List.of(new DeleteTenant(tenant)), Ending.COMMIT, notifyOff).run(tenants);
            new Tx(List.of(new CreateTenant(tenant, monitors)), Ending.COMMIT, notifyOff).run(tenants);
        }
    }

    /**
     * {@code update … set name = name}: "reload this tenant whole" — a version whose one change row is a {@code TOUCH}
     * (V9; before it, a version without rows), which only the sweep cursor finds when notifications are lost.
     */
    record BareTouch(int tenant) implements Step {
        @Override
        public void run(List<UUID> tenants) throws SQLException {
            writer.setAutoCommit(true);
            update(writer, "update confwatch.tenants set name = name where id = ?", tenants.get(tenant));
        }
    }

    /** A monitor redefined with every trigger disabled, as a restore or a careless tool would; then a forced reload. */
    record TriggerlessWrite(int tenant, int pick) implements Step {
        @Override
        public void run(List<UUID> tenants) throws SQLException {
            Connection c = writer;
            c.setAutoCommit(false);
            {
                update(c, "alter table confwatch.monitors disable trigger user");
                Optional<UUID> id = entityAt(c, Kind.MONITOR, tenants.get(tenant), pick);
                if (id.isPresent()) {
                    update(
                            c,
                            "update confwatch.monitors set definition = ?::jsonb where id = ?",
                            Kind.MONITOR.definition(),
                            id.get());
                }
                update(c, "alter table confwatch.monitors enable trigger user");
                c.commit();
            }
        }
    }

    /** The worker's LISTEN session ended from the server side; it reconnects and catches up. */
    record KillListener() implements Step {
        @Override
        public void run(List<UUID> tenants) {
            rig.terminateListener(db, "history");
        }
    }

    record Insert(int tenant, Kind kind) implements Change {
        @Override
        public void apply(Connection c, List<UUID> tenants) throws SQLException {
            UUID owner = tenants.get(tenant);
            if (exists(c, owner)) {
                update(
                        c,
                        "insert into " + kind.table + " (tenant_id, name, definition) values (?, ?, ?::jsonb)",
                        owner,
                        "e" + NAMES.incrementAndGet(),
                        kind.definition());
            }
        }
    }

    record Redefine(int tenant, Kind kind, int pick) implements Change {
        @Override
        public void apply(Connection c, List<UUID> tenants) throws SQLException {
            Optional<UUID> id = entityAt(c, kind, tenants.get(tenant), pick);
            if (id.isPresent()) {
                update(
                        c,
                        "update " + kind.table + " set definition = ?::jsonb where id = ?",
                        kind.definition(),
                        id.get());
            }
        }
    }

    record Rename(int tenant, Kind kind, int pick) implements Change {
        @Override
        public void apply(Connection c, List<UUID> tenants) throws SQLException {
            Optional<UUID> id = entityAt(c, kind, tenants.get(tenant), pick);
            if (id.isPresent()) {
                update(
                        c,
                        "update " + kind.table + " set name = ? where id = ?",
                        "e" + NAMES.incrementAndGet(),
                        id.get());
            }
        }
    }

    /** Soft delete ({@code is_active = false}) or back. */
    record SetActive(int tenant, Kind kind, int pick, boolean active) implements Change {
        @Override
        public void apply(Connection c, List<UUID> tenants) throws SQLException {
            Optional<UUID> id = entityAt(c, kind, tenants.get(tenant), pick);
            if (id.isPresent()) {
                update(c, "update " + kind.table + " set is_active = ? where id = ?", active, id.get());
            }
        }
    }

    /** Hard delete. */
    record Delete(int tenant, Kind kind, int pick) implements Change {
        @Override
        public void apply(Connection c, List<UUID> tenants) throws SQLException {
            Optional<UUID> id = entityAt(c, kind, tenants.get(tenant), pick);
            if (id.isPresent()) {
                update(c, "delete from " + kind.table + " where id = ?", id.get());
            }
        }
    }

    /** A monitor moved to another tenant (filters that pointed at it let go first). */
    record Move(int from, int to, int pick) implements Change {
        @Override
        public void apply(Connection c, List<UUID> tenants) throws SQLException {
            Optional<UUID> id = entityAt(c, Kind.MONITOR, tenants.get(from), pick);
            if (id.isPresent() && from != to && exists(c, tenants.get(to))) {
                update(c, "update confwatch.filters set monitor_id = null where monitor_id = ?", id.get());
                update(c, "update confwatch.monitors set tenant_id = ? where id = ?", tenants.get(to), id.get());
            }
        }
    }

    /** Many monitors in one statement. */
    record Bulk(int tenant, int count) implements Change {
        @Override
        public void apply(Connection c, List<UUID> tenants) throws SQLException {
            if (exists(c, tenants.get(tenant))) {
                update(
                        c,
                        "insert into confwatch.monitors (tenant_id, name, definition) select ?, 'b' || ? || '-' || g,"
                                + " jsonb_build_object('networks', jsonb_build_array('n' || g))"
                                + " from generate_series(1, ?) g",
                        tenants.get(tenant),
                        NAMES.incrementAndGet(),
                        count);
            }
        }
    }

    record TenantRename(int tenant) implements Change {
        @Override
        public void apply(Connection c, List<UUID> tenants) throws SQLException {
            update(
                    c,
                    "update confwatch.tenants set name = ? where id = ?",
                    "t" + NAMES.incrementAndGet(),
                    tenants.get(tenant));
        }
    }

    record TenantStatus(int tenant, String status) implements Change {
        @Override
        public void apply(Connection c, List<UUID> tenants) throws SQLException {
            update(c, "update confwatch.tenants set status = ? where id = ?", status, tenants.get(tenant));
        }
    }

    /** The tenant deleted and created again in the same transaction, as import tools "replace" one. */
    record Replace(int tenant, int monitors) implements Change {
        @Override
        public void apply(Connection c, List<UUID> tenants) throws SQLException {
            new DeleteTenant(tenant).apply(c, tenants);
            new CreateTenant(tenant, monitors).apply(c, tenants);
        }
    }

    record DeleteTenant(int tenant) implements Change {
        @Override
        public void apply(Connection c, List<UUID> tenants) throws SQLException {
            update(c, "delete from confwatch.tenants where id = ?", tenants.get(tenant));
        }
    }

    record CreateTenant(int tenant, int monitors) implements Change {
        @Override
        public void apply(Connection c, List<UUID> tenants) throws SQLException {
            UUID id = tenants.get(tenant);
            if (!exists(c, id)) {
                update(c, "insert into confwatch.tenants (id, name) values (?, ?)", id, "t" + NAMES.incrementAndGet());
                for (int i = 0; i < monitors; i++) {
                    new Insert(tenant, Kind.MONITOR).apply(c, tenants);
                }
            }
        }
    }

    // ---- checks -----------------------------------------------------------------------------------------------------

    /** Three tenants: one big enough for delta reads, two small; with a filter on a monitor and a trigger each. */
    private static List<UUID> createTenants() throws SQLException {
        List<UUID> tenants = new ArrayList<>();
        Connection c = writer;
        {
            for (int i = 0; i < TENANTS; i++) {
                UUID id = UUID.randomUUID();
                tenants.add(id);
                c.setAutoCommit(false);
                new CreateTenant(i, 1).apply(c, tenants);
                new Insert(i, Kind.FILTER).apply(c, tenants);
                update(
                        c,
                        "update confwatch.filters set monitor_id = (select id from confwatch.monitors where tenant_id = ?"
                                + " limit 1) where tenant_id = ?",
                        id,
                        id);
                new Insert(i, Kind.TRIGGER).apply(c, tenants);
                if (i == 0) {
                    new Bulk(i, BIG).apply(c, tenants);
                }
                c.commit();
            }
        }
        return tenants;
    }

    /**
     * Waits until the worker says it has caught up (every tenant held at the database's version, nothing held that the
     * database lacks), then requires every held tenant to equal a fresh read of the database. After a trigger-less
     * write, a forced reload of every tenant comes first.
     */
    private static void caughtUp(boolean forceReload) throws Exception {
        if (forceReload) {
            for (UUID tenant : versions().keySet()) {
                confWatch.reload(tenant).get(CAUGHT_UP.toSeconds(), TimeUnit.SECONDS);
            }
        }
        await().atMost(CAUGHT_UP)
                .pollDelay(Duration.ZERO)
                .pollInterval(Duration.ofMillis(10))
                .until(HistoryPropertyTest::versionsMatch);
        assertThat(rows.differences(confWatch))
                .as("tenants that differ from the database")
                .isEmpty();
    }

    private static boolean versionsMatch() throws SQLException {
        Map<UUID, Long> database = versions();
        Map<UUID, Long> held =
                confWatch.tenants().stream().collect(Collectors.toMap(TenantSnapshot::tenant, TenantSnapshot::version));
        return database.equals(held);
    }

    private static Map<UUID, Long> versions() throws SQLException {
        Map<UUID, Long> versions = new HashMap<>();
        try (Statement s = reader.createStatement();
                ResultSet rs = s.executeQuery("select id, config_version from confwatch.tenants")) {
            while (rs.next()) {
                versions.put(rs.getObject(1, UUID.class), rs.getLong(2));
            }
        }
        return versions;
    }

    /** Every held tenant's {@code /tenants/{id}} body says what the held snapshot (equal to the database) says. */
    private static void assertHttpBodiesEqualHeld() throws Exception {
        for (TenantSnapshot held : confWatch.tenants()) {
            HttpResponse<String> response = HTTP.send(
                    HttpRequest.newBuilder(
                                    URI.create("http://127.0.0.1:" + api.actualPort() + "/tenants/" + held.tenant()))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(response.statusCode())
                    .as("GET /tenants/%s", held.tenant())
                    .isEqualTo(200);
            JsonNode body = JSON.readTree(response.body());
            assertThat(body.get("version").asLong()).isEqualTo(held.version());
            assertThat(body.get("name").asText()).isEqualTo(held.name());
            assertThat(body.get("status").asText()).isEqualTo(held.status());
            assertThat(entities(body.get("monitors"))).isEqualTo(entities(held.monitors()));
            assertThat(entities(body.get("filters"))).isEqualTo(entities(held.filters()));
            assertThat(entities(body.get("triggers"))).isEqualTo(entities(held.triggers()));
        }
    }

    private static Map<String, JsonNode> entities(JsonNode array) {
        Map<String, JsonNode> byId = new HashMap<>();
        array.forEach(entity -> byId.put(
                entity.get("id").asText(),
                JSON.createObjectNode()
                        .put("name", entity.get("name").asText())
                        .set("definition", entity.get("definition"))));
        return byId;
    }

    private static Map<String, JsonNode> entities(List<? extends ConfigEntity> list) throws Exception {
        Map<String, JsonNode> byId = new HashMap<>();
        for (ConfigEntity entity : list) {
            byId.put(
                    entity.id().toString(),
                    JSON.createObjectNode()
                            .put("name", entity.name())
                            .set("definition", JSON.readTree(entity.definition())));
        }
        return byId;
    }

    // ---- SQL helpers ------------------------------------------------------------------------------------------------

    private static boolean exists(Connection c, UUID tenant) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("select 1 from confwatch.tenants where id = ?")) {
            s.setObject(1, tenant);
            try (ResultSet rs = s.executeQuery()) {
                return rs.next();
            }
        }
    }

    /** The {@code pick}-th (modulo their number) entity of {@code kind} in {@code tenant}, in id order. */
    private static Optional<UUID> entityAt(Connection c, Kind kind, UUID tenant, int pick) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("select id from " + kind.table
                + " where tenant_id = ? order by id offset ? % greatest(1, (select count(*) from " + kind.table
                + " where tenant_id = ?)) limit 1")) {
            s.setObject(1, tenant);
            s.setInt(2, pick);
            s.setObject(3, tenant);
            try (ResultSet rs = s.executeQuery()) {
                return rs.next() ? Optional.of(rs.getObject(1, UUID.class)) : Optional.empty();
            }
        }
    }

    private static void update(Connection c, String sql, Object... arguments) throws SQLException {
        try (PreparedStatement s = c.prepareStatement(sql)) {
            for (int i = 0; i < arguments.length; i++) {
                s.setObject(i + 1, arguments[i]);
            }
            s.execute();
        }
    }
}
