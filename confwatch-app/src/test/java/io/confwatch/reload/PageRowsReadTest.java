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
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Regression guard for the initial load: one page of tenants reads that page's entity rows, not every entity of every
 * tenant (a start-up would otherwise read the whole data set once per page: quadratic in the tenants). Counted from
 * the executed plan of the loader's own statement under the custom and the generic plan.
 */
@ExtendWith(PostgresExtension.class)
class PageRowsReadTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Set<String> ENTITY_TABLES = Set.of("monitors", "filters", "triggers");
    private static final int TENANTS = 2_000;
    private static final int PER_TENANT = 10;
    private static final int PAGE = 100;

    @ParameterizedTest
    @ValueSource(strings = {"force_custom_plan", "force_generic_plan"})
    void loadPage_pageOfTwoThousandTenants_readsOnlyThePagesEntities(String planMode, TestDatabase db)
            throws Exception {
        try (Connection c = db.connect();
                Statement s = c.createStatement()) {
            seed(s);

            s.execute("set plan_cache_mode = " + planMode);
            s.execute("prepare page(uuid, int) as " + SnapshotLoader.LOAD_PAGE);
            long rowsRead = 0;
            // Several executions: a generic plan is built and used from the sixth on under the default mode too.
            for (int i = 0; i < 3; i++) {
                try (ResultSet plan = s.executeQuery("explain (analyze, format json) execute page("
                        + "'00000000-0000-0000-0000-000000000000', " + PAGE + ")")) {
                    plan.next();
                    rowsRead = entityRowsRead(
                            JSON.readTree(plan.getString(1)).get(0).get("Plan"));
                }
            }
            s.execute("deallocate page");

            assertThat(rowsRead)
                    .as("entity rows read for a page of %d tenants × %d (%s)", PAGE, PER_TENANT, planMode)
                    .isLessThanOrEqualTo(2L * PAGE * PER_TENANT);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"force_custom_plan", "force_generic_plan"})
    void loadSlots_slotsOfAHundredTenants_readsOnlyTheirEntities(String planMode, TestDatabase db) throws Exception {
        try (Connection c = db.connect();
                Statement s = c.createStatement()) {
            seed(s);
            String slots;
            try (ResultSet page = s.executeQuery("select array_agg(distinct confwatch.tenant_slot(id))::text from"
                    + " (select id from confwatch.tenants order by id limit " + PAGE + ") t")) {
                page.next();
                slots = page.getString(1);
            }

            s.execute("set plan_cache_mode = " + planMode);
            s.execute("prepare slots(int4[]) as " + SnapshotLoader.LOAD_SLOTS);
            long rowsRead = 0;
            for (int i = 0; i < 3; i++) {
                try (ResultSet plan = s.executeQuery("explain (analyze, format json) execute slots('" + slots + "')")) {
                    plan.next();
                    rowsRead = entityRowsRead(
                            JSON.readTree(plan.getString(1)).get(0).get("Plan"));
                }
            }
            s.execute("deallocate slots");

            // The slots of 100 tenants hold about 100 of the 2,000 (16,384 slots: few share one).
            assertThat(rowsRead)
                    .as("entity rows read for the slots of %d tenants × %d (%s)", PAGE, PER_TENANT, planMode)
                    .isLessThanOrEqualTo(2L * PAGE * PER_TENANT);
        }
    }

    private static void seed(Statement s) throws java.sql.SQLException {
        s.execute("set confwatch.notify = off");
        s.execute("with t as (insert into confwatch.tenants (id, name) select gen_random_uuid(), 'tenant ' || g"
                + " from generate_series(1, " + TENANTS + ") g returning id)"
                + " insert into confwatch.monitors (tenant_id, name, definition) select t.id, 'm' || g,"
                + " '{\"networks\": [\"eth\"]}' from t, generate_series(1, " + PER_TENANT + ") g");
        s.execute("analyze");
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
