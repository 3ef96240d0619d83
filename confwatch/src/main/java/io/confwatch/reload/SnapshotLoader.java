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
import java.util.HashSet;
import java.util.HexFormat;
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
    private static final int DIGEST_ROW = 10;
    private static final int CHANGED_ID = 9;
    private static final int VERSIONS_LOGGED = 8;
    private static final int TENANT_ROWS_REPLACED = 7;

    // Columns: kind, id, tenant_id, name, status-or-updated_by, definition-or-server, config_version,
    // changed_at-or-updated_at, monitor_id. The tenant row carries the server's start time: it tells whether the
    // database may have gone back in time since a snapshot was read (docs/invariants.md, "rewinds"). One shape for all
    // kinds so one statement (one snapshot) reads a tenant whole.
    private static final String ENTITIES_OF_TENANTS =
            """
            select 1, m.id, m.tenant_id, m.name, m.updated_by, m.definition::text, null::bigint, m.updated_at, null::uuid
              from confwatch.monitors m where m.tenant_id = any($1) and m.is_active
            union all
            select 2, f.id, f.tenant_id, f.name, f.updated_by, f.definition::text, null, f.updated_at, f.monitor_id
              from confwatch.filters f where f.tenant_id = any($1) and f.is_active
            union all
            select 3, t.id, t.tenant_id, t.name, t.updated_by, t.definition::text, null, t.updated_at, null
              from confwatch.triggers t where t.tenant_id = any($1) and t.is_active
            """;

    private static final String LOAD_TENANTS =
            """
            select 0, t.id, t.id, t.name, t.status, pg_postmaster_start_time()::text, t.config_version, t.changed_at,
                   null::uuid
              from confwatch.tenants t where t.id = any($1)
            union all
            """
                    + ENTITIES_OF_TENANTS;

    // The page's ids as an array (= any(array(…))), not a join to the page: the planner cannot know how many ids a
    // CTE yields (it assumes 200) and hash-joined each page to a sequential scan of every entity table, so a start-up
    // read every entity once per page (quadratic in the tenants). An array lets it fetch the page's rows by index.
    static final String LOAD_PAGE =
            """
            with page as (select id from confwatch.tenants where id > $1 order by id limit $2)
            select 0, t.id, t.id, t.name, t.status, pg_postmaster_start_time()::text, t.config_version, t.changed_at,
                   null::uuid
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

    // A tenant's digest (alias t: its confwatch.tenants row), the one expression both statements below use. It covers
    // the server's identity — its start time (every restore and every failover brings a server that started at another
    // time; readable by any role, unlike pg_control_system(), whose system identifier a promoted replica or a physical
    // restore keeps anyway) and the database's oid (a database restored beside the old one and renamed) — and every
    // column a whole read returns, definitions included, not only the version: a write made with the triggers off
    // changes it. jsonb arrays render injectively; timestamps as epoch seconds, independent of the session's TimeZone.
    static final String DIGEST =
            """
            sha256(convert_to(jsonb_build_array(
                extract(epoch from pg_postmaster_start_time()),
                (select d.oid from pg_catalog.pg_database d where d.datname = current_database()),
                t.name, t.status, t.config_version, extract(epoch from t.changed_at),
                (select coalesce(jsonb_agg(jsonb_build_array(m.id, m.name, m.updated_by, m.definition,
                                                             extract(epoch from m.updated_at)) order by m.id), '[]')
                   from confwatch.monitors m where m.tenant_id = t.id and m.is_active),
                (select coalesce(jsonb_agg(jsonb_build_array(f.id, f.name, f.updated_by, f.definition,
                                                             extract(epoch from f.updated_at), f.monitor_id)
                                           order by f.id), '[]')
                   from confwatch.filters f where f.tenant_id = t.id and f.is_active),
                (select coalesce(jsonb_agg(jsonb_build_array(g.id, g.name, g.updated_by, g.definition,
                                                             extract(epoch from g.updated_at)) order by g.id), '[]')
                   from confwatch.triggers g where g.tenant_id = t.id and g.is_active))::text, 'UTF8'))
            """;

    private static final String DIGESTS = "select t.id, " + DIGEST + " from confwatch.tenants t where t.id = any($1)";

    // A whole read that also returns each tenant's digest (kind 10, in the name column, hex), computed in the same
    // statement: the digest describes exactly the rows read.
    private static final String LOAD_TENANTS_DIGESTED = LOAD_TENANTS
            + "union all\nselect 10, t.id, t.id, encode(" + DIGEST + ", 'hex'), null, null, null, null, null\n"
            + "  from confwatch.tenants t where t.id = any($1)\n";

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
            """
            with page as (select t.id from confwatch.tenants t where %s)
            select 0, t.id, t.id, t.name, t.status, pg_postmaster_start_time()::text, t.config_version, t.changed_at,
                   null::uuid
              from confwatch.tenants t where t.id = any(array(select id from page))
            union all
            """
                            .formatted(owned("t.id", 1))
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
    public static final String SWEEP_EVERY_TENANT =
            """
            select 1, t.id, t.config_version, t.changed_at, null::text from confwatch.tenants t
            union all
            """
                    + SWEEP_HORIZON_ROW;

    /**
     * A cursor read: the tenants bumped, and the tenant ids deleted (and not created again), by a transaction at or
     * above the horizon {@code $1} (an {@code xid8} as text). Both through btree indexes on the xids (V7), so the rows
     * read follow the rows changed. Public for the bench, which explains it.
     */
    public static final String SWEEP_SINCE_HORIZON =
            """
            select 1, t.id, t.config_version, t.changed_at, null::text
              from confwatch.tenants t
             where t.version_xid >= $1::text::xid8
            union all
            select 2, d.tenant_id, d.last_version, null, null
              from confwatch.tenant_tombstones d
             where d.deleted_xid >= $1::text::xid8
               and not exists (select from confwatch.tenants t where t.id = d.tenant_id)
            union all
            """
                    + SWEEP_HORIZON_ROW;

    // The sweep's statements for a sharded worker: owned tenants only (the slot filter's parameter follows the
    // horizon's); a tombstone's slot is its tenant id's.
    private static final String OWNED_SWEEP_EVERY_TENANT =
            """
            select 1, t.id, t.config_version, t.changed_at, null::text from confwatch.tenants t where %s
            union all
            """
                            .formatted(owned("t.id", 1))
                    + SWEEP_HORIZON_ROW;

    private static final String OWNED_SWEEP_SINCE_HORIZON =
            """
            select 1, t.id, t.config_version, t.changed_at, null::text
              from confwatch.tenants t
             where t.version_xid >= $1::text::xid8 and %s
            union all
            select 2, d.tenant_id, d.last_version, null, null
              from confwatch.tenant_tombstones d
             where d.deleted_xid >= $1::text::xid8
               and confwatch.tenant_slot(d.tenant_id) = any($2::int4[])
               and not exists (select from confwatch.tenants t where t.id = d.tenant_id)
            union all
            """
                            .formatted(owned("t.id", 2))
                    + SWEEP_HORIZON_ROW;

    private static final int SWEEP_TENANT = 1;
    private static final int SWEEP_DELETED = 2;

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
            for (Row row : rows) {
                int kind = row.getInteger(0);
                if (kind == SWEEP_TENANT) {
                    versions.add(new TenantVersion(row.getUUID(1), row.getLong(2), instant(row, 3)));
                } else if (kind == SWEEP_DELETED) {
                    deleted.add(row.getUUID(1));
                } else {
                    horizon = horizon(row.getString(4));
                }
            }
            return new SweepRows(versions, deleted, horizon, since.isEmpty());
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

    /** The named tenants, whole; a tenant missing from the result does not exist (any more). */
    Future<Map<UUID, TenantRows.Whole>> load(List<UUID> tenants) {
        return query(LOAD_TENANTS, Tuple.of(tenants.toArray(UUID[]::new))).map(SnapshotLoader::wholes);
    }

    /**
     * The named tenants, whole, with each one's digest computed in the same statement (so over exactly these rows); a
     * tenant missing from the result does not exist (any more).
     */
    Future<Digested> loadDigested(List<UUID> tenants) {
        return query(LOAD_TENANTS_DIGESTED, Tuple.of(tenants.toArray(UUID[]::new)))
                .map(rows -> {
                    Map<UUID, TenantDigest> digests = new LinkedHashMap<>();
                    for (Row row : rows) {
                        if (row.getInteger(0) == DIGEST_ROW) {
                            digests.put(
                                    row.getUUID(1),
                                    TenantDigest.of(HexFormat.of().parseHex(row.getString(3))));
                        }
                    }
                    return new Digested(wholes(rows), digests);
                });
    }

    /** Whole tenants and their digests, read in one statement. */
    record Digested(Map<UUID, TenantRows.Whole> wholes, Map<UUID, TenantDigest> digests) {}

    /**
     * The named tenants' digests now ({@link #DIGEST}: no rows shipped); a tenant missing from the result does not
     * exist (any more).
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
        Map<UUID, List<TenantRows.Entity>> entities = new LinkedHashMap<>();
        for (Row row : rows) {
            int kind = row.getInteger(0);
            if (kind == TENANT) {
                TenantRows.Tenant tenant = tenant(row);
                tenants.put(tenant.id(), tenant);
            } else if (kind != DIGEST_ROW) {
                TenantRows.Entity entity = entity(kind, row);
                entities.computeIfAbsent(entity.tenant(), t -> new ArrayList<>())
                        .add(entity);
            }
        }
        Map<UUID, TenantRows.Whole> wholes = new LinkedHashMap<>(tenants.size() * 2);
        tenants.forEach(
                (id, tenant) -> wholes.put(id, new TenantRows.Whole(tenant, entities.getOrDefault(id, List.of()))));
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
