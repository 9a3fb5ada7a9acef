package org.jckpool.stratifier.stats;

/** Combined statistics of every connection that authorised with the same full worker name. */
public final class WorkerStats extends ShareTally {
    private final String name;

    public WorkerStats(String name, long nowMillis) {
        super(nowMillis);
        this.name = name;
    }

    public String name() {
        return name;
    }
}
