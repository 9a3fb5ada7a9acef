package org.jckpool.testkit;

/**
 * Waits for a condition instead of sleeping for a guessed time: polls it (every millisecond at first, backing off
 * to every 50 ms) until it holds or the time is up. The one waiting helper of the suite's tests.
 */
public final class Await {
    /** How long {@link #until(String, Condition)} waits. */
    public static final long DEFAULT_TIMEOUT_MS = 10_000;
    private static final long MAX_POLL_NANOS = 50_000_000L;

    /** A condition; an exception it throws ends the wait and fails the test. */
    @FunctionalInterface
    public interface Condition {
        boolean holds() throws Exception;
    }

    private Await() {
    }

    /** Waits up to 10 s for {@code condition}; fails the test naming {@code what} when it never holds. */
    public static void until(String what, Condition condition) throws Exception {
        until(what, DEFAULT_TIMEOUT_MS, condition);
    }

    /** Waits up to {@code timeoutMs} for {@code condition}; fails the test naming {@code what} when it never holds. */
    public static void until(String what, long timeoutMs, Condition condition) throws Exception {
        if (!within(timeoutMs, condition)) {
            throw new AssertionError("still waiting after " + timeoutMs + " ms for: " + what);
        }
    }

    /** Whether {@code condition} holds within {@code timeoutMs} (checked at least once, and once more at the end). */
    public static boolean within(long timeoutMs, Condition condition) throws Exception {
        long end = System.nanoTime() + timeoutMs * 1_000_000L;
        long pause = 1_000_000L;
        while (!condition.holds()) {
            long left = end - System.nanoTime();
            if (left <= 0) {
                return false;
            }
            Thread.sleep(Math.max(1, Math.min(pause, left) / 1_000_000L));
            pause = Math.min(pause * 2, MAX_POLL_NANOS);
        }
        return true;
    }

    /**
     * Whether {@code condition} holds throughout the next {@code periodMs} (polled; false as soon as it fails): for
     * asserting that something does not happen, e.g. that no message arrives.
     */
    public static boolean holdsFor(long periodMs, Condition condition) throws Exception {
        return !within(periodMs, () -> !condition.holds());
    }
}
