package io.confwatch.config;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Optional;

/**
 * The certificates and key read from {@link TlsFiles}, checked so a bad file fails at start rather than at the first
 * handshake. Its {@code toString()} never shows the key.
 *
 * @param roots the trusted CAs; empty means the JVM trust store
 * @param client the client certificate chain and key, if configured
 */
public record TlsMaterial(List<X509Certificate> roots, Optional<ClientIdentity> client) {

    /** A client certificate chain (leaf first) and its private key. */
    public record ClientIdentity(List<X509Certificate> chain, PrivateKey key) {
        /** Keeps a copy of the chain; requires a key. */
        public ClientIdentity {
            chain = List.copyOf(chain);
            requireNonNull(key, "key");
        }

        @Override
        public String toString() {
            return "ClientIdentity[" + chain.get(0).getSubjectX500Principal().getName() + ", key <redacted>]";
        }
    }

    /** Which setting a {@link TlsFileException} is about, by its libpq parameter name. */
    public enum Part {
        /** The trusted CAs ({@code PGSSLROOTCERT}). */
        SSLROOTCERT,
        /** The client certificate ({@code PGSSLCERT}). */
        SSLCERT,
        /** The client certificate's key ({@code PGSSLKEY}). */
        SSLKEY;

        /** The libpq parameter name, e.g. {@code sslrootcert}. */
        public String parameter() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /** A TLS file that cannot be used; the message says why, never what a key holds. */
    public static final class TlsFileException extends IllegalArgumentException {
        private final Part part;

        TlsFileException(Part part, String problem) {
            super(problem);
            this.part = part;
        }

        /** The setting at fault. */
        public Part part() {
            return part;
        }
    }

    /** Keeps a copy of the roots; requires {@code client}. */
    public TlsMaterial {
        roots = List.copyOf(roots);
        requireNonNull(client, "client");
    }

    /** Reads and checks every file named in {@code files}. */
    public static TlsMaterial load(TlsFiles files) {
        requireNonNull(files, "files");
        if (files.cert().isPresent() != files.key().isPresent()) {
            Part given = files.cert().isPresent() ? Part.SSLCERT : Part.SSLKEY;
            throw new TlsFileException(
                    given,
                    "a client certificate needs both the certificate (PGSSLCERT, sslcert) "
                            + "and its key (PGSSLKEY, sslkey); only one is set");
        }
        List<X509Certificate> roots = List.of();
        if (files.hasRootCertFile()) {
            Path path = Path.of(files.rootCert().get());
            roots = parse(Part.SSLROOTCERT, () -> PemReader.certificates(read(Part.SSLROOTCERT, path)));
        }
        Optional<ClientIdentity> client = Optional.empty();
        if (files.cert().isPresent()) {
            List<X509Certificate> chain = parse(
                    Part.SSLCERT,
                    () -> PemReader.certificates(read(Part.SSLCERT, files.cert().get())));
            PrivateKey key = parse(
                    Part.SSLKEY,
                    () -> PemReader.privateKey(read(Part.SSLKEY, files.key().get())));
            if (!matches(chain.get(0), key)) {
                throw new TlsFileException(
                        Part.SSLKEY,
                        "this key does not belong to the certificate in sslcert ("
                                + chain.get(0).getSubjectX500Principal().getName() + ")");
            }
            client = Optional.of(new ClientIdentity(chain, key));
        }
        return new TlsMaterial(roots, client);
    }

    private interface Parse<T> {
        T run();
    }

    private static <T> T parse(Part part, Parse<T> parse) {
        try {
            return parse.run();
        } catch (TlsFileException e) {
            throw e;
        } catch (IllegalArgumentException e) {
            throw new TlsFileException(part, e.getMessage());
        }
    }

    private static String read(Part part, Path path) {
        try {
            if (Files.isDirectory(path)) {
                throw new TlsFileException(part, "is a directory, not a PEM file");
            }
            return Files.readString(path, StandardCharsets.ISO_8859_1);
        } catch (NoSuchFileException e) {
            throw new TlsFileException(part, "no such file");
        } catch (IOException | SecurityException e) {
            throw new TlsFileException(
                    part, "cannot read the file (" + e.getClass().getSimpleName() + ")");
        }
    }

    /** Whether {@code key} signs what the certificate's public key verifies. */
    private static boolean matches(X509Certificate certificate, PrivateKey key) {
        String algorithm =
                switch (key.getAlgorithm()) {
                    case "RSA" -> "SHA256withRSA";
                    case "EC" -> "SHA256withECDSA";
                    case "Ed25519", "Ed448", "EdDSA" -> key.getAlgorithm();
                    default -> null;
                };
        if (algorithm == null) {
            return true;
        }
        try {
            byte[] challenge = new byte[32];
            new SecureRandom().nextBytes(challenge);
            Signature signer = Signature.getInstance(algorithm);
            signer.initSign(key);
            signer.update(challenge);
            byte[] signature = signer.sign();
            Signature verifier = Signature.getInstance(algorithm);
            verifier.initVerify(certificate.getPublicKey());
            verifier.update(challenge);
            return verifier.verify(signature);
        } catch (GeneralSecurityException e) {
            return false;
        }
    }
}
