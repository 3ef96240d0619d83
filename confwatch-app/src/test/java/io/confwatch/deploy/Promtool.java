package io.confwatch.deploy;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Runs Prometheus' {@code promtool} (Debian package {@code prometheus}) where it is installed. CI installs it and sets
 * {@value #REQUIRED} so that a missing promtool fails there instead of passing unchecked.
 */
final class Promtool {
    /** Environment variable that makes a missing promtool an error. */
    static final String REQUIRED = "CI_REQUIRE_PROMTOOL";

    /** What a run gave: whether promtool ran at all, its exit code and its output. */
    record Outcome(boolean ran, int exitCode, String output) {}

    private Promtool() {}

    /** {@code promtool check rules file}: syntax of every expression and annotation template. */
    static Outcome checkRules(Path rules) throws IOException, InterruptedException {
        return run("check", "rules", rules.toString());
    }

    /** {@code promtool test rules file}: the alert unit tests in {@code tests}. */
    static Outcome testRules(Path tests) throws IOException, InterruptedException {
        return run("test", "rules", tests.toString());
    }

    /** Runs promtool with {@code arguments}; without promtool, exit code 0 unless {@value #REQUIRED} is set. */
    private static Outcome run(String... arguments) throws IOException, InterruptedException {
        Optional<Path> promtool = onPath("promtool");
        if (promtool.isEmpty()) {
            boolean required = "true".equalsIgnoreCase(System.getenv(REQUIRED));
            return new Outcome(false, required ? 1 : 0, "promtool is not installed (apt-get install prometheus)");
        }
        List<String> command = new ArrayList<>();
        command.add(promtool.get().toString());
        command.addAll(List.of(arguments));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            return new Outcome(true, -1, "promtool did not finish within 60 s");
        }
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        return new Outcome(true, process.exitValue(), output);
    }

    private static Optional<Path> onPath(String command) {
        String path = System.getenv().getOrDefault("PATH", "");
        for (String directory : path.split(File.pathSeparator)) {
            Path candidate = Path.of(directory, command);
            if (!directory.isEmpty() && Files.isExecutable(candidate)) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }
}
