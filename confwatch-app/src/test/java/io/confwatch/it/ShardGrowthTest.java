package io.confwatch.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.confwatch.ConfWatch;
import io.confwatch.config.Shard;
import io.confwatch.config.ShardOwnership;
import io.confwatch.config.ShardScheme;
import io.confwatch.config.SlotOwnership;
import io.confwatch.config.TenantSlot;
import io.confwatch.model.TenantSnapshot;
import io.confwatch.testing.PostgresExtension;
import io.confwatch.testing.TestDatabase;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Growing a sharded deployment from two pods to three, with real workers on one database (DESIGN §4.4a): the new pod
 * picks up the tenants of the slots it now wins, each pod restarted with the new count drops them, and everything else
 * stays where it was. And the transition scheme: a pod in {@code both} holds what either scheme gives its shard.
 */
@ExtendWith(PostgresExtension.class)
class ShardGrowthTest {
    private static final int TENANTS = 240;

    private static Fixtures fixtures;
    private static TestDatabase database;
    private static final List<UUID> tenants = new ArrayList<>();
    private final List<ConfWatch> running = new ArrayList<>();

    @BeforeAll
    static void seed(TestDatabase db) throws SQLException {
        database = db;
        fixtures = new Fixtures(db);
        fixtures.execute("insert into confwatch.tenants (id, name) select gen_random_uuid(), 'growth-' || g"
                + " from generate_series(1, " + TENANTS + ") g");
        fixtures.execute("insert into confwatch.monitors (tenant_id, name, definition)" + " select id, 'm', '"
                + Fixtures.monitorOn("ethereum_mainnet") + "' from confwatch.tenants");
        try (Connection c = fixtures.connection();
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("select id from confwatch.tenants")) {
            while (rs.next()) {
                tenants.add(rs.getObject(1, UUID.class));
            }
        }
    }

    @AfterEach
    void stopAll() {
        running.forEach(ConfWatch::close);
        running.clear();
    }

    @Test
    void growTwoToThree_movedTenantPickedUpByNewPodDroppedByOldOne() {
        UUID moving = tenants.stream()
                .filter(tenant -> owner(tenant, 2) != owner(tenant, 3))
                .findFirst()
                .orElseThrow();
        int before = owner(moving, 2);
        ConfWatch[] pods = {start(new Shard(0, 2)), start(new Shard(1, 2))};
        assertThat(held(pods[before])).contains(moving);
        assertThat(held(pods[1 - before])).doesNotContain(moving);

        // The resize rolls out: the new pod first (a StatefulSet scales up before it rolls the old pods), ...
        ConfWatch added = start(new Shard(2, 3));
        assertThat(held(added)).contains(moving).isEqualTo(ownedBy(2, 3));
        // ... then each old pod restarts with the new count and leaves the moved tenants behind.
        for (int index = 0; index < 2; index++) {
            stop(pods[index]);
            pods[index] = start(new Shard(index, 3));
            assertThat(held(pods[index])).isEqualTo(ownedBy(index, 3));
        }
        assertThat(held(pods[before])).doesNotContain(moving);

        // A change to the moved tenant reaches its new owner; its old owner ignores the hint and reads nothing.
        double ignoredBefore = Fixtures.notifications(pods[before], "ignored");
        fixtures.monitor(moving, "after-the-move", Fixtures.monitorOn("ethereum_mainnet"));
        long version = fixtures.version(moving);
        Fixtures.held(added, moving, version);
        await().atMost(Fixtures.WAIT).until(() -> Fixtures.notifications(pods[before], "ignored") > ignoredBefore);
        assertThat(pods[before].snapshot(moving)).isEmpty();

        // Every tenant in exactly one pod; only the ones the new shard won moved, about a third of them.
        Set<UUID> seen = new HashSet<>();
        for (ConfWatch pod : List.of(pods[0], pods[1], added)) {
            Set<UUID> held = held(pod);
            assertThat(seen).doesNotContainAnyElementsOf(held);
            seen.addAll(held);
        }
        assertThat(seen).containsExactlyInAnyOrderElementsOf(tenants);
        List<UUID> moved = tenants.stream()
                .filter(tenant -> owner(tenant, 2) != owner(tenant, 3))
                .toList();
        assertThat(moved).allMatch(tenant -> owner(tenant, 3) == 2);
        // Binomial, p = 1/3 over 240 tenants: one standard deviation is 0.03; 0.12 is four.
        assertThat((double) moved.size() / TENANTS).isBetween(1.0 / 3 - 0.12, 1.0 / 3 + 0.12);
    }

    @Test
    void bothSchemes_threeShards_eachPodHoldsWhatEitherSchemeGivesIt() {
        for (int index = 0; index < 3; index++) {
            int shard = index;
            ConfWatch pod = start(new Shard(index, 3, ShardScheme.BOTH));
            Set<UUID> expected = tenants.stream()
                    .filter(tenant -> owner(tenant, 3) == shard || ShardOwnership.owner(tenant, 3) == shard)
                    .collect(Collectors.toSet());

            assertThat(held(pod)).isEqualTo(expected);
            // A tenant it holds only by the previous scheme, and one it holds only by slots: both reach it.
            assertThat(expected).anyMatch(tenant -> owner(tenant, 3) != shard);
            assertThat(expected).anyMatch(tenant -> ShardOwnership.owner(tenant, 3) != shard);
            stop(pod);
        }
    }

    private ConfWatch start(Shard shard) {
        ConfWatch pod = Fixtures.startReady(Fixtures.config(database)
                .withShard(shard)
                .withWorkerId("growth-" + shard.index() + "-of-" + shard.count()));
        running.add(pod);
        return pod;
    }

    private void stop(ConfWatch pod) {
        running.remove(pod);
        pod.close();
    }

    private static int owner(UUID tenant, int count) {
        return SlotOwnership.owner(TenantSlot.of(tenant), count);
    }

    private static Set<UUID> ownedBy(int index, int count) {
        return tenants.stream().filter(tenant -> owner(tenant, count) == index).collect(Collectors.toSet());
    }

    private static Set<UUID> held(ConfWatch pod) {
        return pod.tenants().stream().map(TenantSnapshot::tenant).collect(Collectors.toSet());
    }
}
