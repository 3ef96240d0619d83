package io.confwatch.reload;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.confwatch.testing.PostgresExtension;
import io.confwatch.testing.TestDatabase;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Regression guard for delta reads: a one-row change in a big tenant reads O(changed) entity rows, not the tenant.
 * Counted from the executed plan of the loader's own statement (rows returned plus rows filtered out, per scan of an
 * entity table), under both the custom and the generic plan a cached prepared statement ends up with, and with
 * statistics taken after the tenant grew (fresh) or before (stale: the planner believes a tenant has a few rows).
 */
@ExtendWith(PostgresExtension.class)
class DeltaRowsReadTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Set<String> ENTITY_TABLES = Set.of("monitors", "filters", "triggers");

    @ParameterizedTest(name = "{0}, {1} statistics")
    @CsvSource({
        "force_custom_plan, fresh",
        "force_generic_plan, fresh",
        "force_custom_plan, stale",
        "force_generic_plan, stale"
    })
    void loadDelta_oneRowChangeInTwentyThousandEntityTenant_readsOnlyChangedRows(
            String planMode, String statistics, TestDatabase db) throws Exception {
        UUID tenant = UUID.randomUUID();
        try (Connection c = db.connect();
                Statement s = c.createStatement()) {
            s.execute("set confwatch.notify = off");
            if (statistics.equals("stale")) {
                // Many small tenants analysed, then one grows: estimates per tenant_id stay tiny.
                s.execute("with small as (insert into confwatch.tenants (id, name) select gen_random_uuid(),"
                        + " 'small ' || g from generate_series(1, 200) g returning id)"
                        + " insert into confwatch.monitors (tenant_id, name, definition) select small.id, 'm' || g,"
                        + " '{\"networks\": [\"eth\"]}' from small, generate_series(1, 5) g");
                s.execute("analyze");
            }
            s.execute("insert into confwatch.tenants (id, name) values ('" + tenant + "', 'big')");
            s.execute("insert into confwatch.monitors (tenant_id, name, definition) select '" + tenant
                    + "', 'm' || g, '{\"networks\": [\"eth\"]}' from generate_series(1, 10000) g");
            s.execute("insert into confwatch.filters (tenant_id, name, definition) select '" + tenant
                    + "', 'f' || g, '{\"expression\": \"x\"}' from generate_series(1, 5000) g");
            s.execute("insert into confwatch.triggers (tenant_id, name, definition) select '" + tenant
                    + "', 't' || g, '{\"type\": \"script\", \"path\": \"/x\"}' from generate_series(1, 5000) g");
            if (statistics.equals("fresh")) {
                s.execute("analyze");
            }
            long held = version(s, tenant);
            s.execute("update confwatch.monitors set definition = '{\"networks\": [\"polygon\"]}' where tenant_id = '"
                    + tenant + "' and name = 'm5000'");

            s.execute("set plan_cache_mode = " + planMode);
            s.execute("prepare delta(uuid, bigint) as " + SnapshotLoader.LOAD_DELTA);
            long rowsRead;
            try (ResultSet plan =
                    s.executeQuery("explain (analyze, format json) execute delta('" + tenant + "', " + held + ")")) {
                plan.next();
                rowsRead =
                        entityRowsRead(JSON.readTree(plan.getString(1)).get(0).get("Plan"));
            }
            s.execute("deallocate delta");

            assertThat(rowsRead)
                    .as("entity rows read for a one-row change (%s)", planMode)
                    .isLessThanOrEqualTo(5);
        }
    }

    private static long version(Statement s, UUID tenant) throws Exception {
        try (ResultSet rs =
                s.executeQuery("select config_version from confwatch.tenants where id = '" + tenant + "'")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static long entityRowsRead(JsonNode node) {
        long rows = 0;
        JsonNode relation = node.get("Relation Name");
        if (relation != null && ENTITY_TABLES.contains(relation.asText())) {
            long loops = node.path("Actual Loops").asLong(1);
            rows += (node.path("Actual Rows").asLong()
                            + node.path("Rows Removed by Filter").asLong())
                    * loops;
        }
        for (JsonNode child : node.path("Plans")) {
            rows += entityRowsRead(child);
        }
        return rows;
    }
}
