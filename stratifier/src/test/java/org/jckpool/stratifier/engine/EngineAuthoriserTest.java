package org.jckpool.stratifier.engine;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

import static org.assertj.core.api.Assertions.assertThat;

/** mining.authorize through an asynchronous Authoriser: held requests, reply order, timeouts, difficulties. */
class EngineAuthoriserTest {
    static final String W = "alice.rig1";

    /** Keeps the engine's callbacks so that the test decides when (and on which thread) they run. */
    static final class ManualAuthoriser implements Authoriser {
        final List<Request> requests = new ArrayList<>();
        final List<Consumer<Decision>> pending = new ArrayList<>();

        @Override
        public synchronized void authorise(Request request, Consumer<Decision> done) {
            requests.add(request);
            pending.add(done);
        }

        synchronized Consumer<Decision> take(int i) {
            return pending.get(i);
        }
    }

    private EngineHarness harness(ManualAuthoriser a) {
        EngineHarness h = new EngineHarness(Vectors.config(1, 1), Vectors.C_TIME);
        h.engine.onTemplate(Vectors.templateC());
        h.engine.authoriser(a);
        return h;
    }

    private static void subscribeAndAuthorise(EngineHarness h, long c) {
        h.engine.onConnect(c, "127.0.0.1", 0);
        h.line(c, "{\"id\":2,\"method\":\"mining.subscribe\",\"params\":[\"miner/1.0\"]}");
        h.line(c, "{\"id\":3,\"method\":\"mining.authorize\",\"params\":[\"" + W + "\",\"x\"]}");
    }

    /** Replies and notifications to one client in order, as "id:N" or the method name. */
    private static List<String> sequence(EngineHarness h, long c) {
        List<String> out = new ArrayList<>();
        for (JsonNode n : h.out.received(c)) {
            out.add(n.path("method").isTextual() ? n.get("method").asText() : "id:" + n.path("id").asText());
        }
        return out;
    }

    @Test
    void requestsSentWhileAuthorisingAreAnsweredAfterTheDecisionInOrder() throws Exception {
        ManualAuthoriser a = new ManualAuthoriser();
        EngineHarness h = harness(a);
        subscribeAndAuthorise(h, 1);
        h.line(1, "{\"id\":4,\"method\":\"mining.extranonce.subscribe\",\"params\":[]}");
        h.line(1, "{\"id\":5,\"method\":\"mining.submit\",\"params\":[\"" + W + "\",\"1\",\"00000000\","
                + "\"6623ae37\",\"00000000\"]}");
        assertThat(a.requests).singleElement().satisfies(r -> {
            assertThat(r.user()).isEqualTo("alice");
            assertThat(r.worker()).isEqualTo(W);
            assertThat(r.userAgent()).isEqualTo("miner/1.0");
            assertThat(r.clientId()).isEqualTo(1);
        });
        // work follows the subscribe result at once, as in ckpool
        assertThat(sequence(h, 1)).containsExactly("id:2", "mining.set_difficulty", "mining.notify");
        // another client is not held up by the pending one
        h.engine.onConnect(2, "127.0.0.1", 0);
        h.line(2, "{\"id\":9,\"method\":\"mining.subscribe\",\"params\":[]}");
        assertThat(h.out.reply(2, 9)).isNotNull();

        Thread t = new Thread(() -> a.take(0).accept(Authoriser.Decision.allow(0)));
        t.start();
        t.join();
        // no second work after the authorize reply: the difficulty did not change
        assertThat(sequence(h, 1)).containsExactly("id:2", "mining.set_difficulty", "mining.notify", "id:3",
                "id:4", "id:5");
        assertThat(h.out.reply(1, 3).get("result").asBoolean()).isTrue();
        // the held submit was judged as an authorised worker's share (unknown job), not as unauthorised
        assertThat(h.out.reply(1, 5).path("reject-reason").asText()).isEqualTo("Invalid JobID");
        assertThat(h.engine.session(1).isAuthorised()).isTrue();
    }

    @Test
    void refusalIsAnErrorAndHeldRequestsStillGetTheirReplies() {
        ManualAuthoriser a = new ManualAuthoriser();
        EngineHarness h = harness(a);
        subscribeAndAuthorise(h, 1);
        h.line(1, "{\"id\":5,\"method\":\"mining.submit\",\"params\":[\"" + W + "\",\"1\",\"00000000\","
                + "\"6623ae37\",\"00000000\"]}");
        a.take(0).accept(Authoriser.Decision.refuse("Unknown user alice"));
        JsonNode r = h.out.reply(1, 3);
        assertThat(r.get("result").asBoolean()).isFalse();
        assertThat(r.get("error").get(0).asInt()).isEqualTo(24);
        assertThat(r.get("error").get(1).asText()).isEqualTo("Unknown user alice");
        assertThat(h.out.reply(1, 5).path("reject-reason").asText()).isEqualTo("Unauthorized worker");
        assertThat(h.engine.session(1).isAuthorised()).isFalse();
        // a second try asks again
        h.line(1, "{\"id\":6,\"method\":\"mining.authorize\",\"params\":[\"" + W + "\",\"x\"]}");
        assertThat(a.requests).hasSize(2);
    }

    @Test
    void defaultDifficultyFromTheAuthoriserIsTheStartDifficulty() {
        ManualAuthoriser a = new ManualAuthoriser();
        EngineHarness h = harness(a);
        subscribeAndAuthorise(h, 1);
        a.take(0).accept(Authoriser.Decision.allow(64));
        assertThat(h.out.lastMethod(1, "mining.set_difficulty").get("params").get(0).asDouble()).isEqualTo(64.0);
        assertThat(h.engine.session(1).vardiff().diff()).isEqualTo(64.0);
        // the changed difficulty comes with the work re-sent under a new job id, not a clean notify
        assertThat(sequence(h, 1)).containsExactly("id:2", "mining.set_difficulty", "mining.notify", "id:3",
                "mining.set_difficulty", "mining.notify");
        assertThat(h.out.lastMethod(1, "mining.notify").get("params").get(8).asBoolean()).isFalse();
    }

    @Test
    void noDecisionInTimeRefusesAndALateDecisionIsIgnored() {
        ManualAuthoriser a = new ManualAuthoriser();
        EngineHarness h = harness(a);
        subscribeAndAuthorise(h, 1);
        h.clock.advanceSeconds((StratumEngine.AUTH_WAIT_MILLIS - 1) / 1000.0);
        h.engine.tick();
        assertThat(h.out.reply(1, 3)).isNull();
        h.clock.advanceSeconds(0.001);
        h.engine.tick();
        assertThat(h.out.reply(1, 3).get("error").get(1).asText()).isEqualTo("Authorisation timed out");
        a.take(0).accept(Authoriser.Decision.allow(0));
        assertThat(h.engine.session(1).isAuthorised()).isFalse();
        assertThat(h.out.received(1).stream().filter(n -> n.path("id").asInt() == 3)).hasSize(1);
    }

    @Test
    void aFloodOfRequestsWhileAuthorisingDropsTheClient() {
        ManualAuthoriser a = new ManualAuthoriser();
        EngineHarness h = harness(a);
        subscribeAndAuthorise(h, 1);
        for (int i = 0; i <= StratumEngine.MAX_HELD_REQUESTS; i++) {
            h.line(1, "{\"id\":" + (100 + i) + ",\"method\":\"mining.extranonce.subscribe\",\"params\":[]}");
        }
        assertThat(h.out.drops).containsKey(1L);
    }

    @Test
    void workerDifficultyChangeReachesTheWorkersConnectionsAtOnce() {
        ManualAuthoriser a = new ManualAuthoriser();
        EngineHarness h = harness(a);
        subscribeAndAuthorise(h, 1);
        a.take(0).accept(Authoriser.Decision.allow(0));
        String job = h.jobId(1);
        assertThat(h.engine.workerDifficulty(W, 256)).isEqualTo(1);
        assertThat(h.out.lastMethod(1, "mining.set_difficulty").get("params").get(0).asDouble()).isEqualTo(256.0);
        assertThat(h.jobId(1)).isNotEqualTo(job); // new job id so the change applies at once
        assertThat(h.engine.workerDifficulty("bob.rig", 256)).isZero();
        // 0 clears the floor: vardiff may go lower again, the current difficulty stays for now
        assertThat(h.engine.workerDifficulty(W, 0)).isEqualTo(1);
        assertThat(h.engine.session(1).vardiff().suggested()).isZero();
        assertThat(h.engine.session(1).vardiff().diff()).isEqualTo(256.0);
    }

    @Test
    void withoutAnAuthoriserEveryoneIsAuthorisedAtOnce() {
        EngineHarness h = new EngineHarness(Vectors.config(1, 1), Vectors.C_TIME);
        h.engine.onTemplate(Vectors.templateC());
        subscribeAndAuthorise(h, 1);
        assertThat(h.out.reply(1, 3).get("result").asBoolean()).isTrue();
    }
}
