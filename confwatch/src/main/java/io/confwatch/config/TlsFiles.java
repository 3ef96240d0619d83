package io.confwatch.config;

import static java.util.Objects.requireNonNull;

import java.nio.file.Path;
import java.util.Optional;

/**
 * The files behind libpq's {@code sslrootcert}, {@code sslcert} and {@code sslkey}: paths only, read by
 * {@link TlsMaterial#load}. Unlike libpq, nothing is read from {@code ~/.postgresql/} when a path is not given.
 *
 * @param rootCert a PEM bundle of trusted CAs, or {@link #SYSTEM} for the JVM trust store; empty: the JVM trust store
 * @param cert the client certificate (PEM, optionally followed by its intermediates)
 * @param key the client certificate's private key (PEM: PKCS#8, PKCS#1 or SEC1, not encrypted)
 */
public record TlsFiles(Optional<String> rootCert, Optional<Path> cert, Optional<Path> key) {
    /** libpq's {@code sslrootcert=system}: the platform's trusted CAs (here, the JVM trust store). */
    public static final String SYSTEM = "system";

    /** No files: the JVM trust store, no client certificate. */
    public static final TlsFiles NONE = new TlsFiles(Optional.empty(), Optional.empty(), Optional.empty());

    /** Requires every component (empty where not set). */
    public TlsFiles {
        requireNonNull(rootCert, "rootCert");
        requireNonNull(cert, "cert");
        requireNonNull(key, "key");
    }

    /** Whether a CA file was named (not {@code system}): then libpq verifies the chain even under {@code require}. */
    public boolean hasRootCertFile() {
        return rootCert.isPresent() && !rootCert.get().equals(SYSTEM);
    }

    /** Whether a client certificate is configured. */
    public boolean hasClientCertificate() {
        return cert.isPresent();
    }
}
