package org.jckpool.stratifier.admin;

import com.fasterxml.jackson.databind.JsonNode;
import org.jckpool.libpool.ipc.CommandTable;
import org.jckpool.libpool.json.Json;
import org.jckpool.stratifier.engine.EngineHarness;
import org.jckpool.stratifier.engine.Vectors;
import org.jckpool.stratifier.status.FoundBlocks;
import org.jckpool.stratifier.status.NetworkState;
import org.jckpool.stratifier.status.SnapshotBuilder;
import org.jckpool.stratifier.status.SnapshotPoolView;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The stratifier's answers to the text requests ckpool's ckpmsg sends, in ckpool's JSON forms. */
class CkpoolApiTest {
    private static final String W1 = Vectors.MAIN_ADDR + ".rig1";
    private static final String W2 = Vectors.MAIN_ADDR + "_rig2";

    private final CommandTable table = new CommandTable();
    private final EngineHarness h = new EngineHarness(Vectors.config(1, 1), Vectors.C_TIME);
    private final SnapshotPoolView view;

    CkpoolApiTest() {
        h.engine.onTemplate(Vectors.templateC());
        h.miner(1, W1, false);
        h.miner(2, W2, false);
        FoundBlocks blocks = new FoundBlocks();
        view = new SnapshotPoolView(new SnapshotBuilder(h.engine, new NetworkState(), blocks,
                Instant.ofEpochSecond(Vectors.C_TIME)), blocks);
        view.refresh(h.clock.millis());
        new CkpoolApi(view, h.engine, h.clock).register(table);
    }

    private JsonNode ask(String request) {
        JsonNode n = Json.parseOrNull(table.handle(request));
        assertThat(n).as(request).isNotNull();
        return n;
    }

    private static List<String> keys(JsonNode n) {
        List<String> k = new ArrayList<>();
        n.fieldNames().forEachRemaining(k::add);
        return k;
    }

    @Test
    void statsCountsObjectsByKindAsCkpoolsStratifierStats() {
        JsonNode s = ask("stats");
        assertThat(keys(s)).containsExactly("users", "clients", "disconnected");
        assertThat(s.path("users").path("count").asInt()).isEqualTo(1);
        assertThat(s.path("clients").path("count").asInt()).isEqualTo(2);
        assertThat(s.path("disconnected").path("count").asInt()).isZero();
    }

    @Test
    void poolstatsHasCkpoolsKeysInItsOrder() {
        JsonNode p = ask("poolstats");
        assertThat(keys(p)).containsExactly("start", "update", "workers", "users", "disconnected", "shares", "sps1",
                "sps5", "sps15", "sps60", "accepted", "rejected", "dsps1", "dsps5", "dsps15", "dsps60", "dsps360",
                "dsps1440", "dsps10080");
        assertThat(p.path("users").asInt()).isEqualTo(1);
        assertThat(p.path("workers").asInt()).isEqualTo(2);
        assertThat(p.path("update").asLong()).isEqualTo(h.clock.millis() / 1000);
        assertThat(p.path("shares").asLong()).isZero();
    }

    @Test
    void usersWorkersAndClientsAreArraysUnderTheirName() {
        JsonNode users = ask("users").path("users");
        assertThat(users).hasSize(1);
        assertThat(users.get(0).path("user").asText()).isEqualTo(Vectors.MAIN_ADDR);
        assertThat(users.get(0).path("workers").asInt()).isEqualTo(2);
        assertThat(keys(users.get(0))).containsExactly("user", "workers", "bestdiff", "dsps1", "dsps5", "dsps60",
                "dsps1440", "dsps10080", "lastshare");

        JsonNode workers = ask("workers").path("workers");
        assertThat(workers).extracting(w -> w.path("worker").asText()).containsExactlyInAnyOrder(W1, W2);
        assertThat(workers.get(0).path("user").asText()).isEqualTo(Vectors.MAIN_ADDR);

        JsonNode clients = ask("clients").path("clients");
        assertThat(clients).extracting(c -> c.path("id").asLong()).containsExactlyInAnyOrder(1L, 2L);
        assertThat(clients.get(0).path("useragent").asText()).isEqualTo("test/1.0");
        assertThat(clients.get(0).path("address").asText()).isEqualTo("127.0.0.1");
    }

    @Test
    void getCommandsTakeCkpoolsJsonArgumentAfterOneSeparator() {
        assertThat(ask("getclient={\"id\":2}").path("workername").asText()).isEqualTo(W2);
        assertThat(ask("getclient={\"id\":9}").path("error").asText()).isEqualTo("Failed to find client 9");
        assertThat(ask("getworker={\"worker\":\"" + W1 + "\"}").path("worker").asText()).isEqualTo(W1);
        assertThat(ask("getuser={\"user\":\"" + Vectors.MAIN_ADDR + "\"}").path("workers").asInt()).isEqualTo(2);
        // ckpool creates a user it does not know and answers with its empty figures
        JsonNode nobody = ask("getuser={\"user\":\"nobody\"}");
        assertThat(nobody.path("user").asText()).isEqualTo("nobody");
        assertThat(nobody.path("workers").asInt()).isZero();
        assertThat(ask("getuser={\"name\":\"x\"}").path("error").asText()).isEqualTo("Failed to find user key");
        assertThat(ask("getuser=not json").path("error").asText()).startsWith("Invalid json after getuser");
        assertThat(ask("getuser").path("error").asText()).startsWith("Invalid json after getuser");
    }
}
