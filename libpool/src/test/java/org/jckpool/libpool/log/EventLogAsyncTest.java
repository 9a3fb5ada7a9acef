package org.jckpool.libpool.log;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class EventLogAsyncTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** A stream whose writes hang until released, like a stuck disk. */
    private static final class StalledStream extends OutputStream {
        final CountDownLatch release = new CountDownLatch(1);
        final CountDownLatch entered = new CountDownLatch(1);

        @Override
        public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            entered.countDown();
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @Test
    void forConfigWritesInTheBackgroundAndCloseFlushesEverything() throws Exception {
        Path dir = Files.createTempDirectory("eventlog-async");
        EventLog log = EventLog.forConfig(true, dir, "connector");
        assertThat(log.asynchronous()).isTrue();
        for (int i = 0; i < 500; i++) {
            log.event(EventLog.CLIENT_CONNECT, "id", i, "address", "127.0.0.1:" + (4000 + i));
        }
        log.close();
        List<String> lines = Files.readAllLines(dir.resolve("connector.events.jsonl"));
        assertThat(lines).hasSize(500);
        JsonNode last = JSON.readTree(lines.get(499));
        assertThat(last.get("event").asText()).isEqualTo("client_connect");
        assertThat(last.get("id").asInt()).isEqualTo(499);
        assertThat(log.queueDropped()).isZero();
    }

    @Test
    void neverBlocksOnAStalledDiskAndCountsWhatItDrops() throws Exception {
        StalledStream stalled = new StalledStream();
        EventLog log = EventLog.asyncOver(stalled, "stratifier", 16);
        log.event(EventLog.SHARE_REJECTED, "reason", "stale");
        assertThat(stalled.entered.await(5, TimeUnit.SECONDS)).isTrue(); // the writer is now stuck in write()
        // an event() that blocked would block for good on the stalled stream: the time limit only turns that into
        // a failure, and is far above what 10,000 events take on a busy machine
        assertTimeoutPreemptively(Duration.ofSeconds(30), () -> {
            for (int i = 0; i < 10_000; i++) {
                log.event(EventLog.SHARE_REJECTED, "reason", "stale", "n", i);
            }
        });
        assertThat(log.queueDropped()).isEqualTo(10_000 - 16);
        stalled.release.countDown();
        log.close();
    }

    @Test
    void callerMayReuseItsMapAfterTheCall() throws Exception {
        Path dir = Files.createTempDirectory("eventlog-async");
        EventLog log = EventLog.forConfig(true, dir, "generator");
        Map<String, Object> fields = new HashMap<>();
        fields.put("height", 1);
        log.event(EventLog.NEW_BLOCK, fields);
        fields.put("height", 2);
        log.close();
        JsonNode line = JSON.readTree(Files.readAllLines(dir.resolve("generator.events.jsonl")).get(0));
        assertThat(line.get("height").asInt()).isEqualTo(1);
    }

    @Test
    void eventsAfterCloseAreCountedNotWritten() throws Exception {
        Path dir = Files.createTempDirectory("eventlog-async");
        EventLog log = EventLog.forConfig(true, dir, "listener");
        log.close();
        log.event(EventLog.PROCESS_STOP);
        assertThat(log.queueDropped()).isEqualTo(1);
        assertThat(Files.readAllLines(dir.resolve("listener.events.jsonl"))).isEmpty();
    }

    @Test
    void globalIsDisabledUntilSet() throws Exception {
        EventLog.setGlobal(null);
        assertThat(EventLog.global().enabled()).isFalse();
        EventLog.global().event(EventLog.BLOCK_FOUND, "height", 1); // no-op, no exception
    }
}
