package io.confwatch.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.confwatch.ConfWatch;
import io.confwatch.config.DatabaseTarget;
import io.confwatch.config.WorkerConfig;
import io.confwatch.model.TenantSnapshot;
import io.confwatch.testing.PostgresExtension;
import io.confwatch.testing.TestDatabase;
import java.time.Duration;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(PostgresExtension.class)
class SmokeTest {
    @Test
    void start_thenWrite_propagates(TestDatabase db) throws Exception {
        UUID tenant = UUID.randomUUID();
        db.execute("insert into confwatch.tenants(id, name) values ('" + tenant + "', 'acme')");
        WorkerConfig config = WorkerConfig.defaults()
                .withDatabase(DatabaseTarget.of(db.host(), db.port(), db.database(), db.user()))
                .withHttpPort(0);
        try (ConfWatch cw = ConfWatch.start(config)) {
            assertThat(cw.awaitReady(Duration.ofSeconds(30))).isTrue();
            assertThat(cw.snapshot(tenant)).map(TenantSnapshot::version).contains(1L);
            db.execute("insert into confwatch.monitors(tenant_id, name, definition) values ('" + tenant
                    + "', 'm1', '{\"networks\":[\"eth\"]}')");
            Optional<TenantSnapshot> s =
                    cw.awaitVersion(tenant, 2, Duration.ofSeconds(10)).get();
            assertThat(s).map(TenantSnapshot::version).contains(2L);
            assertThat(s.orElseThrow().monitors()).hasSize(1);
            System.out.println(cw.meterRegistry()
                    .scrape()
                    .lines()
                    .filter(l -> l.startsWith("confwatch_"))
                    .limit(40)
                    .toList());
        }
    }
}
