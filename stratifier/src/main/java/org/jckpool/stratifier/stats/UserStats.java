package org.jckpool.stratifier.stats;

import java.util.Collection;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/** Statistics of one user (the part of the worker name before the first '.' or '_') and its workers. */
public final class UserStats extends ShareTally {
    private final String name;
    private final ConcurrentMap<String, WorkerStats> workers = new ConcurrentHashMap<>();
    private volatile long authorisedMillis;

    public UserStats(String name, long nowMillis) {
        super(nowMillis);
        this.name = name;
    }

    public String name() {
        return name;
    }

    public WorkerStats worker(String workerName, long nowMillis) {
        return workers.computeIfAbsent(workerName, n -> new WorkerStats(n, nowMillis));
    }

    public Collection<WorkerStats> workers() {
        return workers.values();
    }

    public void authorised(long nowMillis) {
        authorisedMillis = nowMillis;
    }

    public long authorisedMillis() {
        return authorisedMillis;
    }
}
