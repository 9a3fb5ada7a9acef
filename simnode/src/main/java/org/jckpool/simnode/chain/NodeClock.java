package org.jckpool.simnode.chain;

/**
 * The node's notion of "now" in Unix seconds. Real time by default; tests fix it (like Core's -mocktime)
 * through {@link SimNodeOptions#fixedTime} or the admin RPC {@code simnode.settime}.
 */
public final class NodeClock {
    private volatile long fixedSeconds;

    public NodeClock(long fixedSeconds) {
        this.fixedSeconds = fixedSeconds;
    }

    /** Current node time in seconds. */
    public long now() {
        long fixed = fixedSeconds;
        return fixed > 0 ? fixed : System.currentTimeMillis() / 1000L;
    }

    /** Fixes the clock at {@code seconds}; 0 returns to real time. */
    public void set(long seconds) {
        if (seconds < 0) {
            throw new IllegalArgumentException("time must be >= 0");
        }
        fixedSeconds = seconds;
    }

    public boolean isFixed() {
        return fixedSeconds > 0;
    }
}
