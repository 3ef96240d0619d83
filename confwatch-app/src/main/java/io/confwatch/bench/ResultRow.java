package io.confwatch.bench;

/**
 * One line of the result table.
 *
 * @param scenario scenario and figure, e.g. {@code propagation-idle p50}
 * @param ours our figure, with its unit
 * @param baseline the baseline's figure measured in the same run, or {@code —}
 * @param ratio ours against the baseline as the target states it, or {@code —}
 * @param target the target
 * @param verdict whether the target is met
 */
public record ResultRow(String scenario, String ours, String baseline, String ratio, String target, Verdict verdict) {
    /** A row with no baseline. */
    public static ResultRow alone(String scenario, String ours, String target, Verdict verdict) {
        return new ResultRow(scenario, ours, "—", "—", target, verdict);
    }

    /** PASS when {@code met}, else MISS. */
    public static Verdict verdict(boolean met) {
        return met ? Verdict.PASS : Verdict.MISS;
    }
}
