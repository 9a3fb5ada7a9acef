package org.jckpool.libpool.retry;

/** Sleeping in retry loops. */
public final class Pause {
    private Pause() {
    }

    /**
     * Sleeps {@code ms}; an interrupt ends the sleep early and stays set on the thread, so the caller's loop sees
     * it at its next check.
     */
    public static void quietly(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
