package org.jckpool.listener;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Optional;

/**
 * Decides what to do when a child dies: restart after a back-off that doubles with each recent death (250 ms,
 * 500 ms, 1 s … at most 5 s), or give up when it died {@code maxDeaths} times within {@code window}. A policy made
 * {@link #restartingFirstAtOnce} restarts after the first death in the window without waiting (the connector:
 * its miners wait in the listening sockets' backlog meanwhile), then backs off from 250 ms as above.
 */
final class RestartPolicy {
    static final Duration FIRST_DELAY = Duration.ofMillis(250);
    static final Duration MAX_DELAY = Duration.ofSeconds(5);

    private final int maxDeaths;
    private final long windowMs;
    private final Deque<Long> deaths = new ArrayDeque<>();
    private final boolean firstAtOnce;

    RestartPolicy(int maxDeaths, Duration window) {
        this(maxDeaths, window, false);
    }

    private RestartPolicy(int maxDeaths, Duration window, boolean firstAtOnce) {
        this.maxDeaths = maxDeaths;
        this.windowMs = window.toMillis();
        this.firstAtOnce = firstAtOnce;
    }

    static RestartPolicy restartingFirstAtOnce(int maxDeaths, Duration window) {
        return new RestartPolicy(maxDeaths, window, true);
    }

    /** Records a death at {@code nowMs}; the delay before restarting, or empty to give up. */
    synchronized Optional<Duration> onDeath(long nowMs) {
        deaths.addLast(nowMs);
        while (!deaths.isEmpty() && deaths.peekFirst() <= nowMs - windowMs) {
            deaths.removeFirst();
        }
        int recent = deaths.size();
        if (recent >= maxDeaths) {
            return Optional.empty();
        }
        if (firstAtOnce && recent == 1) {
            return Optional.of(Duration.ZERO);
        }
        int doublings = firstAtOnce ? recent - 2 : recent - 1;
        long delay = FIRST_DELAY.toMillis() << Math.min(doublings, 16);
        return Optional.of(Duration.ofMillis(Math.min(delay, MAX_DELAY.toMillis())));
    }

    synchronized int recentDeaths() {
        return deaths.size();
    }

    int maxDeaths() {
        return maxDeaths;
    }

    Duration window() {
        return Duration.ofMillis(windowMs);
    }
}
