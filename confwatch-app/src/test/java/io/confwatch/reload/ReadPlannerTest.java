package io.confwatch.reload;

import static org.assertj.core.api.Assertions.assertThat;

import io.confwatch.cache.ConfigCache.Replace;
import io.confwatch.config.Backoff;
import io.confwatch.model.Monitor;
import io.confwatch.model.TenantSnapshot;
import io.confwatch.reload.ReadPlanner.AfterCheck;
import io.confwatch.reload.ReadPlanner.AfterDelta;
import io.confwatch.reload.ReadPlanner.Ask;
import io.confwatch.reload.ReadPlanner.LogFacts;
import io.confwatch.reload.ReadPlanner.Read;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** The planner alone: every "delta or whole read?" rule, without a database or Vert.x. */
class ReadPlannerTest {
    private static final Instant NOW = Instant.parse("2026-12-07T12:00:00Z");
    private static final ReloadPolicy POLICY = new ReloadPolicy(
            4,
            100,
            /* deltaMaxVersions= */ 8,
            Duration.ofHours(1),
            new Backoff(Duration.ofMillis(1), Duration.ofSeconds(1)),
            10);
    private final ReadPlanner planner = new ReadPlanner(POLICY);

    private static final Ask SWEEP = new Ask(false, false, -1, Long.MAX_VALUE, true, false);
    private static final Ask FORCED = new Ask(true, false, -1, Long.MAX_VALUE, true, false);

    private static Ask hint(long version) {
        return new Ask(false, true, version, version, false, false);
    }

    @Test
    void plan_nothingHeld_readsWhole() {
        assertThat(planner.plan(hint(3), Optional.empty(), NOW)).isEqualTo(Read.WHOLE);
    }

    @Test
    void plan_hintAlreadyHeld_skips() {
        assertThat(planner.plan(hint(5), held(5, 200, NOW), NOW)).isEqualTo(Read.SKIP);
    }

    @Test
    void plan_hintSkippingVersions_checksTheVersionFirst() {
        assertThat(planner.plan(hint(7), held(5, 200, NOW), NOW)).isEqualTo(Read.CHECK_VERSION);
    }

    @Test
    void plan_nextHintOnBigRecentTenant_readsDelta() {
        assertThat(planner.plan(hint(6), held(5, 200, NOW), NOW)).isEqualTo(Read.DELTA);
    }

    @Test
    void plan_smallTenant_readsWhole() {
        assertThat(planner.plan(hint(6), held(5, ReadPlanner.DELTA_MIN_ENTITIES - 1, NOW), NOW))
                .isEqualTo(Read.WHOLE);
    }

    @Test
    void plan_snapshotOlderThanDeltaMaxAge_readsWhole() {
        assertThat(planner.plan(SWEEP, held(5, 200, NOW.minus(Duration.ofHours(2))), NOW))
                .isEqualTo(Read.WHOLE);
    }

    @Test
    void plan_farBehind_readsWhole() {
        Ask ask = new Ask(false, false, 5 + 9, Long.MAX_VALUE, true, false);
        assertThat(planner.plan(ask, held(5, 200, NOW), NOW)).isEqualTo(Read.WHOLE);
    }

    @Test
    void plan_forced_readsWholeEvenAtTheHeldVersion() {
        assertThat(planner.plan(FORCED, held(5, 200, NOW), NOW)).isEqualTo(Read.WHOLE);
    }

    @Test
    void inBatchOf_severalTenants_readsWhole() {
        assertThat(ReadPlanner.inBatchOf(Read.DELTA, 2)).isEqualTo(Read.WHOLE);
        assertThat(ReadPlanner.inBatchOf(Read.DELTA, 1)).isEqualTo(Read.DELTA);
    }

    @Test
    void afterCheck_eachAnswer() {
        TenantSnapshot held = held(5, 1, NOW).orElseThrow();
        assertThat(ReadPlanner.afterCheck(held, OptionalLong.empty())).isEqualTo(AfterCheck.GONE);
        assertThat(ReadPlanner.afterCheck(held, OptionalLong.of(5))).isEqualTo(AfterCheck.UNCHANGED);
        assertThat(ReadPlanner.afterCheck(held, OptionalLong.of(6))).isEqualTo(AfterCheck.READ);
    }

    @Test
    void afterDelta_everyVersionLogged_patches() {
        assertThat(planner.afterDelta(held5(), new LogFacts(true, 7, 2, 3, 0, true)))
                .isEqualTo(AfterDelta.PATCH);
    }

    @Test
    void afterDelta_tenantDeletedAndInsertedAgain_readsWhole() {
        // begin; delete tenant; insert tenant; insert 3 monitors; commit: versions 6 (DELETE) and 7 (INSERT) both
        // logged.
        assertThat(planner.afterDelta(held5(), new LogFacts(true, 7, 2, 3, 2, true)))
                .isEqualTo(AfterDelta.WHOLE);
    }

    @Test
    void afterDelta_versionWithoutRows_readsWhole() {
        assertThat(planner.afterDelta(held5(), new LogFacts(true, 7, 1, 3, 0, true)))
                .isEqualTo(AfterDelta.WHOLE);
    }

    @Test
    void afterDelta_databaseBehindTheHeldVersion_readsWhole() {
        assertThat(planner.afterDelta(held5(), new LogFacts(true, 4, 0, 0, 0, true)))
                .isEqualTo(AfterDelta.WHOLE);
    }

    @Test
    void afterDelta_tooManyChangedEntities_readsWhole() {
        int many = 8 * ReadPlanner.DELTA_MAX_ENTITIES_PER_VERSION + 1;
        assertThat(planner.afterDelta(held5(), new LogFacts(true, 6, 1, many, 0, true)))
                .isEqualTo(AfterDelta.WHOLE);
    }

    @Test
    void afterDelta_serverStartedSinceTheHeldRead_readsWhole() {
        assertThat(planner.afterDelta(held5(), new LogFacts(true, 7, 2, 3, 0, false)))
                .isEqualTo(AfterDelta.WHOLE);
    }

    @Test
    void plan_rewound_readsWholeAndReplacesWhateverIsHeld() {
        Ask rewound = new Ask(true, false, -1, Long.MAX_VALUE, true, true);
        assertThat(planner.plan(rewound, held(5, 200, NOW), NOW)).isEqualTo(Read.WHOLE);
        assertThat(ReadPlanner.replaceFor(rewound)).isEqualTo(Replace.IF_DIFFERENT);
        assertThat(ReadPlanner.replaceFor(FORCED)).isEqualTo(Replace.IF_NEWER_OR_REWRITTEN);
        assertThat(ReadPlanner.replaceFor(SWEEP)).isEqualTo(Replace.IF_NEWER);
    }

    @Test
    void afterDelta_tenantGone_gone() {
        assertThat(planner.afterDelta(held5(), new LogFacts(false, -1, 1, 0, 1, true)))
                .isEqualTo(AfterDelta.GONE);
    }

    private static TenantSnapshot held5() {
        return held(5, 200, NOW).orElseThrow();
    }

    private static Optional<TenantSnapshot> held(long version, int monitors, Instant loadedAt) {
        List<Monitor> list = new ArrayList<>();
        for (int i = 0; i < monitors; i++) {
            list.add(new Monitor(UUID.randomUUID(), "m" + i, "{\"networks\":[\"n\"]}", loadedAt, "test"));
        }
        return Optional.of(new TenantSnapshot(
                UUID.randomUUID(), "t", "active", version, loadedAt, loadedAt, list, List.of(), List.of(), List.of()));
    }
}
