package io.confwatch.reload;

import static org.assertj.core.api.Assertions.assertThat;

import io.confwatch.config.ReloadBudget;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class FullReloadPacerTest {
    private static final long MS = TimeUnit.MILLISECONDS.toNanos(1);

    @Test
    void pauseAfter_aPage_bringsItsShareOfThePeriodDownToTheBudget() {
        ReloadBudget tenth = new ReloadBudget(0.1);
        long page = 20 * MS;
        long pause = FullReloadPacer.pauseAfter(page, tenth);

        assertThat(pause).isEqualTo(180 * MS);
        assertThat((double) page / (page + pause)).isCloseTo(0.1, org.assertj.core.data.Offset.offset(1e-9));
        assertThat(FullReloadPacer.pauseAfter(page, new ReloadBudget(0.5))).isEqualTo(page);
    }

    @Test
    void pauseAfter_unpacedOrNothingSpent_isZero() {
        assertThat(FullReloadPacer.pauseAfter(50 * MS, ReloadBudget.UNPACED)).isZero();
        assertThat(FullReloadPacer.pauseAfter(0, new ReloadBudget(0.1))).isZero();
        assertThat(FullReloadPacer.pauseAfter(-5, new ReloadBudget(0.1))).isZero();
    }

    @Test
    void pauseAfter_aVerySlowPage_waitsAtMostTheCap() {
        assertThat(FullReloadPacer.pauseAfter(TimeUnit.SECONDS.toNanos(10), new ReloadBudget(0.01)))
                .isEqualTo(FullReloadPacer.MAX_PAUSE_NANOS);
    }
}
