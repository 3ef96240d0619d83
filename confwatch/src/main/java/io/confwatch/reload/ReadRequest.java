package io.confwatch.reload;

import io.confwatch.model.ReadOutcome;
import io.vertx.core.Promise;
import java.util.ArrayList;
import java.util.List;

/** A queued read of one tenant: merged from every request for the tenant since its last read started. */
final class ReadRequest {
    final ReloadCause cause;
    final List<Promise<ReadOutcome>> waiters = new ArrayList<>(1);
    boolean forced;
    long hintedVersion = -1;
    long lowestHint = Long.MAX_VALUE;
    // False once anything but a hint (a sweep, a manual reload, a retry) asked for this read.
    boolean hintsOnly = true;
    // The sweep found the database behind what is held (or at its version with another stamp): a rewind.
    boolean rewound;
    // Queued in the bulk lane (a full reload) and never asked for urgently since: its retries go back there.
    boolean bulk;

    ReadRequest(ReloadCause cause) {
        this.cause = cause;
    }

    /** What this request asks for, as the planner sees it. */
    ReadPlanner.Ask ask() {
        return new ReadPlanner.Ask(forced, hintsOnly, hintedVersion, lowestHint, !waiters.isEmpty(), rewound);
    }
}
