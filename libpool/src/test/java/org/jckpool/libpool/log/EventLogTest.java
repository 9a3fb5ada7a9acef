package org.jckpool.libpool.log;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EventLogTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-11-26T05:01:02.345Z"), ZoneOffset.UTC);

    private static List<JsonNode> lines(Path file) throws Exception {
        List<JsonNode> nodes = new ArrayList<>();
        for (String line : Files.readAllLines(file)) {
            nodes.add(JSON.readTree(line));
        }
        return nodes;
    }

    @Test
    void writesOneJsonObjectPerLineWithTypeTimeAndProcess() throws Exception {
        Path dir = Files.createTempDirectory("eventlog").resolve("logs");
        try (EventLog log = EventLog.open(dir, "stratifier", CLOCK)) {
            assertThat(log.file()).isEqualTo(dir.resolve("stratifier.events.jsonl"));
            log.event(EventLog.SHARE_REJECTED, "worker", "alice.rig1", "reason", "stale", "diff", 42.5);
            log.event(EventLog.BLOCK_FOUND, Map.of("height", 871234, "hash", "00ab"));
            log.event(EventLog.CLIENT_CONNECT, "address", "127.0.0.1:5000\n\"x\"", "at", Instant.EPOCH,
                    "event", "ignored", "tags", List.of("a", "b"));
        }
        List<JsonNode> events = lines(dir.resolve("stratifier.events.jsonl"));
        assertThat(events).hasSize(3);
        JsonNode first = events.get(0);
        assertThat(first.get("ts").asText()).isEqualTo("2026-11-26T05:01:02.345Z");
        assertThat(first.get("event").asText()).isEqualTo("share_rejected");
        assertThat(first.get("process").asText()).isEqualTo("stratifier");
        assertThat(first.get("worker").asText()).isEqualTo("alice.rig1");
        assertThat(first.get("diff").asDouble()).isEqualTo(42.5);
        assertThat(events.get(1).get("height").asInt()).isEqualTo(871234);
        JsonNode third = events.get(2);
        assertThat(third.get("address").asText()).isEqualTo("127.0.0.1:5000\n\"x\"");
        assertThat(third.get("at").asText()).isEqualTo("1970-01-01T00:00:00.000Z");
        assertThat(third.get("event").asText()).isEqualTo("client_connect");
        assertThat(third.get("tags").size()).isEqualTo(2);
    }

    @Test
    void appendsAcrossReopens() throws Exception {
        Path dir = Files.createTempDirectory("eventlog");
        try (EventLog log = EventLog.open(dir, "ckpool", CLOCK)) {
            log.event(EventLog.CHILD_RESTART, "child", "generator", "exitCode", 1);
        }
        try (EventLog log = EventLog.open(dir, "ckpool", CLOCK)) {
            log.event(EventLog.NODE_FAILOVER, "from", "http://a", "to", "http://b");
        }
        assertThat(lines(dir.resolve("ckpool.events.jsonl"))).extracting(n -> n.get("event").asText())
                .containsExactly("child_restart", "node_failover");
    }

    @Test
    void disabledWritesNothingAndBadCallsAreRefused() throws Exception {
        Path dir = Files.createTempDirectory("eventlog");
        EventLog off = EventLog.forConfig(false, dir, "stratifier");
        off.event(EventLog.BLOCK_FOUND, "height", 1);
        off.close();
        assertThat(off.enabled()).isFalse();
        try (var files = Files.list(dir)) {
            assertThat(files).isEmpty();
        }
        try (EventLog on = EventLog.forConfig(true, dir, "stratifier")) {
            assertThatThrownBy(() -> on.event("x", "lonely")).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("pairs");
        }
        assertThatThrownBy(() -> EventLog.open(dir, "../evil")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void unwritableValuesAreKeptAsText() throws Exception {
        Path dir = Files.createTempDirectory("eventlog");
        Object opaque = new Object() {
            @Override
            public String toString() {
                return "opaque-thing";
            }
        };
        try (EventLog log = EventLog.open(dir, "p", CLOCK)) {
            log.event("custom", "thing", opaque, "n", 1);
        }
        JsonNode line = lines(dir.resolve("p.events.jsonl")).get(0);
        assertThat(line.get("thing").asText()).isEqualTo("opaque-thing");
        assertThat(line.get("n").asText()).isEqualTo("1");
    }

    @Test
    void concurrentWritersNeverInterleaveLines() throws Exception {
        Path dir = Files.createTempDirectory("eventlog");
        try (EventLog log = EventLog.open(dir, "p", CLOCK)) {
            List<Thread> threads = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                int id = t;
                Thread thread = new Thread(() -> {
                    for (int i = 0; i < 250; i++) {
                        log.event("share_rejected", "thread", id, "i", i, "pad", "x".repeat(300));
                    }
                });
                threads.add(thread);
                thread.start();
            }
            for (Thread thread : threads) {
                thread.join();
            }
        }
        List<JsonNode> events = lines(dir.resolve("p.events.jsonl"));
        assertThat(events).hasSize(1000).allSatisfy(e -> assertThat(e.get("pad").asText()).hasSize(300));
    }
}
