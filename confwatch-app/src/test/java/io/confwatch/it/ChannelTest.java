package io.confwatch.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.confwatch.ConfWatch;
import io.confwatch.config.ConfigException;
import io.confwatch.config.WorkerConfig;
import io.confwatch.testing.PostgresExtension;
import io.confwatch.testing.TestDatabase;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The one channel (DESIGN §2, docs/invariants.md "Channel and payload"): the triggers notify
 * {@code confwatch.notify_channel()}, and a worker listens there or refuses to start.
 */
@ExtendWith(PostgresExtension.class)
class ChannelTest {

    /** Before: the worker LISTENed and probed itself on "other", looked healthy and heard no write. */
    @Test
    void start_channelOtherThanTheTriggers_isRefusedNamingTheSettingAndBothChannels(TestDatabase db) {
        WorkerConfig base = Fixtures.config(db);
        WorkerConfig config = base.withListener(base.listener().withChannel("other"));
        try (ConfWatch confWatch = ConfWatch.start(config)) {
            assertThatThrownBy(() -> confWatch.awaitReady(Fixtures.WAIT))
                    .isInstanceOfSatisfying(ConfigException.class, e -> {
                        assertThat(e.variable()).isEqualTo("CONFWATCH_CHANNEL");
                        assertThat(e.getMessage())
                                .startsWith("CONFWATCH_CHANNEL=\"other\": ")
                                .contains("\"confwatch_changes\"")
                                .contains("confwatch.notify_channel()")
                                .doesNotContain("\n");
                    });
            assertThat(confWatch.isReady()).isFalse();
            assertThat(confWatch.status().listener().state()).isEqualTo("refused");
            assertThat(confWatch.status().listener().lastError()).contains("CONFWATCH_CHANNEL=\"other\"");
        }
    }

    /** The channel lives in one place: its owner changes it there, and both the triggers and the worker follow. */
    @Test
    void notifyChannel_replacedByItsOwner_triggersNotifyItAndAWorkerOnItHearsWrites(TestDatabase db) {
        Fixtures rows = new Fixtures(db);
        UUID tenant = rows.tenant("channel-" + UUID.randomUUID());
        db.execute("create or replace function confwatch.notify_channel() returns text language sql stable"
                + " security definer set search_path = pg_catalog, pg_temp as $$ select 'elsewhere'::text $$");
        try {
            WorkerConfig base = Fixtures.config(db);
            try (ConfWatch confWatch =
                    Fixtures.startReady(base.withListener(base.listener().withChannel("elsewhere")))) {
                rows.renameTenant(tenant, "renamed");
                // Sweeps are 10 minutes apart: only the notification on "elsewhere" can bring this in.
                Fixtures.held(confWatch, tenant, rows.version(tenant));
                assertThat(confWatch.status().listener().channel()).isEqualTo("elsewhere");
            }
            try (ConfWatch defaults = ConfWatch.start(Fixtures.config(db))) {
                assertThatThrownBy(() -> defaults.awaitReady(Fixtures.WAIT))
                        .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.getMessage())
                                .startsWith("CONFWATCH_CHANNEL=\"confwatch_changes\": ")
                                .contains("\"elsewhere\""));
            }
        } finally {
            db.execute("create or replace function confwatch.notify_channel() returns text language sql stable"
                    + " security definer set search_path = pg_catalog, pg_temp"
                    + " as $$ select 'confwatch_changes'::text $$");
        }
    }
}
