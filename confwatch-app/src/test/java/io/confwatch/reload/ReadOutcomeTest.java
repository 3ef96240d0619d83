package io.confwatch.reload;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.confwatch.cache.ConfigCache;
import io.confwatch.metrics.ConfWatchMetrics.ReloadOutcome;
import io.confwatch.model.ReadFailedException;
import io.confwatch.model.ReadOutcome;
import io.confwatch.model.TenantSnapshot;
import io.confwatch.testing.Snapshots;
import java.sql.SQLException;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class ReadOutcomeTest {
    private static final UUID TENANT = UUID.randomUUID();
    private static final TenantSnapshot HELD = Snapshots.withMonitor(TENANT, 7, "a");

    @Test
    void ofInstall_addedOrReplaced_isInstalledWithTheHeldSnapshot() {
        for (ConfigCache.Outcome installed :
                new ConfigCache.Outcome[] {ConfigCache.Outcome.ADDED, ConfigCache.Outcome.REPLACED}) {
            ReadOutcome outcome = ReadOutcomes.ofInstall(installed, TENANT, Optional.of(HELD));

            assertThat(outcome).as(installed.name()).isEqualTo(new ReadOutcome.Installed(HELD));
            assertThat(ReadOutcomes.metric(outcome)).isEqualTo(ReloadOutcome.INSTALLED);
            assertThat(outcome.label()).isEqualTo("installed");
            assertThat(outcome.heldOrThrow()).contains(HELD);
        }
    }

    @Test
    void ofInstall_keptOrDroppedSinceWithASnapshotHeld_isUnchangedWithIt() {
        for (ConfigCache.Outcome kept :
                new ConfigCache.Outcome[] {ConfigCache.Outcome.KEPT, ConfigCache.Outcome.DROPPED_SINCE}) {
            ReadOutcome outcome = ReadOutcomes.ofInstall(kept, TENANT, Optional.of(HELD));

            assertThat(outcome).as(kept.name()).isEqualTo(new ReadOutcome.Unchanged(HELD));
            assertThat(ReadOutcomes.metric(outcome)).isEqualTo(ReloadOutcome.UNCHANGED);
            assertThat(outcome.label()).isEqualTo("unchanged");
            assertThat(outcome.held()).contains(HELD);
        }
    }

    @Test
    void ofInstall_droppedSinceWithNothingHeld_isGone() {
        ReadOutcome outcome = ReadOutcomes.ofInstall(ConfigCache.Outcome.DROPPED_SINCE, TENANT, Optional.empty());

        assertThat(outcome).isEqualTo(new ReadOutcome.Gone(TENANT));
        assertThat(ReadOutcomes.metric(outcome)).isEqualTo(ReloadOutcome.GONE);
        assertThat(outcome.label()).isEqualTo("gone");
        assertThat(outcome.heldOrThrow()).isEmpty();
    }

    @Test
    void ofInstall_addedButNothingHeldAfter_neverClaimsAnInstall() {
        assertThat(ReadOutcomes.ofInstall(ConfigCache.Outcome.ADDED, TENANT, Optional.empty()))
                .isEqualTo(new ReadOutcome.Gone(TENANT));
    }

    @Test
    void held_isUnchangedWhenHeldAndGoneOtherwise() {
        assertThat(ReadOutcomes.held(TENANT, Optional.of(HELD))).isEqualTo(new ReadOutcome.Unchanged(HELD));
        assertThat(ReadOutcomes.held(TENANT, Optional.empty())).isEqualTo(new ReadOutcome.Gone(TENANT));
    }

    @Test
    void failed_keepsTheFirstLineOfTheCauseAndThrowsWhenAskedForTheSnapshot() {
        ReadOutcome.Failed failed = ReadOutcomes.failed(
                TENANT, new SQLException("canceling statement due to statement timeout\n  at io.example.Query.run"));

        assertThat(failed.cause()).isEqualTo("canceling statement due to statement timeout");
        assertThat(ReadOutcomes.metric(failed)).isEqualTo(ReloadOutcome.FAILED);
        assertThat(failed.label()).isEqualTo("failed");
        assertThat(failed.held()).isEmpty();
        assertThatThrownBy(failed::heldOrThrow)
                .isInstanceOf(ReadFailedException.class)
                .hasMessageContaining(TENANT.toString())
                .hasMessageContaining("statement timeout");
    }

    @Test
    void failed_withoutMessage_namesTheErrorType() {
        assertThat(ReadOutcomes.failed(TENANT, new IllegalStateException()).cause())
                .isEqualTo("IllegalStateException");
    }

    @Test
    void everyMetricLabelIsOneOutcome() {
        assertThat(ReloadOutcome.values())
                .containsExactly(
                        ReloadOutcome.INSTALLED, ReloadOutcome.UNCHANGED, ReloadOutcome.GONE, ReloadOutcome.FAILED);
    }
}
