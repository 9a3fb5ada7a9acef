package org.jckpool.webapi.http;

import java.time.Instant;
import java.util.ArrayDeque;
import java.util.List;
import org.jckpool.webapi.view.Hashrates;

/** A bounded ring of pool hashrate samples for the dashboard chart, oldest first. */
final class HashrateHistory {

    record Sample(Instant time, Hashrates hashrate) {
    }

    private final int capacity;
    private final ArrayDeque<Sample> samples;

    HashrateHistory(int capacity) {
        this.capacity = capacity;
        this.samples = new ArrayDeque<>(capacity);
    }

    synchronized void add(Instant time, Hashrates hashrate) {
        if (samples.size() == capacity) {
            samples.removeFirst();
        }
        samples.addLast(new Sample(time, hashrate));
    }

    synchronized List<Sample> samples() {
        return List.copyOf(samples);
    }
}
