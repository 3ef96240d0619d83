package io.confwatch.reload;

import io.confwatch.db.Connections;
import io.confwatch.model.EntityKind;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowIterator;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The only class that reads the config tables. Every method is one SQL statement, so what it returns is one consistent
 * database snapshot: the version read is the version of the rows read with it.
 */
public final class SnapshotLoader {
    private static final int TENANT = 0;
    private static final int CHANGED_ID = 9;
    private static final int VERSIONS_LOGGED = 8;
    private static final int TENANT_ROWS_REPLACED = 7;

    // The server's identity, the same text wherever it is read: its start time (every restore and every failover brings
    // a server that started at another time; readable by any role, unlike pg_control_system(), whose system identifier
    // a promoted replica or a physical restore keeps anyway) and the database's oid (a database restored beside the
    // old one and renamed). Epoch seconds: independent of the session's TimeZone and DateStyle.
    static final String IDENTITY =
            "extract(epoch from pg_catalog.pg_postmaster_start_time())::text || ' ' || (select d.oid"
                    + " from pg_catalog.pg_database d where d.datname = pg_catalog.current_database())::text";

    /**
     * Which version of a row {@code alias} is: the transaction that made it ({@code xmin}) and where it lies
     * ({@code ctid}), as text, e.g. {@code 7412(18,3)}. Every write of a row — with or without triggers, replication role
     * or not — makes a new version with the writing transaction's xmin at a line pointer other than the one the version
     * it replaces still holds; docs/invariants.md #14 says what the pair identifies and what it cannot.
     */
    static String version(String alias) {
        return alias + ".xmin::text || " + alias + ".ctid::text";
    }

    // Columns: kind, id, tenant_id, name, status-or-updated_by, definition-or-server, config_version,
    // changed_at-or-updated_at, monitor_id, the row's version (version(…)), and on the tenant row the server's identity
    // (IDENTITY). The tenant row carries the server's start time: it tells whether the database may have gone back in
    // time since a snapshot was read (docs/invariants.md, "rewinds"); the versions and the identity make the tenant's
    // digest (TenantDigest.ofVersions), so a whole read describes exactly the rows it returned. One shape for all kinds
    // so one statement (one snapshot) reads a tenant whole.
    private static final String ENTITIES_OF_TENANTS =
            """
            select 1, m.id, m.tenant_id, m.name, m.updated_by, m.definition::text, null::bigint, m.updated_at, null::uuid,
                   %s, null::text
              from confwatch.monitors m where m.tenant_id = any($1) and m.is_active
            union all
            select 2, f.id, f.tenant_id, f.name, f.updated_by, f.definition::text, null, f.updated_at, f.monitor_id,
                   %s, null
              from confwatch.filters f where f.tenant_id = any($1) and f.is_active
            union all
            select 3, t.id, t.tenant_id, t.name, t.updated_by, t.definition::text, null, t.updated_at, null,
                   %s, null
              from confwatch.triggers t where t.tenant_id = any($1) and t.is_active
            """
                    .formatted(version("m"), version("f"), version("t"));

    // The tenant row of a whole read, from confwatch.tenants t.
    private static final String TENANT_ROW =
            """
            select 0, t.id, t.id, t.name, t.status, pg_postmaster_start_time()::text, t.config_version, t.changed_at,
                   null::uuid, %s, %s
            """
                    .formatted(version("t"), IDENTITY);

    private static final String LOAD_TENANTS = TENANT_ROW
            + """
              from confwatch.tenants t where t.id = any($1)
            union all
            """
            + ENTITIES_OF_TENANTS;

    static final String LOAD_PAGE =
            "with page as (select id from confwatch.tenants where id > $1 order by id limit $2)\n"
                    + TENANT_ROW
                    + """
              from confwatch.tenants t where t.id = any(array(select id from page))
            union all
            """
                    + ENTITIES_OF_TENANTS.replace("= any($1)", "= any(array(select id from page))");

    // Changed rows are fetched by primary key alone (= any(array(…))), and rows now in another tenant are dropped in
    // Java: joining the change set to the entity table lets the planner hash the whole tenant, and a tenant_id = $1
    // condition lets a generic plan built on statistics from before the tenant grew scan the tenant's (tenant_id,
    // name) index instead (10,000 rows read for a one-row change either way).
    static final String LOAD_DELTA =
            """
            with changed as (
                select distinct c.entity, c.entity_id
                  from confwatch.config_changes c
                 where c.tenant_id = $1 and c.version > $2 and c.entity <> 'tenant')
            select 0, t.id, t.id, t.name, t.status, pg_postmaster_start_time()::text, t.config_version, t.changed_at,
                   null::uuid
              from confwatch.tenants t where t.id = $1
            union all
            select 1, m.id, m.tenant_id, m.name, m.updated_by, m.definition::text, null, m.updated_at, null
              from confwatch.monitors m
             where m.id = any(array(select entity_id from changed where entity = 'monitor'))
               and m.is_active
            union all
            select 2, f.id, f.tenant_id, f.name, f.updated_by, f.definition::text, null, f.updated_at, f.monitor_id
              from confwatch.filters f
             where f.id = any(array(select entity_id from changed where entity = 'filter'))
               and f.is_active
            union all
            select 3, t.id, t.tenant_id, t.name, t.updated_by, t.definition::text, null, t.updated_at, null
              from confwatch.triggers t
             where t.id = any(array(select entity_id from changed where entity = 'trigger'))
               and t.is_active
            union all
            select 9, c.entity_id, $1, c.entity, null, null, null, null, null from changed c
            union all
            select 8, null, $1, null, null, null,
                   (select count(distinct c.version) from confwatch.config_changes c
                     where c.tenant_id = $1 and c.version > $2),
                   null, null
            union all
            select 7, null, $1, null, null, null,
                   (select count(*) from confwatch.config_changes c
                     where c.tenant_id = $1 and c.version > $2 and c.entity = 'tenant' and c.op <> 'UPDATE'),
                   null, null
            """;

    // The named tenants' digests ($1), no rows shipped: SHA-256 over the same text TenantDigest.ofVersions makes from a
    // whole read's rows — the server's identity, the tenant row's version, and each active entity's kind, id and
    // version in (kind, id) order (uuid order is the order of its lowercase text). Versions, not content: no
    // definition is fetched, rendered or hashed (a third of the content digest's database time; docs/benchmarks.md).
    // One scan of each entity table per page, grouped; a correlated subquery per tenant and table cost as much again.
    static final String DIGESTS =
            """
            select t.id, sha256(convert_to(%s || ' ' || t.version
                       || coalesce(string_agg(e.kind::text || e.id::text || e.version, '' order by e.kind, e.id), ''),
                       'UTF8'))
              from (select t.id, %s as version from confwatch.tenants t where t.id = any($1)) t
              left join (select 1 as kind, m.tenant_id, m.id, %s as version
                           from confwatch.monitors m where m.tenant_id = any($1) and m.is_active
                         union all
                         select 2, f.tenant_id, f.id, %s from confwatch.filters f where f.tenant_id = any($1) and f.is_active
                         union all
                         select 3, g.tenant_id, g.id, %s from confwatch.triggers g where g.tenant_id = any($1) and g.is_active
                        ) e on e.tenant_id = t.id
             group by t.id, t.version
            """
                    .formatted(IDENTITY, version("t"), version("m"), version("f"), version("g"));

    /**
     * The one SQL spelling of "a tenant this worker owns" (DESIGN §4.4a, {@code sql/V8__tenant_slots.sql}): its slot is
     * among the slots in parameter {@code $param} (an {@code int4[]}), which index {@code confwatch.tenants_slot_idx}
     * answers. {@code id} is the {@code confwatch.tenants} row's id column ({@code id}, {@code t.id}).
     */
    static String owned(String id, int param) {
        return "confwatch.tenant_slot(" + id + ") = any($" + param + "::int4[])";
    }

    // A sharded start-up: the tenants of a run of owned slots ($1), whole, in one statement (one page). The page's ids
    // as an array, as in LOAD_PAGE: joined to the page (in (select …)), every page hash-joined a sequential scan of
    // all monitors.
    static final String LOAD_SLOTS =
            "with page as (select t.id from confwatch.tenants t where %s)\n".formatted(owned("t.id", 1))
                    + TENANT_ROW
                    + """
              from confwatch.tenants t where t.id = any(array(select id from page))
            union all
            """
                    + ENTITIES_OF_TENANTS.replace("= any($1)", "= any(array(select id from page))");

    private static final String VERSIONS = "select id, config_version, changed_at from confwatch.tenants";

    // The versioned sweep and full reloads of a sharded worker: owned tenants only.
    private static final String OWNED_VERSIONS = VERSIONS + " where " + owned("id", 1);

    // The versioned sweep's two statements (docs/invariants.md, "the sweep cursor"). Columns: kind, tenant id,
    // config_version (a tombstone's last version), changed_at, and on the one horizon row the xmin and xmax of this
    // statement's own snapshot and the server's start time. One statement, so the horizon is the horizon of the very
    // snapshot the rows were read under (READ COMMITTED takes one snapshot per statement; pg_current_snapshot() is the
    // statement's active snapshot) — also behind a transaction pooler, where two statements may reach two server
    // connections. The horizon row comes last: union all branches run in order, and nothing here depends on it.
    private static final String SWEEP_HORIZON_ROW =
            """
            select 0, null::uuid, null::bigint, null::timestamptz,
                   pg_catalog.pg_snapshot_xmin(s)::text || ' ' || pg_catalog.pg_snapshot_xmax(s)::text || ' '
                       || pg_catalog.pg_postmaster_start_time()::text
              from pg_catalog.pg_current_snapshot() s
            """;

    /** A full comparison: every tenant's version. Public for the bench, which explains it. */
    public static final String SWEEP_EVERY_TENANT = sweepEveryTenant("");

    /**
     * A cursor read: the tenants changed (their change rows' {@code xid}, V9), and the tenant ids deleted (and not
     * created again: the tombstones' {@code deleted_xid}, V7), by a transaction at or above the horizon {@code $1} (an
     * {@code xid8} as text), both through btree indexes on the xids, so the rows read follow the rows changed; and a
     * row of kind 3 when the change log may lack rows at or above the horizon (retention purged them, or they predate
     * V9): the read is then refused and the sweep compares every tenant. Public for the bench, which explains it.
     *
     * <p>Spelled so that the plan does not hang on statistics: the changed ids as an array reach the tenants through
     * their primary key, and each tombstone's "created again?" is one primary-key probe. As a join ({@code in (select
     * …)}, {@code not exists}) a log without statistics on {@code xid} — every log migrated to V9 until autovacuum
     * analyzes it again — made the planner hash-join a scan of every tenant (SweepCursorSqlTest).
     */
    public static final String SWEEP_SINCE_HORIZON = sweepSinceHorizon("", "");

    // The sweep's statements for a sharded worker: owned tenants only (the slot filter's parameter follows the
    // horizon's); a tombstone's slot is its tenant id's.
    private static final String OWNED_SWEEP_EVERY_TENANT = sweepEveryTenant(" where " + owned("t.id", 1));

    private static final String OWNED_SWEEP_SINCE_HORIZON =
            sweepSinceHorizon("\n   and " + owned("t.id", 2), "\n   and " + owned("d.tenant_id", 2));

    /** {@link #SWEEP_EVERY_TENANT}, of the tenants {@code where} keeps. */
    private static String sweepEveryTenant(String where) {
        return "select 1, t.id, t.config_version, t.changed_at, null::text from confwatch.tenants t" + where
                + "\nunion all\n" + SWEEP_HORIZON_ROW;
    }

    /** {@link #SWEEP_SINCE_HORIZON}, of the tenants and tombstones the two conditions keep. */
    private static String sweepSinceHorizon(String andTenant, String andTombstone) {
        return """
            select 1, t.id, t.config_version, t.changed_at, null::text
              from confwatch.tenants t
             where t.id = any(array(select c.tenant_id from confwatch.config_changes c where c.xid >= $1::text::xid8))%s
            union all
            select 2, d.tenant_id, d.last_version, null, null
              from confwatch.tenant_tombstones d
             where d.deleted_xid >= $1::text::xid8%s
               and (select t.id from confwatch.tenants t where t.id = d.tenant_id) is null
            union all
            select 3, null, null, null, null
              from confwatch.config_changes_purged p
             where p.through_xid >= $1::text::xid8
            union all
            """
                        .formatted(andTenant, andTombstone)
                + SWEEP_HORIZON_ROW;
    }

    private static final int SWEEP_TENANT = 1;
    private static final int SWEEP_DELETED = 2;
    private static final int SWEEP_LOG_INCOMPLETE = 3;

    private static final String VERSION_OF = "select config_version from confwatch.tenants where id = $1";

    private final Pool pool;
    private final Duration timeout;
    // The owned slots as the database gets them; null: every tenant is read (and filtered in Java, if at all).
    private final Integer[] ownedSlots;
    private final Set<SqlConnection> reading = ConcurrentHashMap.newKeySet();

    /** A loader whose every statement is bounded by {@code timeout}; past it, its connection is aborted. */
    public SnapshotLoader(Pool pool, Duration timeout) {
        this(pool, timeout, Optional.empty());
    }

    /**
     * A loader whose tenant-wide reads (versions, full loads) return only the tenants of {@code ownedSlots} (ascending)
     * when present, every tenant when empty.
     */
    public SnapshotLoader(Pool pool, Duration timeout, Optional<int[]> ownedSlots) {
        this.pool = pool;
        this.timeout = timeout;
        this.ownedSlots = ownedSlots
                .map(slots -> Arrays.stream(slots).boxed().toArray(Integer[]::new))
                .orElse(null);
    }

    /** The slots whose tenants this loader reads, ascending; empty when it reads every tenant. */
    Optional<int[]> ownedSlots() {
        return ownedSlots == null
                ? Optional.empty()
                : Optional.of(
                        Arrays.stream(ownedSlots).mapToInt(Integer::intValue).toArray());
    }

    /** Every owned tenant's id and version (every tenant's, when not filtered by slot), for the versioned sweep. */
    public Future<List<TenantVersion>> versions() {
        Future<RowSet<Row>> read =
                ownedSlots == null ? query(VERSIONS, Tuple.tuple()) : query(OWNED_VERSIONS, Tuple.of(ownedSlots));
        return read.map(rows -> {
            List<TenantVersion> versions = new ArrayList<>(rows.size());
            for (Row row : rows) {
                versions.add(new TenantVersion(row.getUUID(0), row.getLong(1), instant(row, 2)));
            }
            return versions;
        });
    }

    /**
     * What the versioned sweep reads, in one statement: every tenant's version (a full comparison) when {@code since}
     * is empty, else only the tenants changed or deleted by transactions at or above its horizon; and the horizon of
     * the snapshot it read under.
     */
    Future<SweepRows> sweepRows(Optional<SweepHorizon> since) {
        Future<RowSet<Row>> read;
        if (ownedSlots == null) {
            read = since.isEmpty()
                    ? query(SWEEP_EVERY_TENANT, Tuple.tuple())
                    : query(SWEEP_SINCE_HORIZON, Tuple.of(since.get().xminText()));
        } else {
            read = since.isEmpty()
                    ? query(OWNED_SWEEP_EVERY_TENANT, Tuple.of(ownedSlots))
                    : query(
                            OWNED_SWEEP_SINCE_HORIZON,
                            // Not Tuple.of(text, slots): its varargs would spread the slots into parameters.
                            Tuple.tuple().addString(since.get().xminText()).addArrayOfInteger(ownedSlots));
        }
        return read.map(rows -> {
            List<TenantVersion> versions = new ArrayList<>();
            List<UUID> deleted = new ArrayList<>();
            SweepHorizon horizon = null;
            boolean logIncomplete = false;
            for (Row row : rows) {
                int kind = row.getInteger(0);
                if (kind == SWEEP_TENANT) {
                    versions.add(new TenantVersion(row.getUUID(1), row.getLong(2), instant(row, 3)));
                } else if (kind == SWEEP_DELETED) {
                    deleted.add(row.getUUID(1));
                } else if (kind == SWEEP_LOG_INCOMPLETE) {
                    logIncomplete = true;
                } else {
                    horizon = horizon(row.getString(4));
                }
            }
            return new SweepRows(versions, deleted, horizon, since.isEmpty(), logIncomplete);
        });
    }

    /** The horizon row's text: {@code "<xmin> <xmax> <server start time>"}. */
    private static SweepHorizon horizon(String text) {
        String[] parts = text.split(" ", 3);
        return new SweepHorizon(Long.parseUnsignedLong(parts[0]), Long.parseUnsignedLong(parts[1]), parts[2]);
    }

    /** One tenant's version now; empty when the tenant does not exist. */
    Future<OptionalLong> version(UUID tenant) {
        return query(VERSION_OF, Tuple.of(tenant)).map(rows -> {
            RowIterator<Row> it = rows.iterator();
            return it.hasNext() ? OptionalLong.of(it.next().getLong(0)) : OptionalLong.empty();
        });
    }

    /**
     * The named tenants, whole, each with its digest ({@link TenantRows.Whole#digest()}: of exactly the rows read); a
     * tenant missing from the result does not exist (any more).
     */
    Future<Map<UUID, TenantRows.Whole>> load(List<UUID> tenants) {
        return query(LOAD_TENANTS, Tuple.of(tenants.toArray(UUID[]::new))).map(SnapshotLoader::wholes);
    }

    /**
     * The named tenants' digests now ({@link #DIGESTS}: no rows shipped), equal to the digests of whole reads of the
     * same row versions; a tenant missing from the result does not exist (any more).
     */
    Future<Map<UUID, TenantDigest>> digests(List<UUID> tenants) {
        return query(DIGESTS, Tuple.of(tenants.toArray(UUID[]::new))).map(rows -> {
            Map<UUID, TenantDigest> digests = new LinkedHashMap<>(rows.size() * 2);
            for (Row row : rows) {
                digests.put(row.getUUID(0), TenantDigest.of(row.getBuffer(1).getBytes()));
            }
            return digests;
        });
    }

    /** Up to {@code limit} tenants with ids above {@code after} (in id order), whole: one page of a full load. */
    Future<Map<UUID, TenantRows.Whole>> loadPage(UUID after, int limit) {
        return query(LOAD_PAGE, Tuple.of(after, limit)).map(SnapshotLoader::wholes);
    }

    /** Every tenant of the slots {@code slots}, whole: one page of a sharded start-up load. */
    Future<Map<UUID, TenantRows.Whole>> loadSlots(int[] slots) {
        Integer[] boxed = Arrays.stream(slots).boxed().toArray(Integer[]::new);
        return query(LOAD_SLOTS, Tuple.of(boxed)).map(SnapshotLoader::wholes);
    }

    /** What changed in {@code tenant} after {@code sinceVersion}, from the change log. */
    Future<TenantRows.Delta> loadDelta(UUID tenant, long sinceVersion) {
        return query(LOAD_DELTA, Tuple.of(tenant, sinceVersion)).map(rows -> {
            TenantRows.Tenant tenantRow = null;
            List<TenantRows.Entity> active = new ArrayList<>();
            Set<UUID> changed = new HashSet<>();
            long versionsLogged = 0;
            long tenantRowsReplaced = 0;
            for (Row row : rows) {
                int kind = row.getInteger(0);
                if (kind == TENANT) {
                    tenantRow = tenant(row);
                } else if (kind == VERSIONS_LOGGED) {
                    versionsLogged = row.getLong(6);
                } else if (kind == TENANT_ROWS_REPLACED) {
                    tenantRowsReplaced = row.getLong(6);
                } else if (kind == CHANGED_ID) {
                    changed.add(row.getUUID(1));
                } else {
                    TenantRows.Entity entity = entity(kind, row);
                    // Moved to another tenant since: gone from this one (its id is among the changed ones).
                    if (entity.tenant().equals(tenant)) {
                        active.add(entity);
                    }
                }
            }
            return new TenantRows.Delta(tenantRow, active, changed, sinceVersion, versionsLogged, tenantRowsReplaced);
        });
    }

    /**
     * Cuts the connections of the reads still running, at once; they fail with a closed connection. For shutdown, once
     * it has waited long enough: closing the pool would otherwise wait for each of them to finish.
     */
    public void abortReads() {
        List.copyOf(reading).forEach(Connections::abort);
    }

    private Future<RowSet<Row>> query(String sql, Tuple arguments) {
        return Connections.withConnection(pool, timeout, connection -> {
            reading.add(connection);
            return connection.preparedQuery(sql).execute(arguments).andThen(done -> reading.remove(connection));
        });
    }

    private static Map<UUID, TenantRows.Whole> wholes(RowSet<Row> rows) {
        Map<UUID, TenantRows.Tenant> tenants = new LinkedHashMap<>();
        Map<UUID, String> identities = new HashMap<>();
        Map<UUID, String> versions = new HashMap<>();
        Map<UUID, List<TenantRows.Entity>> entities = new LinkedHashMap<>();
        Map<UUID, List<TenantDigest.Version>> entityVersions = new HashMap<>();
        for (Row row : rows) {
            int kind = row.getInteger(0);
            if (kind == TENANT) {
                TenantRows.Tenant tenant = tenant(row);
                tenants.put(tenant.id(), tenant);
                versions.put(tenant.id(), row.getString(9));
                identities.put(tenant.id(), row.getString(10));
            } else {
                TenantRows.Entity entity = entity(kind, row);
                entities.computeIfAbsent(entity.tenant(), t -> new ArrayList<>())
                        .add(entity);
                entityVersions
                        .computeIfAbsent(entity.tenant(), t -> new ArrayList<>())
                        .add(new TenantDigest.Version(kind, entity.id(), row.getString(9)));
            }
        }
        Map<UUID, TenantRows.Whole> wholes = new LinkedHashMap<>(tenants.size() * 2);
        tenants.forEach((id, tenant) -> wholes.put(
                id,
                new TenantRows.Whole(
                        tenant,
                        entities.getOrDefault(id, List.of()),
                        new TenantDigest.Versions(
                                identities.get(id), versions.get(id), entityVersions.getOrDefault(id, List.of())))));
        return wholes;
    }

    private static TenantRows.Tenant tenant(Row row) {
        return new TenantRows.Tenant(
                row.getUUID(1), row.getString(3), row.getString(4), row.getLong(6), instant(row, 7), row.getString(5));
    }

    private static TenantRows.Entity entity(int kind, Row row) {
        return new TenantRows.Entity(
                switch (kind) {
                    case 1 -> EntityKind.MONITOR;
                    case 2 -> EntityKind.FILTER;
                    default -> EntityKind.TRIGGER;
                },
                row.getUUID(1),
                row.getUUID(2),
                row.getString(3),
                row.getString(5),
                instant(row, 7),
                row.getString(4),
                row.getUUID(8));
    }

    private static java.time.Instant instant(Row row, int column) {
        OffsetDateTime value = row.getOffsetDateTime(column);
        return value.toInstant();
    }
}
