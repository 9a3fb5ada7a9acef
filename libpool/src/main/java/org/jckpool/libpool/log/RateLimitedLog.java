package org.jckpool.libpool.log;

/** Logs one message per interval and counts the ones it held back, so a flood cannot fill the log. */
public final class RateLimitedLog {
    private final int level;
    private final long intervalNanos;
    private long lastNanos;
    private boolean logged;
    private long suppressed;

    public RateLimitedLog(int level, long intervalNanos) {
        this.level = level;
        this.intervalNanos = intervalNanos;
    }

    /** Logs the message unless one was logged less than an interval ago. Returns whether it logged. */
    public synchronized boolean log(long nowNanos, String message) {
        if (logged && nowNanos - lastNanos < intervalNanos) {
            suppressed++;
            return false;
        }
        String text = suppressed > 0 ? message + " (" + suppressed + " similar events not logged)" : message;
        Log.log(level, "%s", text);
        logged = true;
        lastNanos = nowNanos;
        suppressed = 0;
        return true;
    }
}
