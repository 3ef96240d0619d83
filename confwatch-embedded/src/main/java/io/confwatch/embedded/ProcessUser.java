package io.confwatch.embedded;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Who this JVM runs as: the one place that decides "am I root" — the embedded server drops its privileges then, and the
 * project's test helpers (Debian packages, PgBouncer) install or start what they need only then.
 */
public final class ProcessUser {
    private ProcessUser() {}

    /** Whether this JVM runs as root (uid 0); where the uid cannot be read, whether its user is named {@code root}. */
    public static boolean isRoot() {
        try {
            return Integer.valueOf(0).equals(Files.getAttribute(Path.of("/proc/self"), "unix:uid"));
        } catch (IOException | UnsupportedOperationException e) {
            return "root".equals(System.getProperty("user.name"));
        }
    }
}
