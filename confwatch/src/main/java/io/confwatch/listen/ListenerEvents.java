package io.confwatch.listen;

/** What the listener tells its owner, on the listener's context. */
@FunctionalInterface
public interface ListenerEvents {
    /**
     * After every successful LISTEN; {@code reconnect} is false the first time. Notifications sent while the listener
     * was away are gone: the owner catches up.
     */
    void listening(boolean reconnect);

    /**
     * The connection looked alive but went silent (a heartbeat or a self-probe unanswered) and is being rebuilt. The
     * path to the database may be dead for other connections too.
     */
    default void silent(String reason) {}
}
