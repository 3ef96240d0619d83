package io.confwatch.db.tls;

import static java.util.Objects.requireNonNull;

import io.confwatch.config.DatabaseTarget;
import io.confwatch.config.TlsMaterial;
import io.confwatch.config.TlsPolicy;
import io.vertx.core.net.ClientSSLOptions;
import io.vertx.core.net.KeyCertOptions;
import io.vertx.core.net.TrustOptions;
import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * The TLS side of connecting to one database target, built once from its sslmode and files: the Vert.x client's SSL
 * options, an {@link SSLContext} for JDBC, and the one-line reason for a refused handshake.
 */
public final class TlsClient {
    /** How recent a recorded certificate refusal must be to explain a handshake that failed without a cause. */
    private static final Duration REFUSAL_FRESHNESS = Duration.ofSeconds(30);

    private static final AtomicBoolean WARM = new AtomicBoolean();

    private final TlsPolicy policy;
    private final String host;
    private final boolean rootsFromFile;
    private final RecordingTrustManager trustManager;
    private final KeyManager[] keyManagers;

    private TlsClient(TlsPolicy policy, String host, TlsMaterial material) {
        this.policy = policy;
        this.host = host;
        this.rootsFromFile = !material.roots().isEmpty();
        this.trustManager = new RecordingTrustManager(policy.verifiesChain() ? pkix(material) : null);
        this.keyManagers = material.client()
                .map(identity -> new KeyManager[] {new ClientKeyManager(identity)})
                .orElse(null);
    }

    /** Reads {@code target}'s TLS files (checked at start; they could have gone since) and builds its TLS side. */
    public static TlsClient of(DatabaseTarget target) {
        requireNonNull(target, "target");
        TlsMaterial material;
        try {
            material = TlsMaterial.load(target.tls());
        } catch (TlsMaterial.TlsFileException e) {
            throw new IllegalStateException(e.part().parameter() + ": " + e.getMessage(), e);
        }
        return new TlsClient(target.tlsPolicy(), target.host(), material);
    }

    /** The TLS side for {@code policy} and {@code files}; {@code host} only names the server in messages. */
    public static TlsClient of(TlsPolicy policy, io.confwatch.config.TlsFiles files, String host) {
        return new TlsClient(requireNonNull(policy, "policy"), requireNonNull(host, "host"), TlsMaterial.load(files));
    }

    /** The one-line TLS reason for a failed JDBC connection, if it was about TLS (the driver keeps the cause). */
    public static Optional<String> explainJdbc(Throwable error, String host, boolean rootsFromFile) {
        return HandshakeFailures.reason(
                error, null, host, rootsFromFile ? "the CAs of sslrootcert (PGSSLROOTCERT)" : "the JVM trust store");
    }

    /**
     * Loads the JVM's TLS machinery (trust store, handshake classes) on the calling thread, once per JVM: the first
     * handshake would otherwise do it on an event loop, blocking it for seconds on a busy machine.
     */
    public void warmUp() {
        if (!WARM.compareAndSet(false, true)) {
            return;
        }
        try {
            SSLContext.getDefault();
            SSLEngine engine = sslContext().createSSLEngine(host, 5432);
            engine.setUseClientMode(true);
            engine.beginHandshake();
            engine.wrap(
                    ByteBuffer.allocate(0),
                    ByteBuffer.allocate(engine.getSession().getPacketBufferSize()));
            engine.closeOutbound();
        } catch (GeneralSecurityException | java.io.IOException | RuntimeException e) {
            // Only a head start: the handshake itself reports what is wrong.
        }
    }

    /** What the sslmode and files mean. */
    public TlsPolicy policy() {
        return policy;
    }

    /** Whether a client certificate is offered. */
    public boolean hasClientCertificate() {
        return keyManagers != null;
    }

    /** Options for the Vert.x PostgreSQL client; host name checking is on only under {@code verify-full}. */
    public ClientSSLOptions vertxOptions() {
        ClientSSLOptions options = new ClientSSLOptions()
                .setTrustAll(false)
                .setTrustOptions(TrustOptions.wrap(trustManager))
                .setHostnameVerificationAlgorithm(policy.verifiesHost() ? "HTTPS" : "");
        if (keyManagers != null) {
            options.setKeyCertOptions(KeyCertOptions.wrap((javax.net.ssl.X509KeyManager) keyManagers[0]));
        }
        return options;
    }

    /** A TLS context with the same trust and client certificate, for JDBC. */
    public SSLContext sslContext() {
        try {
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(keyManagers, new TrustManager[] {trustManager}, null);
            return context;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot set up TLS: " + e.getMessage(), e);
        }
    }

    /**
     * The one-line reason {@code error} stopped a connection, if it was about TLS: unknown CA, host name mismatch,
     * expired certificate, server without TLS, client certificate refused.
     */
    public Optional<String> explain(Throwable error) {
        RecordingTrustManager.Refusal refusal = trustManager.lastRefusal();
        if (refusal != null && refusal.at().isBefore(Instant.now().minus(REFUSAL_FRESHNESS))) {
            refusal = null;
        }
        return HandshakeFailures.reason(
                error, refusal, host, rootsFromFile ? "the CAs of sslrootcert (PGSSLROOTCERT)" : "the JVM trust store");
    }

    private static X509ExtendedTrustManager pkix(TlsMaterial material) {
        try {
            TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            if (material.roots().isEmpty()) {
                factory.init((KeyStore) null);
            } else {
                KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
                store.load(null, null);
                int i = 0;
                for (X509Certificate root : material.roots()) {
                    store.setCertificateEntry("ca-" + i++, root);
                }
                factory.init(store);
            }
            for (TrustManager manager : factory.getTrustManagers()) {
                if (manager instanceof X509ExtendedTrustManager extended) {
                    return extended;
                }
            }
            throw new IllegalStateException("the JVM offers no X.509 trust manager");
        } catch (GeneralSecurityException | java.io.IOException e) {
            throw new IllegalStateException("cannot set up the trusted CAs: " + e.getMessage(), e);
        }
    }
}
