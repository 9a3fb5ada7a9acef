package org.jckpool.testminer.work;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class HashRateLimiterTest {
    @Test
    void pacesToTheGivenRate() {
        long start = System.nanoTime(); // the schedule starts when the limiter is made
        HashRateLimiter limiter = new HashRateLimiter(20_000);
        assertThat(limiter.batchSize()).isEqualTo(200);
        for (int i = 0; i < 40; i++) {
            limiter.pace(limiter.batchSize()); // 8000 hashes at 20000 H/s = 0.4 s
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        assertThat(seconds).isBetween(0.35, 1.5);
    }

    @Test
    void doesNotBurstToCatchUpAfterFallingBehind() throws InterruptedException {
        HashRateLimiter limiter = new HashRateLimiter(20_000);
        limiter.pace(limiter.batchSize());
        Thread.sleep(500); // behind by ~10000 hashes, e.g. a stopped or starved thread
        long start = System.nanoTime();
        for (int i = 0; i < 40; i++) {
            limiter.pace(limiter.batchSize()); // 8000 hashes at 20000 H/s = 0.4 s, less at most 0.1 s of lag
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        assertThat(seconds).as("paced, not a catch-up burst").isGreaterThan(0.25);
    }

    @Test
    void unlimitedNeverSleeps() {
        HashRateLimiter limiter = new HashRateLimiter(0);
        long start = System.nanoTime();
        for (int i = 0; i < 1000; i++) {
            limiter.pace(1_000_000);
        }
        assertThat((System.nanoTime() - start) / 1e9).isLessThan(0.2);
    }
}
