package org.jckpool.stratifier.share;

import java.util.Locale;

/**
 * What became of a block solution. Every solution ends in exactly one of the final outcomes; {@code SUBMITTED}
 * is the state while a node has not answered.
 */
public enum SolutionOutcome {
    /** Sent to the node(s); no answer yet. */
    SUBMITTED,
    /** A node accepted it. */
    ACCEPTED,
    /** The nodes refused it (their reason is logged). */
    REJECTED,
    /** Not submitted: another solution on the same tip was in flight or already accepted. */
    DUPLICATE_HEIGHT,
    /** Not submitted: it builds on a tip the pool had already left. */
    STALE,
    /** No node answered, after retries. */
    LOST;

    /** The name used in logs, the JSON API, metrics and ckdb: "duplicate-height", "stale", … */
    public String label() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    public boolean isFinal() {
        return this != SUBMITTED;
    }

    /** From a label, or from the generator's result word. */
    public static SolutionOutcome of(String label) {
        return valueOf(label.toUpperCase(Locale.ROOT).replace('-', '_'));
    }
}
