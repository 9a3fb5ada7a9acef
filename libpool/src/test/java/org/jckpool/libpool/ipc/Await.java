package org.jckpool.libpool.ipc;

import static org.assertj.core.api.Assertions.fail;

import java.util.function.BooleanSupplier;

/** Polls a condition until it holds, failing the test with {@code what} if it does not within 10 s. */
final class Await {
    private Await() {
    }

    static void until(String what, BooleanSupplier condition) throws InterruptedException {
        long end = System.nanoTime() + 10_000_000_000L;
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > end) {
                fail("still waiting after 10 s for: " + what);
            }
            Thread.sleep(5);
        }
    }
}
