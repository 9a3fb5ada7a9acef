package org.jckpool.testminer.load;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/** Counters of a load run, updated by the selector threads. */
final class LoadStats {
    final AtomicLong connected = new AtomicLong();
    final AtomicLong connectFailed = new AtomicLong();
    final AtomicLong subscribed = new AtomicLong();
    final AtomicLong authorized = new AtomicLong();
    final AtomicLong authFailed = new AtomicLong();
    final AtomicLong ready = new AtomicLong();
    final AtomicLong disconnects = new AtomicLong();
    final AtomicLong sent = new AtomicLong();
    final AtomicLong answered = new AtomicLong();
    final AtomicLong outstanding = new AtomicLong();
    final AtomicLong accepted = new AtomicLong();
    final AtomicLong rejected = new AtomicLong();
    /** Replies to no request of ours that is waiting: a request answered twice, or a stranger's reply. */
    final AtomicLong strayReplies = new AtomicLong();
    final AtomicLong malformed = new AtomicLong();
    final AtomicLong notifies = new AtomicLong();
    final AtomicLong reconnectRequests = new AtomicLong();
    final AtomicLong noReadyConnection = new AtomicLong();
    final AtomicLong grindFailed = new AtomicLong();
    final AtomicLong lastReadyNanos = new AtomicLong();
    final AtomicLong lastAnswerNanos = new AtomicLong();
    private final Map<String, LongAdder> rejectReasons = new ConcurrentHashMap<>();

    void rejected(String reason) {
        rejected.incrementAndGet();
        rejectReasons.computeIfAbsent(reason, r -> new LongAdder()).increment();
    }

    Map<String, Long> rejectReasons() {
        Map<String, Long> out = new TreeMap<>();
        rejectReasons.forEach((k, v) -> out.put(k, v.sum()));
        return out;
    }
}
