package io.confwatch.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.confwatch.testing.PostgresExtension;
import io.confwatch.testing.TestDatabase;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The live page in a real headless Chromium: it loads, lists the tenants held, and a write made with SQL shows on it
 * within a second. Without Chromium the test fails and says what to install (CI installs it in {@code .ci/run}).
 */
@ExtendWith(PostgresExtension.class)
class LivePageTest {
    private static final String MONITOR = "{\"networks\": [\"ethereum_mainnet\"], \"addresses\": [\"0xabc\"]}";
    private static final Duration WAIT = Duration.ofSeconds(20);

    private static ApiFixture fixture;

    @BeforeAll
    static void start(TestDatabase db) {
        fixture = ApiFixture.start(db);
    }

    @AfterAll
    static void stop() {
        if (fixture != null) {
            fixture.close();
        }
    }

    @Test
    void page_servedAtRoot_isHtmlThatFollowsWatch() {
        HttpResponse<String> page = fixture.client.get("/");

        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(ApiClient.header(page, "Content-Type")).startsWith("text/html");
        assertThat(page.body()).contains("new EventSource(\"watch\")");
    }

    @Test
    void page_inChromium_listsTenantsAndShowsASqlWriteWithinASecond() throws Exception {
        Path executable = HeadlessChromium.findOrInstall()
                .orElseGet(() -> fail("Chromium is needed for the live page's browser test and was not found at "
                        + HeadlessChromium.CANDIDATES + " (or $CHROMIUM). Install it: apt-get install chromium"
                        + " (.ci/run does this in CI)."));
        UUID first = fixture.insertTenant("page-first");
        UUID second = fixture.insertTenant("page-second");
        long version = fixture.awaitHeld(first);
        fixture.awaitHeld(second);

        try (HeadlessChromium browser = HeadlessChromium.launch(executable)) {
            browser.open("http://127.0.0.1:" + fixture.client.port() + "/");

            await().atMost(WAIT).pollInterval(Duration.ofMillis(50)).untilAsserted(() -> assertThat(
                            text(browser, "document.getElementById('state').dataset.state"))
                    .isEqualTo("live"));
            assertThat(text(browser, cell(first, "name"))).isEqualTo("page-first");
            assertThat(text(browser, cell(second, "name"))).isEqualTo("page-second");
            assertThat(text(browser, "document.getElementById('count').textContent"))
                    .isEqualTo(String.valueOf(fixture.confWatch.size()));

            fixture.insertEntity("monitors", first, "m1", MONITOR);
            long committedAt = System.currentTimeMillis();
            String change = "document.querySelector('#changes li[data-tenant=\"" + first + "\"][data-version=\""
                    + (version + 1) + "\"]')";
            await().atMost(WAIT).pollInterval(Duration.ofMillis(20)).untilAsserted(() -> assertThat(
                            text(browser, cell(first, "version")))
                    .isEqualTo(String.valueOf(version + 1)));
            long shownAt = browser.evaluate(change + ".dataset.at").asLong();

            assertThat(shownAt - committedAt)
                    .as("commit → shown on the page, ms")
                    .isLessThan(1000);
            assertThat(text(browser, change + ".textContent")).contains("page-first", "+1 monitor", "propagation");
            assertThat(text(browser, cell(first, "monitors"))).isEqualTo("1");
        }
    }

    private static String cell(UUID tenant, String column) {
        return "document.querySelector('tr[data-tenant=\"" + tenant + "\"] td." + column + "').textContent";
    }

    private static String text(HeadlessChromium browser, String expression) {
        JsonNode value = browser.evaluate(expression);
        return value == null || value.isNull() || value.isMissingNode() ? null : value.asText();
    }
}
