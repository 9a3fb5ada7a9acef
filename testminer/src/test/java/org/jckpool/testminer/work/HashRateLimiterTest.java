package org.jckpool.testminer.work;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class HashRateLimiterTest {
    @Test
    void pacesToTheGivenRate() {
        HashRateLimiter limiter = new HashRateLimiter(20_000);
        assertThat(limiter.batchSize()).isEqualTo(200);
        long start = System.nanoTime();
        for (int i = 0; i < 40; i++) {
            limiter.pace(limiter.batchSize()); // 8000 hashes at 20000 H/s = 0.4 s
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        assertThat(seconds).isBetween(0.35, 1.5);
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
