package org.jckpool.connector.net;

import java.lang.System.Logger;
import java.lang.System.Logger.Level;

/** Logs one message per interval and counts the ones it held back, so a flood cannot fill the log. */
final class RateLimitedLog {
    private final Logger log;
    private final Level level;
    private final long intervalNanos;
    private long lastNanos;
    private boolean logged;
    private long suppressed;

    RateLimitedLog(Logger log, Level level, long intervalNanos) {
        this.log = log;
        this.level = level;
        this.intervalNanos = intervalNanos;
    }

    /** Logs the message unless one was logged less than an interval ago. Returns whether it logged. */
    boolean log(long nowNanos, String message) {
        if (logged && nowNanos - lastNanos < intervalNanos) {
            suppressed++;
            return false;
        }
        String text = suppressed > 0 ? message + " (" + suppressed + " similar events not logged)" : message;
        log.log(level, text);
        logged = true;
        lastNanos = nowNanos;
        suppressed = 0;
        return true;
    }
}
