package org.jckpool.testminer.load;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Block-change fan-out: for each new prevhash that arrives in a clean notify on a connection that already had
 * a job, the time of the first and last connection to receive it, and how many did.
 */
final class FanOutTracker {
    /** One block change as seen across connections. */
    record Change(String prevHash, long firstNanos, long lastNanos, int connections) {
        double spreadMillis() {
            return (lastNanos - firstNanos) / 1e6;
        }
    }

    /** Wall-clock time (ms since the epoch) minus nanoTime in ms: turns arrival stamps into times other logs use. */
    private final double wallOffsetMillis = System.currentTimeMillis() - System.nanoTime() / 1e6;

    /** An arrival stamp (System.nanoTime) as wall-clock milliseconds since the epoch. */
    long epochMillis(long nanos) {
        return Math.round(wallOffsetMillis + nanos / 1e6);
    }

    private static final class Acc {
        long first = Long.MAX_VALUE;
        long last = Long.MIN_VALUE;
        int count;
    }

    private final Map<String, Acc> changes = new ConcurrentHashMap<>();

    void seen(String prevHash, long nanos) {
        Acc a = changes.computeIfAbsent(prevHash, k -> new Acc());
        synchronized (a) {
            a.first = Math.min(a.first, nanos);
            a.last = Math.max(a.last, nanos);
            a.count++;
        }
    }

    /** Block changes in the order they began. */
    List<Change> changes() {
        List<Change> out = new ArrayList<>();
        changes.forEach((k, a) -> {
            synchronized (a) {
                out.add(new Change(k, a.first, a.last, a.count));
            }
        });
        out.sort(Comparator.comparingLong(Change::firstNanos));
        return out;
    }
}
