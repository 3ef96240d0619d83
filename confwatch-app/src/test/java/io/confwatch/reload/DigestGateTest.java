package io.confwatch.reload;

import static org.assertj.core.api.Assertions.assertThat;

import io.confwatch.cache.ConfigCache.Outcome;
import io.confwatch.model.TenantSnapshot;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
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
