package org.jckpool.stratifier.passthrough;

import com.fasterxml.jackson.databind.JsonNode;
import org.jckpool.libpool.net.HostPort;
import org.jckpool.libpool.json.Json;
import org.jckpool.stratifier.engine.ClientOutbound;
import org.jckpool.testkit.Await;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;

/** The relay between miners (a recording connector) and a pool's side of the link on a real socket. */
class PassthroughRelayTest {
    record Sent(long clientId, String what) {
    }

    final List<Sent> sent = new CopyOnWriteArrayList<>();
    final List<Sent> dropped = new CopyOnWriteArrayList<>();
    final ClientOutbound miners = new ClientOutbound() {
        @Override
        public void send(long clientId, String line) {
            sent.add(new Sent(clientId, line));
        }

        @Override
        public void broadcast(String line) {
            throw new AssertionError("the relay never broadcasts");
        }

        @Override
        public void drop(long clientId, String reason) {
            dropped.add(new Sent(clientId, reason));
        }
    };
    FakeUpstream upstream;
    PassthroughRelay relay;

    PassthroughRelay start(long silenceMillis) throws Exception {
        upstream = new FakeUpstream();
        return startRelay(new PassthroughRelay(miners, upstreamAddress(), silenceMillis));
    }

    /** {@link #upstream} as the relay's only upstream. */
    List<HostPort> upstreamAddress() {
        return List.of(new HostPort("127.0.0.1", upstream.port()));
    }

    /** Starts {@code r} as {@link #relay} and waits for its first upstream connection; {@link #stop} ends both. */
    PassthroughRelay startRelay(PassthroughRelay r) throws Exception {
        relay = r;
        relay.slots().start();
        Await.until("upstream connected", () -> relay.slots().current() != null);
        return relay;
    }

    @AfterEach
    void stop() throws Exception {
        if (relay != null) {
            relay.slots().stop();
        }
        if (upstream != null) {
            upstream.close();
        }
    }

    private JsonNode receivedFrom(int clientId, int index) {
        return upstream.received.stream().map(Json::parseOrNull)
                .filter(n -> n.path("client_id").asInt() == clientId).skip(index).findFirst().orElse(null);
    }

    @Test
    void eachMinersLinesGoUpUnderItsOwnIdAndRepliesComeBackToIt() throws Exception {
        start(90_000);
        long minerA = 1L << 40;
        long minerB = 7;
        relay.connected(minerA, "10.0.0.1:4001", 0);
        relay.connected(minerB, "[::1]:4002", 1);
        relay.line(minerA, "{\"id\":1,\"method\":\"mining.subscribe\",\"params\":[]}");
        relay.line(minerB, "{\"id\":1,\"method\":\"mining.subscribe\",\"params\":[]}");
        Await.until("both lines upstream", () -> upstream.received.size() == 2);
        int idA = relay.routes().byConnector(minerA).upstreamId();
        int idB = relay.routes().byConnector(minerB).upstreamId();
        assertThat(idA).isNotEqualTo(idB);
        assertThat(receivedFrom(idA, 0).path("address").asText()).isEqualTo("10.0.0.1");
        assertThat(receivedFrom(idB, 0).path("address").asText()).isEqualTo("[::1]");
        assertThat(receivedFrom(idB, 0).path("server").asInt()).isEqualTo(1);

        upstream.send("{\"id\":1,\"result\":\"for B\",\"error\":null,\"client_id\":" + idB + "}");
        upstream.send("{\"id\":1,\"result\":\"for A\",\"error\":null,\"client_id\":" + idA + "}");
        upstream.send("{\"id\":null,\"method\":\"mining.notify\",\"params\":[],\"client_id\":999}");
        Await.until("two replies and the stray line counted",
                () -> sent.size() == 2 && relay.stats(Json.object()).path("unroutable").asLong() == 1);
        assertThat(sent).containsExactly(new Sent(minerB, "{\"id\":1,\"result\":\"for B\",\"error\":null}"),
                new Sent(minerA, "{\"id\":1,\"result\":\"for A\",\"error\":null}"));
    }

    @Test
    void aMinerThatLeavesIsEndedUpstreamWithMiningTerm() throws Exception {
        start(90_000);
        relay.connected(3, "10.0.0.3:5000", 0);
        relay.line(3, "{\"id\":1,\"method\":\"mining.subscribe\",\"params\":[]}");
        int id = relay.routes().byConnector(3).upstreamId();
        relay.disconnected(3, "gone");
        Await.until("term upstream", () -> upstream.received.size() == 2);
        JsonNode term = receivedFrom(id, 1);
        assertThat(term.path("method").asText()).isEqualTo("mining.term");
        assertThat(relay.routes().size()).isZero();
    }

    @Test
    void aBadLineDropsTheMinerAndSendsNothingUp() throws Exception {
        start(90_000);
        relay.connected(4, "10.0.0.4:5000", 0);
        relay.line(4, "{\"id\":1,\"method\":");
        assertThat(dropped).hasSize(1).first().extracting(Sent::clientId).isEqualTo(4L);
        assertThat(relay.routes().size()).isZero();
        assertThat(Await.holdsFor(300, () -> upstream.received.isEmpty())).isTrue();
    }

    @Test
    void upstreamLossTellsMinersToReconnectAndTheRelayConnectsAgain() throws Exception {
        start(90_000);
        relay.connected(5, "10.0.0.5:5000", 0);
        relay.line(5, "{\"id\":1,\"method\":\"mining.subscribe\",\"params\":[]}");
        Await.until("line upstream", () -> upstream.received.size() == 1);
        upstream.dropConnection();
        Await.until("miner told to reconnect", () -> sent.contains(new Sent(5, PassthroughLines.RECONNECT)));
        Await.until("connected again", () -> upstream.connections.get() == 2 && relay.slots().current() != null);
        JsonNode st = relay.stats(Json.object());
        assertThat(st.path("upstream").path("losses").asLong()).isEqualTo(1);
        assertThat(st.path("upstream").path("connects").asLong()).isEqualTo(2);
        assertThat(st.path("upstream").path("connected").asBoolean()).isTrue();

        // the connector re-announces a miner of the lost connection: its session is gone, it must start afresh
        relay.resumed(6, "10.0.0.6:5000", 0);
        assertThat(sent).contains(new Sent(6, PassthroughLines.RECONNECT));
        assertThat(dropped).extracting(Sent::clientId).containsExactly(6L);
    }

    @Test
    void anUpstreamThatLeavesAMinersLineUnansweredIsDroppedAfterTheTimeout() throws Exception {
        start(400);
        relay.connected(7, "10.0.0.7:5000", 0);
        relay.disconnected(7, "gone"); // mining.term has no answer: nothing waits for one
        relay.connected(8, "10.0.0.8:5000", 0);
        assertThat(Await.holdsFor(800, () -> upstream.connections.get() == 1))
                .as("silence while nothing waits is fine, with miners too").isTrue();
        relay.line(8, "{\"id\":1,\"method\":\"mining.subscribe\",\"params\":[]}");
        int id = relay.routes().byConnector(8).upstreamId();
        upstream.send("{\"id\":1,\"result\":true,\"client_id\":" + id + "}");
        assertThat(Await.holdsFor(800, () -> upstream.connections.get() == 1)).as("answered in time").isTrue();
        relay.line(8, "{\"id\":2,\"method\":\"mining.authorize\",\"params\":[\"a\",\"x\"]}");
        Await.until("dropped for silence and connected again", () -> upstream.connections.get() >= 2);
        assertThat(relay.stats(Json.object()).path("upstream").path("last_error").asText())
                .contains("nothing from the upstream");
    }

    @Test
    void theFirstUpstreamThatAcceptsInProxyOrderIsUsed() throws Exception {
        try (FakeUpstream refusing = new FakeUpstream()) {
            refusing.answer = "{\"result\": false}";
            upstream = new FakeUpstream();
            relay = new PassthroughRelay(miners, List.of(new HostPort("127.0.0.1", refusing.port()),
                    new HostPort("127.0.0.1", upstream.port())), 90_000);
            relay.slots().start();
            Await.until("connected to the second", () -> relay.slots().current() != null);
            JsonNode up = relay.stats(Json.object()).path("upstream");
            assertThat(up.path("index").asInt()).isEqualTo(1);
            assertThat(up.path("url").asText()).isEqualTo("127.0.0.1:" + upstream.port());
            assertThat(up.path("last_error").asText()).contains("passthrough refused");
            relay.connected(1, "10.0.0.1:1", 0);
            relay.line(1, "{\"id\":1,\"method\":\"mining.subscribe\",\"params\":[]}");
            Await.until("line on the second", () -> upstream.received.size() == 1);
            assertThat(refusing.received).isEmpty();
        }
    }

    @Test
    void anUpstreamThatRefusesIsNotUsed() throws Exception {
        upstream = new FakeUpstream();
        upstream.answer = "{\"id\":null,\"result\":null,\"error\":[20,\"Method not supported: mining.passthrough\",null]}";
        relay = new PassthroughRelay(miners, List.of(new HostPort("127.0.0.1", upstream.port())), 90_000);
        relay.slots().start();
        Await.until("refusal recorded", () -> relay.stats(Json.object()).path("upstream").path("last_error")
                .asText().contains("passthrough refused"));
        assertThat(relay.slots().current()).isNull();
        assertThat(relay.stats(Json.object()).path("upstream").path("connected").asBoolean()).isFalse();
    }

    @Test
    void aRedirectorSendsAMinerOnAfterTheReplyToItsAcceptedShareAndDropsOneWithoutAny() throws Exception {
        upstream = new FakeUpstream();
        RedirectTargets targets = new RedirectTargets(List.of(new HostPort("a.example", 3334),
                new HostPort("b.example", 3335)));
        startRelay(new PassthroughRelay(miners, upstreamAddress(), 90_000, Integer.MAX_VALUE, RelayTap.NONE,
                new RedirectDecisions(targets, 1)));
        relay.connected(1, "10.0.0.1:4001", 0);
        relay.connected(2, "10.0.0.2:4002", 0);
        relay.line(1, "{\"id\":5,\"method\":\"mining.submit\",\"params\":[\"w\",\"1\",\"00\",\"5f\",\"01\"]}");
        Await.until("share upstream", () -> upstream.received.size() == 1);
        int id = relay.routes().byConnector(1).upstreamId();
        upstream.send("{\"id\":5,\"result\":true,\"error\":null,\"client_id\":" + id + "}");
        String redirect = PassthroughLines.redirect(targets.forAddress("10.0.0.1"));
        Await.until("reply then redirect", () -> sent.size() == 2);
        assertThat(sent).containsExactly(new Sent(1, "{\"id\":5,\"result\":true,\"error\":null}"),
                new Sent(1, redirect));

        Await.until("the other miner is past dropidle", () -> {
            relay.dropOverdue();
            return !dropped.isEmpty();
        });
        assertThat(dropped).extracting(Sent::clientId).containsExactly(2L);
        Await.until("its upstream session ended", () -> upstream.received.stream()
                .anyMatch(l -> l.contains("mining.term")));
        JsonNode st = relay.stats(Json.object());
        assertThat(st.path("mode").asText()).isEqualTo("redirector");
        assertThat(st.path("redirector").path("redirected").asLong()).isEqualTo(1);
        assertThat(st.path("redirector").path("dropped_idle").asLong()).isEqualTo(1);
        assertThat(st.path("redirector").path("redirecturl").path(1).asText()).isEqualTo("b.example:3335");
        assertThat(relay.routes().byConnector(1)).as("a redirected miner stays routed").isNotNull();
    }

    @Test
    void asANodeTheRelayLinksWithMiningNodeKeepsNodeLinesAndSubmitsTheBlockItsMinerFound() throws Exception {
        upstream = new FakeUpstream();
        upstream.linkMethod = "mining.node";
        NodeWatchTest.RecordingSubmitter submitter = new NodeWatchTest.RecordingSubmitter();
        startRelay(new PassthroughRelay(miners, upstreamAddress(), 90_000, Integer.MAX_VALUE,
                new NodeWatch(submitter), null));
        assertThat(Json.parseOrNull(upstream.firstLine).path("method").asText()).isEqualTo("mining.node");

        long miner = 9;
        relay.connected(miner, "10.0.0.9:4001", 0);
        relay.line(miner, "{\"id\":1,\"method\":\"mining.subscribe\",\"params\":[]}");
        Await.until("subscribe upstream", () -> upstream.received.size() == 1);
        int id = relay.routes().byConnector(miner).upstreamId();
        upstream.send(NodeWatchTest.workinfoG(0x2a));
        upstream.send("{\"id\":1,\"result\":[[[\"mining.notify\",\"8d3b5a1c\"]],\"8d3b5a1c\",4],\"error\":null,"
                + "\"client_id\":" + id + "}");
        Await.until("subscribe reply down", () -> sent.size() == 1);
        relay.line(miner, "{\"id\":4,\"method\":\"mining.submit\",\"params\":[\"u.rig\",\"2a\",\"00000001\","
                + "\"6553f100\",\"00000000\"]}");
        Await.until("share upstream", () -> upstream.received.size() == 2);
        assertThat(submitter.blocks).hasSize(1).allSatisfy(b -> assertThat(b).contains(NodeWatchTest.G_HASH));
        JsonNode stats = relay.stats(Json.object());
        assertThat(stats.path("mode").asText()).isEqualTo("node");
        assertThat(stats.path("unroutable").asLong()).as("the workinfo was the node's, not a miner's").isZero();
        assertThat(sent).as("only the subscribe reply reached the miner").hasSize(1);
    }
}
