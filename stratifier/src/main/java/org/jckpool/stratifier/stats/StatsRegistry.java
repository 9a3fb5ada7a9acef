package org.jckpool.stratifier.stats;

import java.util.Collection;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/** Pool, user and worker statistics of one stratifier. Thread-safe. */
public final class StatsRegistry {
    private final PoolStats pool;
    private final ConcurrentMap<String, UserStats> users = new ConcurrentHashMap<>();

    public StatsRegistry(long nowMillis) {
        pool = new PoolStats(nowMillis);
    }

    public PoolStats pool() {
        return pool;
    }

    public UserStats user(String name, long nowMillis) {
        return users.computeIfAbsent(name, n -> new UserStats(n, nowMillis));
    }

    public UserStats existingUser(String name) {
        return users.get(name);
    }

    public Collection<UserStats> users() {
        return users.values();
    }

    public void accepted(UserStats user, WorkerStats worker, double diff, double shareDiff, long nowMillis) {
        pool.accepted(diff, shareDiff, nowMillis);
        user.accepted(diff, shareDiff, nowMillis);
        worker.accepted(diff, shareDiff, nowMillis);
    }

    public void rejected(UserStats user, WorkerStats worker, double diff, String reason, long nowMillis) {
        pool.rejected(diff, reason, nowMillis);
        if (user != null) {
            user.rejected(diff, reason, nowMillis);
        }
        if (worker != null) {
            worker.rejected(diff, reason, nowMillis);
        }
    }

    /** Best-share tracking for shares that were hashed but not accepted (stale, duplicate). */
    public void best(UserStats user, WorkerStats worker, double shareDiff) {
        pool.best(shareDiff);
        if (user != null) {
            user.best(shareDiff);
        }
        if (worker != null) {
            worker.best(shareDiff);
        }
    }

    /** ckpool's resetshares: the best share of the pool and of every user and worker back to zero. */
    public void resetBestShares() {
        pool.resetBestShare();
        for (UserStats u : users()) {
            u.resetBestShare();
            u.workers().forEach(WorkerStats::resetBestShare);
        }
    }

    /** Folds pending shares of the pool and of every user and worker into their averages (each tick). */
    public void fold(long nowMillis) {
        pool.fold(nowMillis);
        for (UserStats u : users.values()) {
            u.fold(nowMillis);
            for (WorkerStats w : u.workers()) {
                w.fold(nowMillis);
            }
        }
    }

    /** Decays every average that saw no share for a minute (ckpool does this on its stats pass). */
    public void decayIdle(long nowMillis) {
        fold(nowMillis);
        if (nowMillis - pool.lastShareMillis() > 60_000) {
            pool.decay(nowMillis);
        }
        for (UserStats u : users.values()) {
            if (nowMillis - u.lastShareMillis() > 60_000) {
                u.decay(nowMillis);
            }
            for (WorkerStats w : u.workers()) {
                if (nowMillis - w.lastShareMillis() > 60_000) {
                    w.decay(nowMillis);
                }
            }
        }
    }
}
