package io.confwatch.sql;

import static org.assertj.core.api.Assertions.assertThat;

import io.confwatch.config.TenantSlot;
import io.confwatch.testing.PostgresExtension;
import io.confwatch.testing.TestDatabase;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * V8's {@code confwatch.tenant_slot(uuid)} and its Java twin {@link TenantSlot#of} (docs/invariants.md, "slots"): the
 * same slot for every id, pinned on golden values so no release changes either, on every PostgreSQL major of the
 * matrix; and the index V8 builds is the one a worker's owned-tenant filter uses.
 */
@ExtendWith(PostgresExtension.class)
class TenantSlotTest {
    /** Computed once by PostgreSQL 17 from V8's definition; a change here is a change of every tenant's owner. */
    private static final Map<UUID, Integer> GOLDEN = golden();

    private static Map<UUID, Integer> golden() {
        Map<UUID, Integer> golden = new LinkedHashMap<>();
        golden.put(UUID.fromString("00000000-0000-0000-0000-000000000000"), 2122);
        golden.put(UUID.fromString("ffffffff-ffff-ffff-ffff-ffffffffffff"), 1133);
        golden.put(UUID.fromString("00000000-0000-0000-0000-000000000001"), 2542);
        golden.put(UUID.fromString("123e4567-e89b-12d3-a456-426614174000"), 13020);
        golden.put(UUID.fromString("0190a5c4-7d2e-7b3a-9f1e-2c4d6e8fa0b1"), 13280);
        golden.put(UUID.fromString("f47ac10b-58cc-4372-a567-0e02b2c3d479"), 11636);
        return golden;
    }

    @Test
    void tenantSlot_goldenIds_javaGivesThePinnedSlots() {
        GOLDEN.forEach((tenant, slot) ->
                assertThat(TenantSlot.of(tenant)).as("slot of %s", tenant).isEqualTo(slot));
    }

    @Test
    void tenantSlot_goldenIds_sqlGivesThePinnedSlots(TestDatabase db) throws SQLException {
        try (Connection c = db.connect()) {
            assertThat(sqlSlots(c, List.copyOf(GOLDEN.keySet()))).isEqualTo(GOLDEN);
        }
    }

    @Test
    void tenantSlot_manyRandomIds_sqlAndJavaAgree(TestDatabase db) throws SQLException {
        // jqwik's generators: any 128 bits (not only version-4 ids), beside ordinary random version-4 ids.
        Arbitrary<UUID> ids =
                Combinators.combine(Arbitraries.longs(), Arbitraries.longs()).as(UUID::new);
        List<UUID> tenants = Stream.concat(
                        ids.sampleStream().limit(20_000),
                        Stream.generate(UUID::randomUUID).limit(5_000))
                .distinct()
                .toList();
        try (Connection c = db.connect()) {
            Map<UUID, Integer> sql = sqlSlots(c, tenants);
            Map<UUID, Integer> java = new HashMap<>();
            tenants.forEach(tenant -> java.put(tenant, TenantSlot.of(tenant)));

            assertThat(sql).isEqualTo(java);
            // Every slot value in range, and the ids spread over most of them (25,000 ids, 16,384 slots).
            assertThat(java.values()).allMatch(slot -> slot >= 0 && slot < TenantSlot.COUNT);
            assertThat(java.values().stream().distinct().count()).isGreaterThan(12_000);
        }
    }

    @Test
    void ownedFilter_sqlFunction_usesTheSlotIndex(TestDatabase db) throws SQLException {
        try (Connection c = db.connect();
                Statement s = c.createStatement()) {
            // Enough tenants, with statistics, that reading three slots through any other path costs more; the
            // triggers are skipped (replica role) only to seed quickly, in a transaction rolled back at the end.
            c.setAutoCommit(false);
            s.execute("set local session_replication_role = replica");
            s.execute("insert into confwatch.tenants (id, name) select gen_random_uuid(), 'slot-' || g"
                    + " from generate_series(1, 5000) g");
            s.execute("analyze confwatch.tenants");
            s.execute("set local enable_seqscan = off");
            List<String> plan = new ArrayList<>();
            try (ResultSet rs = s.executeQuery("explain select t.id from confwatch.tenants t"
                    + " where confwatch.tenant_slot(t.id) = any('{1,2,3}'::int4[])")) {
                while (rs.next()) {
                    plan.add(rs.getString(1));
                }
            }
            c.rollback();
            assertThat(String.join("\n", plan)).contains("tenants_slot_idx");
        }
    }

    @Test
    void slotIndex_afterMigrations_isValid(TestDatabase db) throws SQLException {
        try (Connection c = db.connect();
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("select indisvalid from pg_index"
                        + " where indexrelid = 'confwatch.tenants_slot_idx'::regclass")) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getBoolean(1)).isTrue();
        }
    }

    private static Map<UUID, Integer> sqlSlots(Connection c, List<UUID> tenants) throws SQLException {
        Map<UUID, Integer> slots = new LinkedHashMap<>();
        try (PreparedStatement s = c.prepareStatement(
                "select u, confwatch.tenant_slot(u) from unnest(?::uuid[]) with ordinality as x(u, n) order by n")) {
            Array ids = c.createArrayOf("uuid", tenants.toArray());
            s.setArray(1, ids);
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    slots.put(rs.getObject(1, UUID.class), rs.getInt(2));
                }
            }
        }
        return slots;
    }
}
