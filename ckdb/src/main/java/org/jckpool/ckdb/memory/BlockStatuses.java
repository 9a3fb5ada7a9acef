package org.jckpool.ckdb.memory;

import java.util.Set;

/**
 * A block's status: {@code new} (accepted, not yet deep enough), {@code confirmed}, {@code orphan} (left the
 * chain), or an outcome the pool reported for a solution that never made it: {@code rejected} (the node refused
 * it), {@code lost} (no node answered), {@code stale} (its tip was superseded) and {@code duplicate-height}
 * (another solution on its tip was submitted instead); the last two were never submitted.
 */
public final class BlockStatuses {
    public static final Set<String> ALL = Set.of("new", "confirmed", "orphan", "rejected", "lost", "stale",
            "duplicate-height");

    private BlockStatuses() {
    }

    public static boolean valid(String status) {
        return ALL.contains(status);
    }

    /** Only blocks in (or on their way into) the chain pay out. */
    public static boolean voidsPayouts(String status) {
        return !"new".equals(status) && !"confirmed".equals(status);
    }

    /** Statuses the chain poller keeps checking: a lost block may have reached the node after all. */
    public static boolean polled(String status) {
        return "new".equals(status) || "confirmed".equals(status) || "lost".equals(status);
    }

    /** Solutions the pool never submitted: no payouts are computed for them. */
    public static boolean neverSubmitted(String status) {
        return "stale".equals(status) || "duplicate-height".equals(status);
    }
}
