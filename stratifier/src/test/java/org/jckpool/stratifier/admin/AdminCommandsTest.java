package org.jckpool.stratifier.admin;

import org.jckpool.stratifier.status.FoundBlocks;
import org.jckpool.stratifier.status.NetworkState;
import org.jckpool.stratifier.status.SnapshotBuilder;
import org.jckpool.stratifier.status.SnapshotPoolView;

import org.jckpool.stratifier.share.SolutionOutcome;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.jckpool.libpool.ipc.CommandTable;
import org.jckpool.libpool.json.Json;
import org.jckpool.stratifier.engine.RecordingOutbound;
import org.jckpool.stratifier.engine.StratumEngine;
import org.jckpool.stratifier.engine.Vectors;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class AdminCommandsTest {
    private final List<String> done = new ArrayList<>();
    private final CommandTable table = new CommandTable();

    AdminCommandsTest() {
        StratumEngine engine = new StratumEngine(Vectors.config(1, 1), new RecordingOutbound(), s -> SolutionOutcome.SUBMITTED, Clock.systemUTC());
        engine.onConnect(5, "127.0.0.1:4000", 0);
        FoundBlocks blocks = new FoundBlocks();
        SnapshotPoolView view = new SnapshotPoolView(new SnapshotBuilder(engine, new NetworkState(), blocks,
                Instant.now()), blocks);
        new AdminCommands(view, new AdminCommands.Actions() {
            @Override
            public void update() {
                done.add("update");
            }

            @Override
            public void reconnectAll(String host, int port) {
                done.add("reconnect " + host + " " + port);
            }

            @Override
            public boolean dropClient(long id) {
                done.add("drop " + id);
                return id == 5;
            }

            @Override
            public int dropAll() {
                done.add("dropall");
                return 1;
            }

            @Override
            public void resetBestShares() {
                done.add("resetshares");
            }

            @Override
            public ObjectNode processStats() {
                return Json.object().put("connector_connected", true);
            }

            @Override
            public long uptimeSeconds() {
                return 3;
            }
        }, () -> Json.object().put("process", "stratifier")).register(table);
    }

    private JsonNode json(String request) {
        return Json.parseOrNull(table.handle(request));
    }

    @Test
    void textCommands() {
        assertThat(table.handle("update")).isEqualTo("success");
        assertThat(table.handle("reconnect")).isEqualTo("success");
        assertThat(table.handle("reconnect=pool.example:3334")).isEqualTo("success");
        assertThat(table.handle("reconnect=[::1]:3334")).isEqualTo("success");
        assertThat(table.handle("reconnect=nohost")).startsWith("failed");
        assertThat(table.handle("reconnect=h:99999")).startsWith("failed");
        assertThat(table.handle("dropclient=5")).isEqualTo("success");
        assertThat(table.handle("dropclient=6")).startsWith("failed");
        assertThat(table.handle("dropclient=x")).startsWith("failed");
        assertThat(table.handle("dropall")).isEqualTo("dropped 1");
        assertThat(table.handle("resetshares")).isEqualTo("success");
        assertThat(done).containsExactly("update", "reconnect null 0", "reconnect pool.example 3334",
                "reconnect ::1 3334", "drop 5", "drop 6", "dropall", "resetshares");
    }

    @Test
    void jsonMethods() {
        JsonNode stats = json("{\"method\":\"stats\"}");
        assertThat(stats.path("process").asText()).isEqualTo("stratifier");
        assertThat(stats.path("clients").asInt()).isEqualTo(1);
        assertThat(stats.path("connector_connected").asBoolean()).isTrue();
        assertThat(stats.has("hashrate")).isTrue();
        assertThat(json("{\"method\":\"clients\"}").get(0).path("address").asText()).isEqualTo("127.0.0.1:4000");
        assertThat(json("{\"method\":\"getclient\",\"params\":{\"id\":5}}").path("id").asLong()).isEqualTo(5);
        assertThat(json("{\"method\":\"getclient\",\"params\":{\"id\":\"9\"}}").path("error").asText())
                .contains("unknown client");
        assertThat(json("{\"method\":\"getclient\",\"params\":{}}").path("error").asText()).contains("params.id");
        assertThat(json("{\"method\":\"getuser\",\"params\":{\"user\":\"bob\"}}").path("error").asText())
                .contains("unknown user");
        assertThat(json("{\"method\":\"getworker\",\"params\":{\"worker\":5}}").path("error").asText())
                .contains("params.worker");
        assertThat(json("{\"method\":\"uptime\"}").path("uptime").asLong()).isEqualTo(3);
        assertThat(json("{\"method\":\"dropclient\",\"params\":{\"id\":5}}").path("dropped").asBoolean()).isTrue();
        assertThat(json("{\"method\":\"users\"}").isArray()).isTrue();
        assertThat(json("{\"method\":\"workers\"}").isArray()).isTrue();
        assertThat(json("{\"method\":\"poolstats\"}").path("clients").asInt()).isEqualTo(1);
    }
}
