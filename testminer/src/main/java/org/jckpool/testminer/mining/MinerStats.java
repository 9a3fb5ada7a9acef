package org.jckpool.testminer.mining;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/** Counters shared by the hashing threads and the connection thread. */
public final class MinerStats {
    private final long startNanos = System.nanoTime();
    private final LongAdder hashes = new LongAdder();
    private final AtomicLong found = new AtomicLong();
    private final AtomicLong submitted = new AtomicLong();
    private final AtomicLong accepted = new AtomicLong();
    private final AtomicLong rejected = new AtomicLong();
    private final AtomicLong stale = new AtomicLong();
    private final AtomicLong blocks = new AtomicLong();
    private final AtomicLong disconnects = new AtomicLong();
    private final AtomicLong malformed = new AtomicLong();
    private final Map<String, LongAdder> rejectReasons = new ConcurrentHashMap<>();
    private long windowNanos = startNanos;
    private long windowHashes;

    public void addHashes(long n) {
        hashes.add(n);
    }

    public void shareFound() {
        found.incrementAndGet();
    }

    public void submitted() {
        submitted.incrementAndGet();
    }

    /** Returns the new accepted count. */
    public long accepted() {
        return accepted.incrementAndGet();
    }

    public void rejected(String reason) {
        rejected.incrementAndGet();
        rejectReasons.computeIfAbsent(reason, r -> new LongAdder()).increment();
    }

    public void stale() {
        stale.incrementAndGet();
    }

    public void block() {
        blocks.incrementAndGet();
    }

    public void disconnect() {
        disconnects.incrementAndGet();
    }

    public void malformed() {
        malformed.incrementAndGet();
    }

    public long hashes() {
        return hashes.sum();
    }

    public long acceptedCount() {
        return accepted.get();
    }

    public long rejectedCount() {
        return rejected.get();
    }

    public long submittedCount() {
        return submitted.get();
    }

    public long foundCount() {
        return found.get();
    }

    public long staleCount() {
        return stale.get();
    }

    public long blockCount() {
        return blocks.get();
    }

    public long disconnectCount() {
        return disconnects.get();
    }

    public long malformedCount() {
        return malformed.get();
    }

    public Map<String, Long> rejectReasons() {
        Map<String, Long> out = new TreeMap<>();
        rejectReasons.forEach((k, v) -> out.put(k, v.sum()));
        return out;
    }

    public double elapsedSeconds() {
        return (System.nanoTime() - startNanos) / 1e9;
    }

    /** Average hash rate since start. */
    public double averageHashrate() {
        double s = elapsedSeconds();
        return s > 0 ? hashes() / s : 0;
    }

    /** Hash rate since the previous call (or since start). */
    public synchronized double windowHashrate() {
        long now = System.nanoTime();
        long h = hashes();
        double s = (now - windowNanos) / 1e9;
        double rate = s > 0 ? (h - windowHashes) / s : 0;
        windowNanos = now;
        windowHashes = h;
        return rate;
    }
}
