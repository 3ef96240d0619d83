package io.confwatch.model;

/** A read of one or more tenants failed; the last good snapshots are still served and the reads are retried. */
public final class ReadFailedException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /**
     * A failed read, described by {@code message} (one line: which tenant or reload, why).
     *
     * @param message what failed and why
     */
    public ReadFailedException(String message) {
        super(message);
    }
}
