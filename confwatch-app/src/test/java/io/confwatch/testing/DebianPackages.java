package io.confwatch.testing;

import io.confwatch.embedded.ProcessUser;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * Installs a Debian package a test needs (PgBouncer, Chromium) when its program is missing, so that {@code mvn -B
 * verify} on a fresh Debian machine, as root, sets up what it runs against (README "Tests"). Not root, or no
 * {@code apt-get}: nothing is installed and the caller fails with its own message saying what to install.
 */
public final class DebianPackages {
    private static final Set<String> ATTEMPTED = new HashSet<>();
    private static boolean listsUpdated;

    private DebianPackages() {}

    /** Installs {@code name} once per run if this JVM may; returns whether apt-get said it succeeded. */
    public static synchronized boolean install(String name) {
        if (!ATTEMPTED.add(name) || !ProcessUser.isRoot() || !Files.isExecutable(Path.of("/usr/bin/apt-get"))) {
            return false;
        }
        if (!listsUpdated) {
            listsUpdated = run(List.of("apt-get", "update", "-qq"));
        }
        return run(List.of("apt-get", "install", "-y", "-qq", "--no-install-recommends", name));
    }

    private static boolean run(List<String> command) {
        ProcessBuilder builder =
                new ProcessBuilder(command).redirectErrorStream(true).inheritIO();
        builder.environment().put("DEBIAN_FRONTEND", "noninteractive");
        try {
            Process process = builder.start();
            if (!process.waitFor(10, TimeUnit.MINUTES)) {
                process.destroyForcibly();
                return false;
            }
            return process.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
