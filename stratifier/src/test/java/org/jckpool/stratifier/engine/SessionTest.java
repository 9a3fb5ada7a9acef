package org.jckpool.stratifier.engine;

import com.fasterxml.jackson.databind.JsonNode;
import org.jckpool.libpool.bitcoin.Hex;
import org.jckpool.stratifier.vardiff.VardiffConfig;
import org.junit.jupiter.api.Test;

import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

class SessionTest {
    static final String W = Vectors.MAIN_ADDR + ".rig1";

    private EngineHarness harness() {
        EngineHarness h = new EngineHarness(Vectors.config(1, 1), Vectors.C_TIME);
        h.engine.onTemplate(Vectors.templateC());
        return h;
    }

    private JsonNode configure(EngineHarness h, long c, String body) {
        h.line(c, "{\"id\":50,\"method\":\"mining.configure\",\"params\":" + body + "}");
        return h.out.reply(c, 50).get("result");
    }

    @Test
    void versionRollingIsTheIntersectionAndAlwaysAnswered() {
        EngineHarness h = harness();
        h.engine.onConnect(1, "127.0.0.1", 0);
        JsonNode r = configure(h, 1, "[[\"version-rolling\"],{\"version-rolling.mask\":\"ffffffff\"}]");
        assertThat(r.get("version-rolling.mask").asText()).isEqualTo("1fffe000");
        r = configure(h, 1, "[[\"version-rolling\"],{\"version-rolling.mask\":\"00fff000\","
                + "\"version-rolling.min-bit-count\":16}]");
        assertThat(r.get("version-rolling").asBoolean()).isTrue();
        assertThat(r.get("version-rolling.mask").asText()).isEqualTo("00ffe000");
        assertThat(h.engine.session(1).versionMask()).isEqualTo(0x00ffe000);
        r = configure(h, 1, "[[\"version-rolling\"],{\"version-rolling.mask\":\"00001fff\"}]");
        assertThat(r.get("version-rolling").asBoolean()).isFalse();
        assertThat(h.out.drops).isEmpty();
    }

    @Test
    void configureExtensions() {
        EngineHarness h = harness();
        h.engine.onConnect(1, "127.0.0.1", 0);
        JsonNode r = configure(h, 1, "[[\"version-rolling\",\"minimum-difficulty\",\"subscribe-extranonce\","
                + "\"info\",\"x-new\"],{\"version-rolling.mask\":\"1fffe000\",\"minimum-difficulty.value\":64}]");
        assertThat(r.get("version-rolling").asBoolean()).isTrue();
        assertThat(r.get("minimum-difficulty").asBoolean()).isTrue();
        assertThat(r.get("subscribe-extranonce").asBoolean()).isTrue();
        assertThat(r.get("info").asBoolean()).isFalse();
        assertThat(r.get("x-new").asBoolean()).isFalse();
        h.line(1, "{\"id\":2,\"method\":\"mining.subscribe\",\"params\":[]}");
        h.line(1, "{\"id\":3,\"method\":\"mining.authorize\",\"params\":[\"" + W + "\",\"\"]}");
        assertThat(h.out.lastMethod(1, "mining.set_difficulty").get("params").get(0).asDouble()).isEqualTo(64.0);
    }

    @Test
    void suggestDifficultyBeforeAuthorizeIsTheStart() {
        EngineHarness h = harness();
        h.engine.onConnect(1, "127.0.0.1", 0);
        h.line(1, "{\"id\":4,\"method\":\"mining.suggest_difficulty\",\"params\":[0.25]}");
        h.line(1, "{\"id\":2,\"method\":\"mining.subscribe\",\"params\":[]}");
        h.line(1, "{\"id\":3,\"method\":\"mining.authorize\",\"params\":[\"" + W + "\",\"\"]}");
        assertThat(h.out.reply(1, 4).get("result").asBoolean()).isTrue();
        // below mindiff 1: the pool minimum wins
        assertThat(h.out.lastMethod(1, "mining.set_difficulty").get("params").get(0).asDouble()).isEqualTo(1.0);

        EngineHarness frac = new EngineHarness(Vectors.config(0.001, 1), Vectors.C_TIME);
        frac.engine.onTemplate(Vectors.templateC());
        frac.engine.onConnect(1, "127.0.0.1", 0);
        frac.line(1, "{\"id\":4,\"method\":\"mining.suggest_difficulty\",\"params\":[0.25]}");
        frac.line(1, "{\"id\":2,\"method\":\"mining.subscribe\",\"params\":[]}");
        frac.line(1, "{\"id\":3,\"method\":\"mining.authorize\",\"params\":[\"" + W + "\",\"\"]}");
        JsonNode sd = frac.out.lastMethod(1, "mining.set_difficulty");
        assertThat(sd.get("params").get(0).asDouble()).isEqualTo(0.25);
        frac.line(1, "{\"id\":5,\"method\":\"mining.suggest_difficulty\",\"params\":[\"bad\"]}");
        assertThat(frac.out.reply(1, 5).get("error").get(0).asInt()).isEqualTo(20);
    }

    @Test
    void extranonceSubscribeAndUnknownMethods() {
        EngineHarness h = harness();
        h.miner(1, W, false);
        h.line(1, "{\"id\":7,\"method\":\"mining.extranonce.subscribe\",\"params\":[]}");
        assertThat(h.out.reply(1, 7).get("result").asBoolean()).isTrue();
        h.line(1, "{\"id\":8,\"method\":\"mining.get_transactions\",\"params\":[\"1\"]}");
        JsonNode r = h.out.reply(1, 8);
        assertThat(r.get("result").isNull()).isTrue();
        assertThat(r.get("error").get(0).asInt()).isEqualTo(20);
        h.line(1, "{\"id\":\"abc\",\"method\":\"mining.frobnicate\",\"params\":[]}");
        assertThat(h.out.last(1).get("id").asText()).isEqualTo("abc");
        assertThat(h.out.last(1).get("error").get(1).asText()).contains("mining.frobnicate");
        h.line(1, "{\"id\":9,\"result\":\"cgminer/4.11\",\"error\":null}"); // a reply from the miner: ignored
        assertThat(h.out.drops).isEmpty();
    }

    @Test
    void malformedJsonDropsTheClient() {
        EngineHarness h = harness();
        h.engine.onConnect(1, "127.0.0.1", 0);
        h.line(1, "{\"id\":1,\"method\":\"mining.subscribe\",\"params\":[");
        assertThat(h.out.drops).containsKey(1L);
        assertThat(h.out.last(1).get("error").get(0).asInt()).isEqualTo(20);
        h.engine.onConnect(2, "127.0.0.1", 0);
        h.line(2, "[1,2,3]");
        assertThat(h.out.drops).containsKey(2L);
        h.engine.onConnect(3, "127.0.0.1", 0);
        h.line(3, "{\"id\":1,\"method\":\"x\"," + "\"params\":[\"" + "a".repeat(20000) + "\"]}");
        assertThat(h.out.drops).containsKey(3L);
    }

    @Test
    void authorizeRules() {
        EngineHarness h = harness();
        h.engine.onConnect(1, "127.0.0.1", 0);
        h.line(1, "{\"id\":3,\"method\":\"mining.authorize\",\"params\":[\"" + W + "\",\"x\"]}");
        assertThat(h.out.reply(1, 3).get("error").get(0).asInt()).isEqualTo(25);
        h.line(1, "{\"id\":2,\"method\":\"mining.subscribe\",\"params\":[]}");
        h.line(1, "{\"id\":4,\"method\":\"mining.authorize\",\"params\":[\".rig\",\"x\"]}");
        assertThat(h.out.reply(1, 4).get("result").asBoolean()).isFalse();
        h.line(1, "{\"id\":5,\"method\":\"mining.authorize\",\"params\":[\"anyname.rig\",\"x\"]}");
        assertThat(h.out.reply(1, 5).get("result").asBoolean()).isTrue();
        assertThat(h.engine.session(1).userName()).isEqualTo("anyname");
    }

    /** Method name or "id:N" of everything one client received, in order. */
    private static java.util.List<String> sequence(EngineHarness h, long c) {
        java.util.List<String> out = new java.util.ArrayList<>();
        for (JsonNode n : h.out.received(c)) {
            out.add(n.path("method").isTextual() ? n.get("method").asText() : "id:" + n.path("id").asText());
        }
        return out;
    }

    @Test
    void workFollowsTheSubscribeResultBeforeAnyAuthorize() {
        EngineHarness h = harness();
        h.engine.onConnect(1, "127.0.0.1", 0);
        h.line(1, "{\"id\":2,\"method\":\"mining.subscribe\",\"params\":[\"cgminer/4.11\"]}");
        // ckpool's order: a ckpool proxy reads nothing after its authorize reply, so work must come now
        assertThat(sequence(h, 1)).containsExactly("id:2", "mining.set_difficulty", "mining.notify");
        assertThat(h.out.lastMethod(1, "mining.set_difficulty").get("params").get(0).asDouble()).isEqualTo(1.0);
        JsonNode notify = h.out.lastMethod(1, "mining.notify");
        assertThat(notify.get("params").get(8).asBoolean()).isTrue();
        String job = notify.get("params").get(0).asText();
        // a share before authorize is still refused
        JsonNode r = h.submit(1, 7, W, job, "00000000", "662307b7", "00000000", null);
        assertThat(r.get("error").get(0).asInt()).isEqualTo(24);
        assertThat(r.get("reject-reason").asText()).isEqualTo("Unauthorized worker");
        // authorize adds only its reply: no second clean notify, no repeated difficulty
        h.line(1, "{\"id\":3,\"method\":\"mining.authorize\",\"params\":[\"" + W + "\",\"x\"]}");
        assertThat(sequence(h, 1)).containsExactly("id:2", "mining.set_difficulty", "mining.notify", "id:7", "id:3");
        // the work sent before authorize is the authorised worker's work
        h.engine.onTemplate(Vectors.templateC());
        assertThat(sequence(h, 1)).endsWith("mining.notify");
    }

    @Test
    void aClientSubscribedBeforeTheFirstTemplateGetsWorkWithIt() {
        EngineHarness h = new EngineHarness(Vectors.config(1, 1), Vectors.C_TIME);
        h.engine.onConnect(1, "127.0.0.1", 0);
        h.line(1, "{\"id\":2,\"method\":\"mining.subscribe\",\"params\":[]}");
        assertThat(sequence(h, 1)).containsExactly("id:2");
        h.engine.onTemplate(Vectors.templateC());
        assertThat(sequence(h, 1)).containsExactly("id:2", "mining.set_difficulty", "mining.notify");
        assertThat(h.engine.session(1).workSent()).isTrue();
    }

    @Test
    void soloWorkWaitsForAuthorize() {
        EngineConfig cfg = EngineConfig.of(Vectors.work(), new VardiffConfig(1, 1, 0), 0x1fffe000, true, null,
                Vectors.RESOLVER);
        EngineHarness h = new EngineHarness(cfg, Vectors.C_TIME);
        h.engine.onTemplate(Vectors.templateC());
        h.engine.onConnect(1, "127.0.0.1", 0);
        h.line(1, "{\"id\":2,\"method\":\"mining.subscribe\",\"params\":[]}");
        assertThat(sequence(h, 1)).containsExactly("id:2"); // the coinbase pays the user: nothing to mine yet
        h.line(1, "{\"id\":3,\"method\":\"mining.authorize\",\"params\":[\"1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa\",\"x\"]}");
        assertThat(sequence(h, 1)).containsExactly("id:2", "id:3", "mining.set_difficulty", "mining.notify");
    }

    @Test
    void soloModeNeedsAnAddressAndPaysIt() {
        EngineConfig cfg = EngineConfig.of(Vectors.work(), new VardiffConfig(1, 1, 0), 0x1fffe000, true, null,
                Vectors.RESOLVER);
        EngineHarness h = new EngineHarness(cfg, Vectors.C_TIME);
        h.engine.onTemplate(Vectors.templateC());
        h.miner(1, "notanaddress.rig", false);
        assertThat(h.out.reply(1, 3).get("result").asBoolean()).isFalse();
        assertThat(h.out.reply(1, 3).get("error").get(1).asText()).contains("notanaddress");
        h.miner(2, "1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa_rig", false);
        assertThat(h.out.reply(2, 3).get("result").asBoolean()).isTrue();
        String coinb2 = h.out.lastMethod(2, "mining.notify").get("params").get(3).asText();
        assertThat(coinb2).contains("1976a91462e907b15cbf27d5425399ebf6f0fb50ebb88f1888ac");
        h.engine.onTemplate(Vectors.templateC());
        assertThat(h.out.lastMethod(2, "mining.notify").get("params").get(3).asText()).isEqualTo(coinb2);
    }

    @Test
    void sessionResumeGivesTheSameExtranonceForTenMinutes() {
        EngineHarness h = harness();
        h.miner(1, W, false);
        h.miner(2, W, false);
        String en1 = h.out.reply(1, 2).get("result").get(1).asText();
        assertThat(h.out.reply(2, 2).get("result").get(1).asText()).isNotEqualTo(en1);
        h.engine.onDisconnect(1, "gone");
        h.clock.advanceSeconds(300);
        h.engine.onConnect(3, "127.0.0.1", 0);
        h.line(3, "{\"id\":2,\"method\":\"mining.subscribe\",\"params\":[\"cgminer\",\"" + en1 + "\"]}");
        assertThat(h.out.reply(3, 2).get("result").get(1).asText()).isEqualTo(en1);
        h.engine.onDisconnect(3, "gone");
        h.clock.advanceSeconds(601);
        h.engine.tick();
        h.engine.onConnect(4, "127.0.0.1", 0);
        h.line(4, "{\"id\":2,\"method\":\"mining.subscribe\",\"params\":[\"cgminer\",\"" + en1 + "\"]}");
        assertThat(h.out.reply(4, 2).get("result").get(1).asText()).isNotEqualTo(en1);
    }

    @Test
    void aHandoverCarriesLiveAndKeptSessionsToTheNextEngine() {
        EngineHarness old = harness();
        old.miner(1, W, false);
        old.miner(2, W, false);
        String live = old.out.reply(1, 2).get("result").get(1).asText();
        String gone = old.out.reply(2, 2).get("result").get(1).asText();
        old.engine.onDisconnect(2, "gone");
        java.util.Map<String, Long> table = old.engine.exportSessions();
        assertThat(table).containsOnlyKeys(live.toLowerCase(), gone.toLowerCase());

        EngineHarness next = harness();
        next.engine.importSessions(table);
        for (String en1 : java.util.List.of(live, gone)) {
            long id = en1.equals(live) ? 7 : 8;
            next.engine.onConnect(id, "127.0.0.1", 0);
            next.line(id, "{\"id\":2,\"method\":\"mining.subscribe\",\"params\":[\"cgminer\",\"" + en1 + "\"]}");
            assertThat(next.out.reply(id, 2).get("result").get(1).asText()).isEqualTo(en1);
        }
    }

    @Test
    void sessionIdOfALiveConnectionIsNotShared() {
        EngineHarness h = harness();
        h.miner(1, W, false);
        String en1 = h.out.reply(1, 2).get("result").get(1).asText();
        h.engine.onConnect(2, "127.0.0.1", 0);
        h.line(2, "{\"id\":2,\"method\":\"mining.subscribe\",\"params\":[\"x\",\"" + en1 + "\"]}");
        assertThat(h.out.reply(2, 2).get("result").get(1).asText()).isNotEqualTo(en1);
    }

    @Test
    void clientsThatDoNotAuthoriseInSixtySecondsAreDropped() {
        EngineHarness h = harness();
        h.engine.onConnect(1, "127.0.0.1", 0);
        h.line(1, "{\"id\":2,\"method\":\"mining.subscribe\",\"params\":[]}");
        h.miner(2, W, false);
        h.clock.advanceSeconds(59);
        h.engine.tick();
        assertThat(h.out.drops).isEmpty();
        h.clock.advanceSeconds(2);
        h.engine.tick();
        assertThat(h.out.drops).containsOnlyKeys(1L);
    }

    @Test
    void highDiffPortStartsHigh() {
        EngineHarness h = new EngineHarness(Vectors.config(1, 42).withHighDiffServers(Set.of(1), 1_000_000),
                Vectors.C_TIME);
        h.engine.onTemplate(Vectors.templateC());
        h.engine.onConnect(1, "127.0.0.1", 1);
        h.line(1, "{\"id\":2,\"method\":\"mining.subscribe\",\"params\":[]}");
        h.line(1, "{\"id\":3,\"method\":\"mining.authorize\",\"params\":[\"" + W + "\",\"\"]}");
        assertThat(h.out.lastMethod(1, "mining.set_difficulty").get("params").get(0).asDouble()).isEqualTo(1e6);
        h.miner(2, W, false);
        assertThat(h.out.lastMethod(2, "mining.set_difficulty").get("params").get(0).asDouble()).isEqualTo(42.0);
    }

    @Test
    void adminMessages() {
        EngineHarness h = harness();
        h.miner(1, W, false);
        h.engine.reconnectAll(null, 0, 0);
        assertThat(h.out.last(1).get("method").asText()).isEqualTo("client.reconnect");
        assertThat(h.out.last(1).get("params")).isEmpty();
        h.engine.reconnect(1, "pool.example", 3334, 5);
        assertThat(h.out.last(1).get("params").toString()).isEqualTo("[\"pool.example\",3334,5]");
        h.engine.showMessage(1, "hello \"miner\"");
        assertThat(h.out.last(1).get("params").get(0).asText()).isEqualTo("hello \"miner\"");
    }

    @Test
    void notifyIsBroadcastOnceForEveryone() {
        EngineHarness h = harness();
        h.miner(1, W, false);
        h.miner(2, W, false);
        h.out.clear();
        h.engine.onTemplate(Vectors.templateC());
        assertThat(h.out.log).hasSize(1);
        assertThat(h.out.log.get(0)).startsWith("* {\"id\":null,\"method\":\"mining.notify\"");
        assertThat(h.jobId(1)).matches("[0-9a-f]+");
    }
}
