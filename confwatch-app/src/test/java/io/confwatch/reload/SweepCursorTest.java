package io.confwatch.reload;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What a sweep reads (every tenant, or those changed since the horizon) and when a cursor read is trusted. */
class SweepCursorTest {
    private static final Duration FULL = Duration.ofMinutes(5);
    private static final Instant T0 = Instant.parse("2026-12-07T18:00:00Z");
    private static final String SERVER = "2026-12-07 17:00:00.123+00";
    private static final SweepHorizon HORIZON = new SweepHorizon(1_000, 1_005, SERVER);
    private static final SweepCursor CURSOR = new SweepCursor(HORIZON, T0);

    @Test
    void readFrom_noCursorYet_readsEveryTenant() {
        assertThat(SweepCursor.readFrom(null, T0, FULL)).isEmpty();
    }

    @Test
    void readFrom_withinTheFullInterval_readsFromTheHorizon() {
        assertThat(SweepCursor.readFrom(CURSOR, T0.plus(FULL).minusMillis(1), FULL))
                .contains(HORIZON);
    }

    @Test
    void readFrom_fullIntervalPassed_readsEveryTenant() {
        assertThat(SweepCursor.readFrom(CURSOR, T0.plus(FULL), FULL)).isEmpty();
    }

    @Test
    void readFrom_fullIntervalAtOrBelowTheSweepInterval_everySweepReadsEveryTenant() {
        Duration tiny = Duration.ofMillis(1);
        assertThat(SweepCursor.readFrom(CURSOR, T0.plus(tiny), tiny)).isEmpty();
    }

    @Test
    void trusts_sameServerHorizonAtOrAbove_isTrusted() {
        assertThat(CURSOR.trusts(new SweepHorizon(1_000, 1_000, SERVER))).isTrue();
        assertThat(CURSOR.trusts(new SweepHorizon(2_000, 2_001, SERVER))).isTrue();
    }

    @Test
    void trusts_anotherServer_isNotTrusted() {
        assertThat(CURSOR.trusts(new SweepHorizon(2_000, 2_001, "2026-12-07 18:30:00.5+00")))
                .isFalse();
    }

    @Test
    void trusts_horizonWentBackwards_isNotTrusted() {
        assertThat(CURSOR.trusts(new SweepHorizon(999, 1_200, SERVER))).isFalse();
    }

    @Test
    void trusts_horizonsAboveTwoToThe63_comparedUnsigned() {
        SweepCursor high = new SweepCursor(new SweepHorizon(Long.MAX_VALUE, Long.MAX_VALUE, SERVER), T0);
        assertThat(high.trusts(new SweepHorizon(Long.MIN_VALUE, Long.MIN_VALUE + 3, SERVER)))
                .isTrue();
        assertThat(new SweepHorizon(Long.MIN_VALUE, Long.MIN_VALUE + 3, SERVER).xminText())
                .isEqualTo("9223372036854775808");
    }

    @Test
    void accepts_cursorReadFromATrustedHorizonWithTheLogComplete_isTrue() {
        SweepHorizon next = new SweepHorizon(1_010, 1_011, SERVER);
        assertThat(CURSOR.accepts(new SweepRows(List.of(), List.of(), next, false, false)))
                .isTrue();
    }

    @Test
    void accepts_cursorReadWhoseLogMayLackRows_isFalse() {
        SweepHorizon next = new SweepHorizon(1_010, 1_011, SERVER);
        assertThat(CURSOR.accepts(new SweepRows(List.of(), List.of(), next, false, true)))
                .isFalse();
    }

    @Test
    void accepts_cursorReadFromAnotherServer_isFalse() {
        SweepHorizon other = new SweepHorizon(1_010, 1_011, "2026-12-07 18:30:00.5+00");
        assertThat(CURSOR.accepts(new SweepRows(List.of(), List.of(), other, false, false)))
                .isFalse();
    }

    @Test
    void accepts_fullRead_isTrue() {
        SweepHorizon other = new SweepHorizon(1, 2, "2026-12-07 18:30:00.5+00");
        assertThat(CURSOR.accepts(new SweepRows(List.of(), List.of(), other, true, false)))
                .isTrue();
    }

    @Test
    void after_cursorRead_keepsWhenTheLastFullComparisonWas() {
        SweepHorizon next = new SweepHorizon(1_010, 1_011, SERVER);
        SweepCursor after = SweepCursor.after(CURSOR, rows(next, false), T0.plusSeconds(30));
        assertThat(after).isEqualTo(new SweepCursor(next, T0));
    }

    @Test
    void after_fullRead_startsTheFullIntervalAgainFromWhenItWasAsked() {
        SweepHorizon next = new SweepHorizon(1_010, 1_011, SERVER);
        assertThat(SweepCursor.after(null, rows(next, true), T0.plusSeconds(30)))
                .isEqualTo(new SweepCursor(next, T0.plusSeconds(30)));
    }

    @Test
    void after_cursorReadWithoutACursor_isRefused() {
        assertThatThrownBy(() -> SweepCursor.after(null, rows(HORIZON, false), T0))
                .isInstanceOf(NullPointerException.class);
    }

    @Test
    void heldBackXids_isTheSnapshotsSpan() {
        assertThat(HORIZON.heldBackXids()).isEqualTo(5);
        assertThat(new SweepHorizon(7, 7, SERVER).heldBackXids()).isZero();
    }

    private static SweepRows rows(SweepHorizon horizon, boolean full) {
        return new SweepRows(List.of(), List.of(), horizon, full, false);
    }
}
