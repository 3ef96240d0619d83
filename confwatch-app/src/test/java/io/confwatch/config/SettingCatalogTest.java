package io.confwatch.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The catalog is the single source: the parser reads every entry, and the docs list every entry. */
class SettingCatalogTest {

    /** Maven runs the tests in the repository root (the working directory confwatch-app's pom gives them). */
    private static final Path BASE_DIR = Path.of("").toAbsolutePath();

    private static final Pattern DOCS_ROW = Pattern.compile("^\\| `([A-Z_]+)` \\|", Pattern.MULTILINE);

    /** The markdown table row documenting {@code setting} in {@code docs/configuration.md}. */
    static String row(Setting setting) {
        return "| `" + setting.variable() + "` | " + setting.defaultText() + " | " + setting.meaning() + " |";
    }

    @ParameterizedTest
    @EnumSource(Setting.class)
    void catalog_everySetting_hasMarkdownSafeDefaultAndMeaning(Setting setting) {
        assertThat(setting.meaning()).isNotBlank().doesNotContain("|").doesNotContain("\n");
        assertThat(setting.defaultText()).isNotBlank().doesNotContain("|").doesNotContain("\n");
        assertThat(setting.variable()).matches("(CONFWATCH|PG)[A-Z_]+");
    }

    @ParameterizedTest
    @EnumSource(
            value = Setting.class,
            names = {"CONFWATCH_TEST_DATABASE_URL", "CONFWATCH_TEST_PGBOUNCER", "CONFWATCH_POD_NAME"},
            mode = EnumSource.Mode.EXCLUDE)
    void fromEnv_everySetting_isReadByTheParser(Setting setting) {
        Map<String, String> base = Map.of("HOSTNAME", "h");
        Map<String, String> env = Map.of("HOSTNAME", "h", setting.variable(), "zz-probe-value");

        try {
            assertThat(WorkerConfig.fromEnv(env)).isNotEqualTo(WorkerConfig.fromEnv(base));
        } catch (ConfigException e) {
            assertThat(e.variable()).isEqualTo(setting.variable());
        }
    }

    @Test
    void fromEnv_testDatabaseUrl_isIgnoredByTheWorker() {
        assertThat(WorkerConfig.fromEnv(Map.of("CONFWATCH_TEST_DATABASE_URL", "postgresql://db/x"))
                        .isEmbedded())
                .isTrue();
    }

    @Test
    void fromEnv_testPgBouncer_isIgnoredByTheWorker() {
        assertThat(WorkerConfig.fromEnv(Map.of("HOSTNAME", "h", "CONFWATCH_TEST_PGBOUNCER", "/usr/sbin/pgbouncer")))
                .isEqualTo(WorkerConfig.fromEnv(Map.of("HOSTNAME", "h")));
    }

    @Test
    void fromEnv_podName_isReadForShardIndex() {
        assertThatThrownBy(() ->
                        WorkerConfig.fromEnv(Map.of("CONFWATCH_SHARD", "2", "CONFWATCH_POD_NAME", "zz-probe-value")))
                .hasMessageContaining("CONFWATCH_POD_NAME=\"zz-probe-value\"");
    }

    @Test
    void isSecret_passwordTokenAndUrls_areSecret() {
        assertThat(Arrays.stream(Setting.values()).filter(Setting::isSecret))
                .containsExactlyInAnyOrder(
                        Setting.PGPASSWORD,
                        Setting.CONFWATCH_ADMIN_TOKEN,
                        Setting.CONFWATCH_DATABASE_URL,
                        Setting.CONFWATCH_TEST_DATABASE_URL);
    }

    @Test
    void configurationDocs_everySetting_hasItsCatalogRow() throws IOException {
        String docs = read("docs/configuration.md");

        List<String> missing = Arrays.stream(Setting.values())
                .map(SettingCatalogTest::row)
                .filter(row -> !docs.contains(row))
                .toList();

        if (!missing.isEmpty()) {
            fail("docs/configuration.md lacks (or has stale) rows; replace them with:%n%s", String.join("\n", missing));
        }
    }

    @Test
    void configurationDocs_everyRow_isACatalogSetting() throws IOException {
        Matcher rows = DOCS_ROW.matcher(read("docs/configuration.md"));
        Set<String> known =
                Arrays.stream(Setting.values()).map(Setting::variable).collect(Collectors.toSet());

        while (rows.find()) {
            assertThat(known)
                    .as("docs/configuration.md documents an unknown setting")
                    .contains(rows.group(1));
        }
    }

    @Test
    void readme_everySetting_isMentioned() throws IOException {
        Path readme = BASE_DIR.resolve("README.md");
        String text = Files.exists(readme) ? Files.readString(readme) : "";

        List<String> missing = Arrays.stream(Setting.values())
                .map(Setting::variable)
                .filter(name ->
                        !Pattern.compile("\\b" + name + "\\b").matcher(text).find())
                .toList();

        assertThat(missing)
                .as("settings not mentioned in %s (see docs/configuration.md for name, default, meaning)", readme)
                .isEmpty();
    }

    private static String read(String relativePath) throws IOException {
        Path path = BASE_DIR.resolve(relativePath);
        assertThat(path).as("expected at the project root").exists();
        return Files.readString(path);
    }
}
