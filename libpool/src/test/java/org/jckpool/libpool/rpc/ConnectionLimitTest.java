package org.jckpool.libpool.rpc;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;
import org.jckpool.testkit.Await;
import org.junit.jupiter.api.Test;

class ConnectionLimitTest {
    private static long in(long millis) {
        return System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
    }

    @Test
    void neverMoreThanMaxAndAWaitEndsAtItsDeadline() throws Exception {
        ConnectionLimit limit = new ConnectionLimit(2);
        assertThat(limit.acquire(false, in(1000))).isTrue();
        assertThat(limit.acquire(true, in(1000))).isTrue();
        assertThat(limit.acquire(true, in(50))).isFalse();
        assertThat(limit.inUse()).isEqualTo(2);
        limit.release();
        assertThat(limit.acquire(false, in(50))).isTrue();
    }

    @Test
    void anUrgentCallerTakesTheNextFreeSlotBeforeOrdinaryOnesThatWaitedLonger() throws Exception {
        ConnectionLimit limit = new ConnectionLimit(1);
        assertThat(limit.acquire(false, in(1000))).isTrue();
        AtomicBoolean ordinaryGot = new AtomicBoolean();
        AtomicBoolean urgentGot = new AtomicBoolean();
        Thread ordinary = waiter(limit, false, ordinaryGot);
        assertThat(waitFor(() -> ordinary.getState() == Thread.State.TIMED_WAITING)).isTrue();
        Thread urgent = waiter(limit, true, urgentGot);
        assertThat(waitFor(() -> urgent.getState() == Thread.State.TIMED_WAITING)).isTrue();

        limit.release();
        urgent.join(5_000);
        assertThat(urgentGot).isTrue();
        assertThat(ordinaryGot).as("still waiting: the urgent call holds the only slot").isFalse();
        limit.release();
        ordinary.join(5_000);
        assertThat(ordinaryGot).isTrue();
    }

    private static Thread waiter(ConnectionLimit limit, boolean urgent, AtomicBoolean got) {
        Thread t = new Thread(() -> {
            try {
                got.set(limit.acquire(urgent, in(10_000)));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        t.setDaemon(true);
        t.start();
        return t;
    }

    private static boolean waitFor(BooleanSupplier condition) throws Exception {
        return Await.within(5_000, condition::getAsBoolean);
    }
}
