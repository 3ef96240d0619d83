package io.confwatch.db.tls;

/** A connection refused at the TLS level; the message is the one-line reason, without a stack trace worth showing. */
public final class TlsRefusedException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public TlsRefusedException(String reason) {
        super(reason, null, false, false);
    }
}
