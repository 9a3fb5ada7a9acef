package org.jckpool.ckdb;

/** Waits for a condition instead of sleeping for a guessed time. */
final class Await {

    interface Condition {
        boolean holds() throws Exception;
    }

    private Await() {
    }

    static void until(String what, long timeoutMillis, Condition condition) throws Exception {
        long end = System.nanoTime() + timeoutMillis * 1_000_000;
        while (!condition.holds()) {
            if (System.nanoTime() > end) {
                throw new AssertionError("timed out after " + timeoutMillis + " ms waiting for " + what);
            }
            Thread.sleep(20);
        }
    }
}
