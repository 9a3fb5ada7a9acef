package org.jckpool.testminer.work;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.offset;

import org.junit.jupiter.api.Test;

class HashRateLimiterTest {
    /** A clock that only moves when the limiter sleeps or the test says so. */
    private static final class FakeClock implements HashRateLimiter.Clock {
        long now = 1_000_000_000L;
        long slept;

        @Override
        public long nanoTime() {
            return now;
        }

        @Override
        public void sleepNanos(long nanos) {
            slept += nanos;
            now += nanos;
        }
    }

    @Test
    void pacesToTheGivenRate() {
        FakeClock clock = new FakeClock();
        HashRateLimiter limiter = new HashRateLimiter(20_000, clock);
        assertThat(limiter.batchSize()).isEqualTo(200);
        for (int i = 0; i < 40; i++) {
            limiter.pace(limiter.batchSize()); // 8000 hashes at 20000 H/s = 0.4 s
        }
        assertThat(clock.slept / 1e9).isCloseTo(0.4, offset(0.001));
    }

    @Test
    void doesNotBurstToCatchUpAfterFallingBehind() {
        FakeClock clock = new FakeClock();
        HashRateLimiter limiter = new HashRateLimiter(20_000, clock);
        limiter.pace(limiter.batchSize());
        clock.now += 500_000_000L; // behind by ~10000 hashes, e.g. a stopped or starved thread
        clock.slept = 0;
        for (int i = 0; i < 40; i++) {
            limiter.pace(limiter.batchSize()); // 8000 hashes at 20000 H/s = 0.4 s, less at most 0.1 s of lag
        }
        assertThat(clock.slept / 1e9).as("paced, not a catch-up burst")
                .isCloseTo(0.4 - HashRateLimiter.MAX_LAG_NANOS / 1e9, offset(0.02));
    }

    @Test
    void unlimitedNeverSleeps() {
        FakeClock clock = new FakeClock();
        HashRateLimiter limiter = new HashRateLimiter(0, clock);
        for (int i = 0; i < 1000; i++) {
            limiter.pace(1_000_000);
        }
        assertThat(clock.slept).isZero();
    }
}
