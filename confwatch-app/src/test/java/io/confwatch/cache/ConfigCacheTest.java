package io.confwatch.cache;

import static io.confwatch.testing.Snapshots.withMonitor;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.confwatch.model.TenantChange;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ConfigCacheTest {
    private final ConfigCache cache = new ConfigCache();
    private final UUID tenant = UUID.randomUUID();

    @AfterEach
    void close() {
        cache.close();
    }

    @Test
    void install_newerVersion_replaces() {
        assertThat(cache.install(withMonitor(tenant, 1, "a"), false)).isEqualTo(ConfigCache.Outcome.ADDED);
        assertThat(cache.install(withMonitor(tenant, 2, "b"), false)).isEqualTo(ConfigCache.Outcome.REPLACED);
        assertThat(cache.get(tenant))
                .hasValueSatisfying(s -> assertThat(s.version()).isEqualTo(2));
    }

    @Test
    void installDecoded_heldChangedSinceDecoding_refusedUntilDecodedAgainstTheNewOne() {
        cache.install(withMonitor(tenant, 1, "a"), false);
        ConfigCache.Decoded decodedAgainstOne = cache.decode(withMonitor(tenant, 3, "c"));
        cache.install(withMonitor(tenant, 2, "b"), false);

        assertThat(cache.install(decodedAgainstOne, ConfigCache.Replace.IF_NEWER, cache.generation()))
                .as("decoded against version 1, while version 2 is held")
                .isEmpty();
        assertThat(cache.get(tenant).orElseThrow().version()).isEqualTo(2);

        ConfigCache.Decoded again = cache.decode(withMonitor(tenant, 3, "c"));
        assertThat(cache.install(again, ConfigCache.Replace.IF_NEWER, cache.generation()))
                .contains(ConfigCache.Outcome.REPLACED);
        assertThat(cache.get(tenant).orElseThrow().version()).isEqualTo(3);
    }

    @Test
    void install_lowerVersion_keepsTheHeldOne() {
        cache.install(withMonitor(tenant, 5, "new"), false);
        assertThat(cache.install(withMonitor(tenant, 4, "old"), true)).isEqualTo(ConfigCache.Outcome.KEPT);
        assertThat(cache.get(tenant).orElseThrow().monitors().get(0).definition())
                .contains("new");
    }

    @Test
    void install_readBeganBeforeTheTenantWasDropped_refused() {
        cache.install(withMonitor(tenant, 1, "a"), false);
        long readBegan = cache.generation();
        cache.remove(tenant);

        assertThat(cache.install(withMonitor(tenant, 2, "slow"), ConfigCache.Replace.IF_NEWER, readBegan))
                .isEqualTo(ConfigCache.Outcome.DROPPED_SINCE);
        assertThat(cache.get(tenant)).isEmpty();
        assertThat(cache.install(withMonitor(tenant, 3, "later"), ConfigCache.Replace.IF_NEWER, cache.generation()))
                .isEqualTo(ConfigCache.Outcome.ADDED);
    }

    @Test
    void install_rewound_replacesAHigherVersionWithOtherContent() {
        cache.install(withMonitor(tenant, 5, "lost"), false);

        assertThat(cache.install(
                        withMonitor(tenant, 3, "restored"), ConfigCache.Replace.IF_DIFFERENT, cache.generation()))
                .isEqualTo(ConfigCache.Outcome.REPLACED);
        assertThat(cache.get(tenant).orElseThrow().version()).isEqualTo(3);
    }

    @Test
    void install_sameVersionOtherContent_replacesOnlyWhenForced() {
        cache.install(withMonitor(tenant, 3, "a"), false);
        assertThat(cache.install(withMonitor(tenant, 3, "b"), false)).isEqualTo(ConfigCache.Outcome.KEPT);
        assertThat(cache.install(withMonitor(tenant, 3, "b"), true)).isEqualTo(ConfigCache.Outcome.REPLACED);
        assertThat(cache.install(withMonitor(tenant, 3, "b"), true)).isEqualTo(ConfigCache.Outcome.KEPT);
    }

    @Test
    void whenVersion_alreadyHeld_completesAtOnce() {
        cache.install(withMonitor(tenant, 7, "a"), false);
        assertThat(cache.whenVersion(tenant, 7)).isCompletedWithValueMatching(s -> s.version() == 7);
    }

    @Test
    void whenVersion_versionArrivesLater_completesOnInstall() {
        cache.install(withMonitor(tenant, 1, "a"), false);
        CompletableFuture<?> waiting = cache.whenVersion(tenant, 2);
        assertThat(waiting).isNotDone();
        cache.install(withMonitor(tenant, 2, "b"), false);
        assertThat(waiting).isCompleted();
    }

    @Test
    void addListener_installsAndRemoval_deliveredInOrder() {
        List<TenantChange> seen = new CopyOnWriteArrayList<>();
        cache.addListener(seen::add);
        cache.install(withMonitor(tenant, 1, "a"), false);
        cache.install(withMonitor(tenant, 2, "b"), false);
        cache.remove(tenant);
        await().until(() -> seen.size() == 3);
        assertThat(seen.get(0).previous()).isEmpty();
        assertThat(seen.get(1).current().orElseThrow().version()).isEqualTo(2);
        assertThat(seen.get(2).isRemoval()).isTrue();
    }
}
