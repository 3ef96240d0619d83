package io.confwatch.reload;

import io.confwatch.reload.ReloadCoordinator.Failure;

/** A read of one or more tenants failed; the last good snapshots are still served and the reads are retried. */
public final class ReadFailedException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    ReadFailedException(Failure failure) {
        super("reading tenant " + failure.tenant() + " failed (attempt " + failure.attempts() + "): "
                + failure.error());
    }

    ReadFailedException(ReadOutcome.Failed failed) {
        super("reading tenant " + failed.tenant() + " failed: " + failed.cause());
    }

    ReadFailedException(String message) {
        super(message);
    }
}
