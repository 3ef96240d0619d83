package io.confwatch.reload;

import static org.assertj.core.api.Assertions.assertThat;

import io.confwatch.cache.ConfigCache.Outcome;
import io.confwatch.model.TenantSnapshot;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.UUID;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class DigestGateTest {
    private static final UUID TENANT = UUID.randomUUID();
    private static final TenantDigest DIGEST = new TenantDigest(1, 2);

    @Test
    void unchanged_onlyForTheRecordedSnapshotObjectAtTheRecordedDigest() {
        DigestGate gate = new DigestGate();
        TenantSnapshot held = snapshot(3);
        TenantSnapshot equalButAnother = snapshot(3);

        assertThat(gate.unchanged(TENANT, DIGEST, Optional.of(held)))
                .as("nothing recorded")
                .isFalse();
        gate.record(TENANT, DIGEST, held);

        assertThat(gate.unchanged(TENANT, DIGEST, Optional.of(held))).isTrue();
        assertThat(gate.unchanged(TENANT, new TenantDigest(1, 3), Optional.of(held)))
                .as("another digest in the database")
                .isFalse();
        assertThat(gate.unchanged(TENANT, null, Optional.of(held)))
                .as("digest unknown")
                .isFalse();
        assertThat(gate.unchanged(TENANT, DIGEST, Optional.of(equalButAnother)))
                .as("another snapshot held since, even one of equal content")
                .isFalse();
        assertThat(gate.unchanged(TENANT, DIGEST, Optional.empty()))
                .as("nothing held")
                .isFalse();
        gate.forget(TENANT);
        assertThat(gate.unchanged(TENANT, DIGEST, Optional.of(held)))
                .as("forgotten")
                .isFalse();
    }

    @Test
    void after_onlyAForcedWholeReadWhoseRowsAreHeld_records() {
        assertThat(DigestGate.after(Outcome.ADDED, true, true)).isEqualTo(DigestGate.Step.RECORD);
        assertThat(DigestGate.after(Outcome.REPLACED, true, true)).isEqualTo(DigestGate.Step.RECORD);
        assertThat(DigestGate.after(Outcome.KEPT, true, true)).isEqualTo(DigestGate.Step.RECORD);
        // A forced read kept out by a newer held snapshot (a hint installed since): what is held is not what it read.
        assertThat(DigestGate.after(Outcome.KEPT, true, false)).isEqualTo(DigestGate.Step.FORGET);
        // A read that began before the tenant was dropped: nothing is installed.
        assertThat(DigestGate.after(Outcome.DROPPED_SINCE, true, false)).isEqualTo(DigestGate.Step.FORGET);
        // Hints, deltas, sweeps: the held snapshot changed without a digest of what made it.
        assertThat(DigestGate.after(Outcome.ADDED, false, true)).isEqualTo(DigestGate.Step.FORGET);
        assertThat(DigestGate.after(Outcome.REPLACED, false, true)).isEqualTo(DigestGate.Step.FORGET);
        assertThat(DigestGate.after(Outcome.KEPT, false, false)).isEqualTo(DigestGate.Step.KEEP);
    }

    @Test
    void unchanged_notOnceTheRecordOutlivedItsLifetime_soEveryTenantIsReadWholeEveryTwoDaysAtMost() {
        long[] now = {1_000};
        DigestGate gate = new DigestGate(() -> now[0]);
        TenantSnapshot held = snapshot(3);
        Duration lifetime = DigestGate.lifetime(TENANT);
        gate.record(TENANT, DIGEST, held);

        now[0] += lifetime.toNanos() - 1;
        assertThat(gate.unchanged(TENANT, DIGEST, Optional.of(held))).isTrue();
        now[0] += 1;
        assertThat(gate.unchanged(TENANT, DIGEST, Optional.of(held)))
                .as("a record as old as its lifetime")
                .isFalse();
        gate.record(TENANT, DIGEST, held);
        assertThat(gate.unchanged(TENANT, DIGEST, Optional.of(held)))
                .as("recorded again by the whole read that followed")
                .isTrue();
        assertThat(lifetime).isBetween(DigestGate.REVERIFY_AFTER, DigestGate.REVERIFY_AFTER.multipliedBy(2));
        assertThat(IntStream.range(0, 1_000)
                        .mapToObj(i -> DigestGate.lifetime(UUID.randomUUID()))
                        .distinct()
                        .count())
                .as("lifetimes spread over the day after the first, so tenants are not all read whole at once")
                .isGreaterThan(990);
    }

    @Test
    void ofVersions_isTheSha256OfTheTextTheDatabaseHashes_entitiesInKindThenIdOrder() throws Exception {
        UUID low = UUID.fromString("0fffffff-ffff-4fff-bfff-ffffffffffff");
        UUID high = UUID.fromString("f0000000-0000-4000-8000-000000000000");
        TenantDigest digest = TenantDigest.ofVersions(
                "1765141234.5 16384",
                "812(3,4)",
                List.of(
                        new TenantDigest.Version(2, low, "900(1,1)"),
                        new TenantDigest.Version(1, high, "901(7,2)"),
                        new TenantDigest.Version(1, low, "902(7,3)")));
        String text = "1765141234.5 16384 812(3,4)" + "1" + low + "902(7,3)" + "1" + high + "901(7,2)" + "2" + low
                + "900(1,1)";

        assertThat(digest)
                .isEqualTo(TenantDigest.of(
                        MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8))));
        assertThat(TenantDigest.ofVersions("1765141234.5 16384", "812(3,5)", List.of()))
                .as("another tenant row version")
                .isNotEqualTo(TenantDigest.ofVersions("1765141234.5 16384", "812(3,4)", List.of()));
    }

    @Test
    void ofVersions_ofRandomTenants_isTheSha256OfTheirTextSortedAsText() throws Exception {
        Random random = new Random(15);
        for (int tenant = 0; tenant < 500; tenant++) {
            List<TenantDigest.Version> versions = new ArrayList<>();
            for (int e = random.nextInt(60); e > 0; e--) {
                versions.add(new TenantDigest.Version(
                        1 + random.nextInt(3),
                        new UUID(random.nextLong(), random.nextLong()),
                        random.nextInt(1 << 30) + "(" + random.nextInt(100_000) + "," + random.nextInt(300) + ")"));
            }
            // Versions and identities are ASCII; a longer or non-ASCII one must still hash as UTF-8 text.
            String identity = tenant % 50 == 0 ? "1765141234.5 16384 é" : "1765141234.5 16384";
            String tenantVersion = tenant % 70 == 0 ? "9".repeat(100) : random.nextInt(1 << 30) + "(3,4)";
            String text = identity + " " + tenantVersion
                    + versions.stream()
                            .map(v -> v.kind() + v.id().toString() + v.version())
                            .sorted()
                            .collect(Collectors.joining());

            assertThat(TenantDigest.ofVersions(identity, tenantVersion, versions))
                    .as("tenant %d: %s", tenant, text)
                    .isEqualTo(TenantDigest.of(
                            MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8))));
        }
    }

    @Test
    void digest_fromSixteenOrMoreBytes_keepsTheFirstSixteen() {
        byte[] bytes = new byte[32];
        bytes[7] = 1;
        bytes[15] = 2;
        bytes[31] = 9;

        assertThat(TenantDigest.of(bytes)).isEqualTo(new TenantDigest(1, 2));
    }

    private static TenantSnapshot snapshot(long version) {
        return new TenantSnapshot(
                TENANT,
                "t",
                "active",
                version,
                Instant.EPOCH,
                Instant.EPOCH,
                List.of(),
                List.of(),
                List.of(),
                List.of());
    }
}
