package org.jckpool.connector.net;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/** Records what the connector reports, for tests to wait on. */
final class RecordingClientEventSink implements ClientEventSink {
    record Event(String kind, long id, String text, byte[] bytes, int port, int server) {
    }

    final BlockingQueue<Event> events = new LinkedBlockingQueue<>();
    final AtomicInteger connects = new AtomicInteger();
    final AtomicInteger disconnects = new AtomicInteger();
    /** When true, connected/disconnected events are counted but not queued (for tests with many clients). */
    volatile boolean countOnly;

    @Override
    public void connected(long id, String ip, int port, int serverIndex) {
        connects.incrementAndGet();
        if (!countOnly) {
            events.add(new Event("C", id, ip, null, port, serverIndex));
        }
    }

    @Override
    public void line(long id, byte[] utf8, int offset, int length) {
        byte[] copy = Arrays.copyOfRange(utf8, offset, offset + length);
        events.add(new Event("L", id, new String(copy, StandardCharsets.UTF_8), copy, 0, 0));
    }

    @Override
    public void disconnected(long id, String reason) {
        disconnects.incrementAndGet();
        if (!countOnly) {
            events.add(new Event("D", id, reason, null, 0, 0));
        }
    }

    @Override
    public void drained(long id) {
        events.add(new Event("E", id, null, null, 0, 0));
    }

    Event next(String kind) throws InterruptedException {
        Event e = events.poll(10, TimeUnit.SECONDS);
        assertThat(e).as("expected a " + kind + " event within 10 s").isNotNull();
        assertThat(e.kind()).as("event " + e).isEqualTo(kind);
        return e;
    }

    void expectNothing(long millis) throws InterruptedException {
        assertThat(events.poll(millis, TimeUnit.MILLISECONDS)).isNull();
    }
}
