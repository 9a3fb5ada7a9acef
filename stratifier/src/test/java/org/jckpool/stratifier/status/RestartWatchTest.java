package org.jckpool.stratifier.status;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.jckpool.libpool.ipc.ControlServer;
import org.jckpool.libpool.json.Json;
import org.junit.jupiter.api.Test;

class RestartWatchTest {

    @Test
    void reportsEachIncreaseOnceAndCatchesUpAtTheFirstPoll() {
        List<String> seen = new ArrayList<>();
        RestartWatch w = new RestartWatch(Path.of("/nonexistent"), seen::add);
        w.apply(Json.parseOrNull("{\"generator\":0,\"stratifier\":1,\"connector\":2}"));
        assertThat(seen).containsExactly("stratifier", "connector", "connector");
        seen.clear();
        w.apply(Json.parseOrNull("{\"generator\":0,\"stratifier\":1,\"connector\":2}"));
        assertThat(seen).isEmpty();
        w.apply(Json.parseOrNull("{\"generator\":1,\"stratifier\":1,\"connector\":3}"));
        assertThat(seen).containsExactly("generator", "connector");
    }

    @Test
    void ignoresJunkAndTreatsAFallAsAFreshStart() {
        List<String> seen = new ArrayList<>();
        RestartWatch w = new RestartWatch(Path.of("/nonexistent"), seen::add);
        w.apply(Json.parseOrNull("{\"connector\":3,\"x\":\"many\",\"y\":-4}"));
        seen.clear();
        w.apply(Json.parseOrNull("{\"connector\":1}"));
        assertThat(seen).containsExactly("connector");
    }

    @Test
    void pollsARealListenerSocketAndReportsTheRoundTrip() throws Exception {
        Path socket = Files.createTempDirectory("rw").resolve("listener");
        List<String> seen = new ArrayList<>();
        List<Duration> trips = new ArrayList<>();
        ControlServer listener = ControlServer.open(socket,
                req -> req.contains("restarts") ? "{\"generator\":0,\"stratifier\":0,\"connector\":2}" : null);
        try {
            new RestartWatch(socket, seen::add, trips::add).poll();
        } finally {
            listener.close();
        }
        assertThat(seen).containsExactly("connector", "connector");
        assertThat(trips).hasSize(1);
        assertThat(trips.get(0)).isPositive().isLessThan(Duration.ofSeconds(1));
    }

    @Test
    void aMissingListenerIsNoError() throws Exception {
        List<String> seen = new ArrayList<>();
        new RestartWatch(Files.createTempDirectory("rw").resolve("listener"), seen::add).poll();
        assertThat(seen).isEmpty();
    }
}
