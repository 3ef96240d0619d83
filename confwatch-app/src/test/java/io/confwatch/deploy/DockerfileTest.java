package io.confwatch.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.confwatch.cli.Cli;
import io.confwatch.config.WorkerConfig;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * These checks keep the Dockerfile in step with the build it packages (the pom's jar name and Java release, the
 * commands, the default HTTP port) and with what DESIGN §7b asks of the image, with or without a Docker engine; the
 * image itself is built and run in {@code io.confwatch.image.ImageTest}.
 */
class DockerfileTest {
    private static final Pattern PINNED_TAG = Pattern.compile("[^:@]+:[0-9]+\\.[0-9]+[^:@ ]*");
    private static final Pattern NUMERIC_NON_ROOT_USER = Pattern.compile("[1-9][0-9]*(:[0-9]+)?");

    private final List<Instruction> instructions = Instruction.parse(read("Dockerfile"));
    private final String finalName = PomFile.read().finalName();

    @Test
    void from_everyStage_pinsAVersionTagNeverLatest() {
        List<String> images = images();

        assertThat(images).hasSizeGreaterThanOrEqualTo(2);
        assertThat(images).allSatisfy(image -> {
            assertThat(image).matches(PINNED_TAG);
            assertThat(image).doesNotContain("latest").doesNotContain("$");
        });
    }

    @Test
    void from_stages_buildWithMavenOnJdk17AndRunOnAJre17() {
        List<String> images = images();

        assertThat(PomFile.read().javaRelease()).isEqualTo("17");
        assertThat(images.get(0)).startsWith("maven:3.").contains("eclipse-temurin-17");
        assertThat(instructions.get(0).arguments()).endsWith(" AS build");
        assertThat(images.get(images.size() - 1))
                .startsWith("eclipse-temurin:17.")
                .contains("-jre");
    }

    @Test
    void build_dependenciesCachedFromThePomsAloneBeforeTheSources() {
        int copyPom = indexOf("COPY", "pom.xml ./");
        // Packaging the poms alone (every module an empty jar) fetches every dependency and plugin the real build uses,
        // resolving the modules' dependencies on each other inside the reactor.
        int prefetch = indexOf("RUN", "mvn -B -q -DskipTests package");
        int copySources = indexOf("COPY", "confwatch/src/ confwatch/src/");
        int packaging = indexOf("RUN", "mvn -B -DskipTests package");

        assertThat(copyPom).isLessThan(prefetch);
        assertThat(prefetch).isLessThan(copySources);
        assertThat(copySources).isLessThan(packaging);
        List<String> modules = PomFile.modules();
        List<String> poms = new ArrayList<>(List.of("pom.xml ./"));
        modules.forEach(module -> poms.add(module + "/pom.xml " + module + "/"));
        assertThat(instructions.subList(0, prefetch))
                .filteredOn(instruction -> instruction.keyword().equals("COPY"))
                .extracting(Instruction::arguments)
                .containsExactlyElementsOf(poms);
        // Every module's sources are in the build context.
        assertThat(instructions.subList(prefetch, packaging))
                .filteredOn(instruction -> instruction.keyword().equals("COPY"))
                .extracting(Instruction::arguments)
                .containsAll(modules.stream()
                        .map(module -> module + "/src/ " + module + "/src/")
                        .toList());
        // Every resource directory the pom packages is in the build context.
        assertThat(instructions)
                .filteredOn(instruction -> instruction.keyword().equals("COPY"))
                .extracting(Instruction::arguments)
                .contains("sql/ sql/");
    }

    @Test
    void runtime_copiesAndRunsThePomsJar_theJarTheReadmeRuns() {
        String jar = finalName + ".jar";
        Instruction copy = instructions.get(indexOf("COPY", "--from=build"));
        List<String> entrypoint = execForm("ENTRYPOINT");

        assertThat(jar).isEqualTo("confwatch.jar");
        assertThat(copy.arguments()).endsWith("/build/target/" + jar + " /app/" + jar);
        assertThat(entrypoint.get(entrypoint.indexOf("-jar") + 1)).isEqualTo("/app/" + jar);
        assertThat(read("README.md")).contains("java -jar target/" + jar + " ");
    }

    @Test
    void entrypoint_execFormWithContainerAwareJvmFlags() {
        List<String> entrypoint = execForm("ENTRYPOINT");

        assertThat(entrypoint.get(0)).isEqualTo("java");
        assertThat(entrypoint).contains("-XX:MaxRAMPercentage=75", "-XX:+ExitOnOutOfMemoryError");
        assertThat(entrypoint.indexOf("-XX:MaxRAMPercentage=75")).isLessThan(entrypoint.indexOf("-jar"));
        assertThat(entrypoint.get(entrypoint.size() - 1)).endsWith(".jar");
    }

    @Test
    void runtime_classArchive_trainedOnTheCopiedJarCheckedAndMappedAtEveryStart() {
        String archive = "-XX:SharedArchiveFile=/app/confwatch.jsa";
        int copy = indexOf("COPY", "--from=build");
        int training = indexOf("RUN", "-XX:ArchiveClassesAtExit=/app/confwatch.jsa");
        List<String> entrypoint = execForm("ENTRYPOINT");
        String run = instructions.get(training).arguments();

        // Trained on the jar the image runs, as root (the archive stays read-only to the worker), before USER.
        assertThat(training).isGreaterThan(copy).isLessThan(indexOf("USER", "10001"));
        assertThat(run)
                .contains("-jar /app/confwatch.jar serve")
                .contains("/readyz")
                .contains("kill -TERM")
                // A build whose archive the JVM would refuse fails, instead of warning on every start.
                .contains("java -Xshare:on " + archive);
        assertThat(run.indexOf("set -e")).isZero();
        assertThat(entrypoint).contains(archive);
        assertThat(entrypoint.indexOf(archive)).isLessThan(entrypoint.indexOf("-jar"));
    }

    @Test
    void cmd_isServe_aCommandTheJarKnows() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PrintStream print = new PrintStream(out, true, StandardCharsets.UTF_8);

        assertThat(execForm("CMD")).containsExactly("serve");
        assertThat(Cli.run(new String[] {"serve", "--help"}, Map.of(), print, print))
                .isEqualTo(Cli.OK);
    }

    @Test
    void expose_isTheDefaultHttpPort() {
        assertThat(instructions)
                .filteredOn(instruction -> instruction.keyword().equals("EXPOSE"))
                .extracting(Instruction::arguments)
                .containsExactly(Integer.toString(WorkerConfig.defaults().http().port()));
    }

    @Test
    void user_inTheRuntimeStage_isNumericAndNotRoot() {
        int runtime = lastIndexOf("FROM");
        List<Instruction> users = instructions.stream()
                .filter(instruction -> instruction.keyword().equals("USER"))
                .toList();

        assertThat(users).hasSize(1);
        assertThat(instructions.indexOf(users.get(0))).isGreaterThan(runtime);
        assertThat(users.get(0).arguments()).matches(NUMERIC_NON_ROOT_USER).startsWith("10001");
        // Nothing may run as that user before it exists, and it is the one created in the image.
        assertThat(instructions.get(indexOf("RUN", "useradd")).arguments()).contains("--uid 10001");
    }

    @Test
    void healthcheck_none_kubernetesProbesInstead() {
        assertThat(instructions).extracting(Instruction::keyword).doesNotContain("HEALTHCHECK");
    }

    @Test
    void dockerignore_keepsTheBuildInputsAndDropsOutputAndHistory() {
        List<String> patterns = read(".dockerignore")
                .lines()
                .map(String::strip)
                .filter(line -> !line.isEmpty() && !line.startsWith("#"))
                .toList();

        for (String needed : List.of(
                "pom.xml",
                "confwatch/pom.xml",
                "confwatch-app/src/main/java/io/confwatch/Main.java",
                "sql/V1__schema.sql")) {
            assertThat(isIgnored(patterns, needed)).as(needed).isFalse();
        }
        for (String unwanted : List.of(
                "target/confwatch.jar",
                "confwatch/target/classes",
                ".git/HEAD",
                "helm/confwatch/values.yaml",
                "examples/monitor-worker/pom.xml")) {
            assertThat(isIgnored(patterns, unwanted)).as(unwanted).isTrue();
        }
    }

    /** Docker's rule, simplified: a path is ignored when the last pattern matching it or a parent is not negated. */
    private static boolean isIgnored(List<String> patterns, String path) {
        boolean ignored = false;
        for (String pattern : patterns) {
            boolean negated = pattern.startsWith("!");
            PathMatcher matcher = FileSystems.getDefault().getPathMatcher("glob:" + pattern.substring(negated ? 1 : 0));
            for (Path prefix = Path.of(path); prefix != null; prefix = prefix.getParent()) {
                if (matcher.matches(prefix)) {
                    ignored = !negated;
                    break;
                }
            }
        }
        return ignored;
    }

    private List<String> images() {
        return instructions.stream()
                .filter(instruction -> instruction.keyword().equals("FROM"))
                .map(instruction -> instruction.arguments().split("\\s+")[0])
                .toList();
    }

    private List<String> execForm(String keyword) {
        String arguments = instructions.get(lastIndexOf(keyword)).arguments();
        assertThat(arguments).as("%s in exec form", keyword).startsWith("[").endsWith("]");
        try {
            return Arrays.asList(new ObjectMapper().readValue(arguments, String[].class));
        } catch (IOException e) {
            throw new AssertionError(keyword + " is not a JSON array: " + arguments, e);
        }
    }

    private int indexOf(String keyword, String fragment) {
        for (int i = 0; i < instructions.size(); i++) {
            if (instructions.get(i).keyword().equals(keyword)
                    && instructions.get(i).arguments().contains(fragment)) {
                return i;
            }
        }
        throw new AssertionError("no " + keyword + " containing '" + fragment + "' in the Dockerfile");
    }

    private int lastIndexOf(String keyword) {
        for (int i = instructions.size() - 1; i >= 0; i--) {
            if (instructions.get(i).keyword().equals(keyword)) {
                return i;
            }
        }
        throw new AssertionError("no " + keyword + " in the Dockerfile");
    }

    static String read(String file) {
        try {
            return Files.readString(Path.of(file));
        } catch (IOException e) {
            throw new AssertionError("cannot read " + file + " (tests run from the project root)", e);
        }
    }

    /** One Dockerfile instruction, continuation lines joined. */
    record Instruction(String keyword, String arguments) {
        static List<Instruction> parse(String dockerfile) {
            List<Instruction> instructions = new ArrayList<>();
            StringBuilder current = new StringBuilder();
            for (String line : dockerfile.lines().toList()) {
                String stripped = line.strip();
                if (stripped.startsWith("#") || (stripped.isEmpty() && current.length() == 0)) {
                    continue;
                }
                if (stripped.endsWith("\\")) {
                    current.append(stripped, 0, stripped.length() - 1).append(' ');
                    continue;
                }
                current.append(stripped);
                String text = current.toString().strip();
                current.setLength(0);
                int space = text.indexOf(' ');
                instructions.add(new Instruction(
                        text.substring(0, space).toUpperCase(java.util.Locale.ROOT),
                        text.substring(space + 1).strip()));
            }
            return instructions;
        }
    }
}
