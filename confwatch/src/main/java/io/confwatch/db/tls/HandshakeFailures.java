package io.confwatch.db.tls;

import java.security.cert.CertPathValidatorException;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateNotYetValidException;
import java.security.cert.X509Certificate;
import java.util.Locale;
import java.util.Optional;
import javax.net.ssl.SSLException;

/** Turns a failed TLS connection into one line an operator can act on: which check failed, and on what. */
final class HandshakeFailures {

    private HandshakeFailures() {}

    /**
     * The reason {@code error} ended a connection attempt, if it was about TLS.
     *
     * @param refusal the trust manager's latest refusal, used when the client lost the cause
     * @param host the host connected to
     * @param trusted what the chain was checked against, for the message
     */
    static Optional<String> reason(
            Throwable error, RecordingTrustManager.Refusal refusal, String host, String trusted) {
        String messages = messages(error);
        String lower = messages.toLowerCase(Locale.ROOT);
        if (lower.contains("does not handle ssl") || lower.contains("server does not support ssl")) {
            return Optional.of("server does not offer TLS (it answered the TLS request with 'no': ssl = off)");
        }
        if (lower.contains("requires a valid client certificate")) {
            return Optional.of("client certificate refused: the server requires one and none was sent (set "
                    + "PGSSLCERT and PGSSLKEY)");
        }
        if (lower.contains("certificate authentication failed")) {
            return Optional.of(
                    "client certificate refused: " + firstLine(pgMessage(error, "certificate authentication")));
        }
        for (String alert : new String[] {
            "unknown_ca",
            "bad_certificate",
            "certificate_required",
            "certificate_unknown",
            "access_denied",
            "certificate_expired",
            "unsupported_certificate",
            "certificate_revoked"
        }) {
            if (lower.contains("received fatal alert: " + alert)) {
                return Optional.of("client certificate refused: the server sent TLS alert " + alert);
            }
        }
        Throwable certificateProblem = find(error, java.security.cert.CertificateException.class);
        if (certificateProblem == null && refusal != null && isHandshake(error, lower)) {
            certificateProblem = refusal.cause();
        }
        RecordingTrustManager.RefusedCertificateException carried =
                find(error, RecordingTrustManager.RefusedCertificateException.class);
        X509Certificate leaf = carried != null && !carried.chain().isEmpty()
                ? carried.chain().get(0)
                : refusal == null || refusal.chain().isEmpty()
                        ? null
                        : refusal.chain().get(0);
        if (certificateProblem != null) {
            return Optional.of(certificateReason(certificateProblem, leaf, host, trusted));
        }
        if (isHandshake(error, lower)) {
            return Optional.of("TLS handshake failed: " + firstLine(messages));
        }
        return Optional.empty();
    }

    private static String certificateReason(Throwable problem, X509Certificate leaf, String host, String trusted) {
        String text = messages(problem);
        String lower = text.toLowerCase(Locale.ROOT);
        CertificateExpiredException expired = find(problem, CertificateExpiredException.class);
        CertPathValidatorException path = find(problem, CertPathValidatorException.class);
        if (expired != null || (path != null && path.getReason() == CertPathValidatorException.BasicReason.EXPIRED)) {
            return "expired certificate: the server's certificate" + subject(leaf)
                    + (leaf == null ? "" : " expired " + leaf.getNotAfter().toInstant());
        }
        if (find(problem, CertificateNotYetValidException.class) != null
                || (path != null && path.getReason() == CertPathValidatorException.BasicReason.NOT_YET_VALID)) {
            return "certificate not yet valid: the server's certificate" + subject(leaf)
                    + (leaf == null
                            ? ""
                            : " is valid from " + leaf.getNotBefore().toInstant());
        }
        if (lower.contains("no subject alternative") || lower.contains("no name matching")) {
            return "host name mismatch: the server's certificate" + subject(leaf) + " does not name " + host
                    + names(leaf);
        }
        if (lower.contains("unable to find valid certification path")
                || lower.contains("pkix path building failed")
                || (path != null && path.getReason() == CertPathValidatorException.BasicReason.UNSPECIFIED)) {
            return "unknown CA: the server's certificate" + subject(leaf)
                    + (leaf == null
                            ? ""
                            : ", issued by " + leaf.getIssuerX500Principal().getName() + ",")
                    + " does not chain to " + trusted;
        }
        return "server certificate refused: " + firstLine(text);
    }

    private static boolean isHandshake(Throwable error, String lower) {
        return find(error, SSLException.class) != null
                || lower.contains("ssl handshake")
                || lower.contains("handshake");
    }

    private static String subject(X509Certificate leaf) {
        return leaf == null ? "" : " (" + leaf.getSubjectX500Principal().getName() + ")";
    }

    private static String names(X509Certificate leaf) {
        if (leaf == null) {
            return "";
        }
        try {
            var names = leaf.getSubjectAlternativeNames();
            if (names == null || names.isEmpty()) {
                return " (it has no subject alternative names)";
            }
            StringBuilder out = new StringBuilder(" (it names ");
            boolean first = true;
            for (var name : names) {
                out.append(first ? "" : ", ").append(name.get(1));
                first = false;
            }
            return out.append(")").toString();
        } catch (java.security.cert.CertificateParsingException e) {
            return "";
        }
    }

    private static String pgMessage(Throwable error, String containing) {
        for (Throwable t = error; t != null; t = t.getCause()) {
            if (t.getMessage() != null
                    && t.getMessage().toLowerCase(Locale.ROOT).contains(containing)) {
                return t.getMessage();
            }
        }
        return String.valueOf(error.getMessage());
    }

    private static <T extends Throwable> T find(Throwable error, Class<T> type) {
        for (Throwable t = error; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (type.isInstance(t)) {
                return type.cast(t);
            }
        }
        return null;
    }

    private static String messages(Throwable error) {
        StringBuilder out = new StringBuilder();
        for (Throwable t = error; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t.getMessage() != null) {
                out.append(out.length() == 0 ? "" : " / ").append(t.getMessage());
            }
        }
        return out.length() == 0 ? error.getClass().getSimpleName() : out.toString();
    }

    private static String firstLine(String text) {
        int newline = text.indexOf('\n');
        return newline < 0 ? text : text.substring(0, newline);
    }
}
