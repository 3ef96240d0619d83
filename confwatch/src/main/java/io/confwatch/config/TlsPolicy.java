package io.confwatch.config;

import static java.util.Objects.requireNonNull;

/**
 * What an {@code sslmode} means once the files are known — the one place that decides it, as libpq does: whether TLS
 * is tried, whether the server's chain is checked, and whether its name must match the host.
 *
 * @param mode the sslmode
 * @param verifiesChain whether an encrypted connection checks the server's certificate chain against the trusted CAs
 * @param verifiesHost whether the server's certificate must name the host connected to
 */
public record TlsPolicy(SslMode mode, boolean verifiesChain, boolean verifiesHost) {

    /** Requires a mode. */
    public TlsPolicy {
        requireNonNull(mode, "mode");
    }

    /**
     * libpq's rules: {@code verify-ca} checks the chain, {@code verify-full} the chain and host name; with a CA file
     * named ({@code sslrootcert}) every TLS attempt checks the chain, so {@code require} (and the TLS attempt of
     * {@code prefer} and {@code allow}) behave like {@code verify-ca}.
     */
    public static TlsPolicy of(SslMode mode, TlsFiles files) {
        requireNonNull(files, "files");
        boolean verifyMode = mode == SslMode.VERIFY_CA || mode == SslMode.VERIFY_FULL;
        boolean chain = mode != SslMode.DISABLE && (verifyMode || files.hasRootCertFile());
        return new TlsPolicy(mode, chain, mode == SslMode.VERIFY_FULL);
    }

    /** Whether a connection may be made without TLS ({@code disable}, {@code allow}, {@code prefer}). */
    public boolean allowsPlaintext() {
        return mode == SslMode.DISABLE || mode == SslMode.ALLOW || mode == SslMode.PREFER;
    }

    /** Whether TLS may be used at all. */
    public boolean allowsTls() {
        return mode != SslMode.DISABLE;
    }

    /** How much an encrypted connection proves, in libpq's words: {@code none}, {@code ca} or {@code full}. */
    public String verification() {
        return verifiesHost ? "full" : verifiesChain ? "ca" : "none";
    }
}
