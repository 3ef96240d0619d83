package io.confwatch.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.confwatch.cli.BenchCommandAccess;
import io.confwatch.config.WorkerConfig;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Smoke runs of the two scenarios that measure at scale, at a tiny scale: {@code startup} starts {@code serve} as a
 * process and sees it ready; {@code capacity} measures every phase of both pods through pg_stat_statements and the
 * relay. The figures' values belong to the manual runs (docs/benchmarks.md); here, that they are there and coherent.
 */
class ScaleScenariosTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void startupAndCapacity_smallDataSet_measureEveryPhase(@TempDir Path dir) throws Exception {
        Path json = dir.resolve("capacity.json");
        BenchOptions options = BenchCommandAccess.parse(List.of(
                "--scenarios", "startup,capacity",
                "--tenants", "40",
                "--entities", "5",
                "--runs", "1",
                "--capacity-tenants", "400",
                "--capacity-entities", "3",
                "--changes", "12",
                "--capacity-json", json.toString()));
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        List<ResultRow> rows;
        try (PrintStream out = new PrintStream(printed, true, StandardCharsets.UTF_8)) {
            rows = BenchRunner.run(options, WorkerConfig.defaults(), out);
        }
        String output = printed.toString(StandardCharsets.UTF_8);

        assertThat(rows).as(output).noneMatch(row -> row.ours().startsWith("failed"));
        ResultRow startup = rows.stream()
                .filter(row -> row.scenario().startsWith("startup process"))
                .findFirst()
                .orElseThrow();
        assertThat(Double.parseDouble(startup.ours().replace(" s", ""))).isPositive();
        assertThat(output).contains("initial load", "of 40 tenants").doesNotContain("NaN");

        Map<String, JsonNode> phases = new HashMap<>();
        for (JsonNode phase : JSON.readTree(Files.readString(json)).get("phases")) {
            phases.put(
                    phase.get("pod").asText() + " "
                            + phase.get("phase")
                                    .asText()
                                    .replaceAll(" \\(.*", "")
                                    .replaceAll(", \\d+ changes.*", ""),
                    phase);
        }
        assertThat(phases.keySet())
                .contains(
                        "unsharded start-up",
                        "unsharded full reload, first after start",
                        "unsharded full reload, steady state",
                        "unsharded idle sweep",
                        "unsharded sweep",
                        "0/4 start-up",
                        "0/4 full reload, first after start",
                        "0/4 full reload, steady state",
                        "0/4 idle sweep",
                        "0/4 sweep",
                        "unsharded sweep, full comparison",
                        "0/4 sweep, full comparison");
        // A full comparison reads every owned tenant's version: all 400 unsharded, about a quarter as shard 0/4.
        assertThat(phases.get("unsharded sweep, full comparison").get("rows").asLong())
                .isGreaterThanOrEqualTo(400L);
        assertThat(phases.get("0/4 sweep, full comparison").get("rows").asLong())
                .isBetween(1L, 200L);
        JsonNode start = phases.get("unsharded start-up");
        // Every tenant row and every entity row at least once, as the database and the relay both saw.
        assertThat(start.get("rows").asLong()).isGreaterThanOrEqualTo(400L * (1 + 3));
        assertThat(start.get("bytesFromDatabase").asLong()).isGreaterThan(400L * 3 * 50);
        assertThat(start.get("execMillis").asDouble()).isPositive();
        // Full reloads were measured; with nothing written behind the triggers' back, neither the first after a start
        // (the start-up verified every tenant) nor the steady state's read a tenant whole.
        for (String pod : List.of("unsharded", "0/4")) {
            for (String phase : List.of("full reload, first after start", "full reload, steady state")) {
                JsonNode full = phases.get(pod + " " + phase);
                assertThat(full.get("statements").asLong())
                        .as(pod + " " + phase)
                        .isPositive();
                assertThat(full.get("phase").asText()).as(pod + " " + phase).contains("(0 read whole");
            }
        }
        assertThat(phases.get("0/4 start-up").get("rows").asLong())
                .isPositive()
                .isLessThanOrEqualTo(start.get("rows").asLong());
        // The changed tenants' rows were read: more than an idle sweep.
        assertThat(phases.get("unsharded sweep").get("rows").asLong())
                .isGreaterThan(phases.get("unsharded idle sweep").get("rows").asLong());
        assertThat(output).contains("| unsharded | start-up |", "| 0/4 | idle sweep |");
    }
}
