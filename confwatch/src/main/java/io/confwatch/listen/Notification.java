package io.confwatch.listen;

import static java.util.Objects.requireNonNull;

import java.util.UUID;

/** What a payload on the change channel turned out to be. Payloads are untrusted: none of them is data. */
public sealed interface Notification {
    /** "Tenant {@code tenant} may have changed; the writer saw version {@code version}." */
    record ChangeHint(UUID tenant, long version) implements Notification {
        public ChangeHint {
            requireNonNull(tenant, "tenant");
        }
    }

    /** A worker's self-probe ({@code {"probe":"<worker id>","seq":N}}). */
    record Probe(String worker, long seq) implements Notification {
        public Probe {
            requireNonNull(worker, "worker");
        }
    }

    /** Anything else; {@code reason} is for logs and never echoes more than a bounded prefix of the payload. */
    record Malformed(String reason) implements Notification {
        public Malformed {
            requireNonNull(reason, "reason");
        }
    }
}
