package io.confwatch.db.tls;

import java.net.Socket;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * Checks the server's certificate with a delegate (PKIX over the trusted CAs, host name included when the TLS engine
 * asks for it) — or accepts any when the sslmode verifies nothing — and remembers the last refusal with the chain the
 * server sent, because the Vert.x client reports a refused handshake without its cause.
 */
final class RecordingTrustManager extends X509ExtendedTrustManager {

    /** The last certificate refusal: what the server sent and why it was refused. */
    record Refusal(List<X509Certificate> chain, CertificateException cause, Instant at) {}

    private final X509ExtendedTrustManager delegate;
    private final AtomicReference<Refusal> lastRefusal = new AtomicReference<>();

    /** Checks with {@code delegate}, or accepts every server certificate when it is null. */
    RecordingTrustManager(X509ExtendedTrustManager delegate) {
        this.delegate = delegate;
    }

    /** The last refusal, if any. */
    Refusal lastRefusal() {
        return lastRefusal.get();
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
            throws CertificateException {
        if (delegate != null) {
            try {
                delegate.checkServerTrusted(chain, authType, engine);
            } catch (CertificateException e) {
                throw refused(chain, e);
            }
        }
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket)
            throws CertificateException {
        if (delegate != null) {
            try {
                delegate.checkServerTrusted(chain, authType, socket);
            } catch (CertificateException e) {
                throw refused(chain, e);
            }
        }
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        if (delegate != null) {
            try {
                delegate.checkServerTrusted(chain, authType);
            } catch (CertificateException e) {
                throw refused(chain, e);
            }
        }
    }

    private CertificateException refused(X509Certificate[] chain, CertificateException cause) {
        lastRefusal.set(new Refusal(List.of(chain), cause, Instant.now()));
        return new RefusedCertificateException(List.of(chain), cause);
    }

    /** A refusal that carries the chain the server sent, so whoever reports it can say what was refused. */
    static final class RefusedCertificateException extends CertificateException {
        private static final long serialVersionUID = 1L;
        private final transient List<X509Certificate> chain;

        RefusedCertificateException(List<X509Certificate> chain, CertificateException cause) {
            super(cause.getMessage(), cause);
            this.chain = chain;
        }

        /** The server's chain, leaf first. */
        List<X509Certificate> chain() {
            return chain;
        }
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket)
            throws CertificateException {
        throw new CertificateException("a database client does not check client certificates");
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
            throws CertificateException {
        throw new CertificateException("a database client does not check client certificates");
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        throw new CertificateException("a database client does not check client certificates");
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
        return delegate == null ? new X509Certificate[0] : delegate.getAcceptedIssuers();
    }
}
