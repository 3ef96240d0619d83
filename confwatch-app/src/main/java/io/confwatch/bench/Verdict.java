package io.confwatch.bench;

/** Whether a figure met its target. */
public enum Verdict {
    /** The target is met. */
    PASS,
    /** The target is missed. */
    MISS,
    /** No target: the figure is for information. */
    INFO
}
