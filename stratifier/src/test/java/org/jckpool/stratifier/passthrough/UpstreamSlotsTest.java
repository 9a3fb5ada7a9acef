package org.jckpool.stratifier.passthrough;

import com.fasterxml.jackson.databind.JsonNode;
import org.jckpool.libpool.json.Json;
import org.jckpool.libpool.net.HostPort;
import org.jckpool.testkit.Await;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The relay over more than one upstream connection: a cap of miners per connection, each miner on its own. */
class UpstreamSlotsTest {
    final PassthroughRelayTest rec = new PassthroughRelayTest();
    FakeUpstream upstream;
    PassthroughRelay relay;

    PassthroughRelay start(int maxClients) throws Exception {
        upstream = rec.upstream = new FakeUpstream();
        relay = rec.startRelay(new PassthroughRelay(rec.miners, rec.upstreamAddress(), 90_000, maxClients,
                RelayTap.NONE, null));
        return relay;
    }

    @AfterEach
    void stop() throws Exception {
        rec.stop();
    }

    private void subscribe(long miner, int id) {
        relay.line(miner, "{\"id\":" + id + ",\"method\":\"mining.subscribe\",\"params\":[]}");
    }

    private int upstreamId(long miner) {
        return relay.routes().byConnector(miner).upstreamId();
    }

    /** The client_ids each upstream link carried, in accept order. */
    private List<Set<Integer>> idsPerLink() {
        List<Set<Integer>> out = new ArrayList<>();
        for (List<String> lines : upstream.receivedOn) {
            Set<Integer> ids = new HashSet<>();
            lines.forEach(l -> ids.add(Json.parseOrNull(l).path("client_id").asInt()));
            out.add(ids);
        }
        return out;
    }

    private int linkOf(long miner) {
        List<Set<Integer>> links = idsPerLink();
        for (int i = 0; i < links.size(); i++) {
            if (links.get(i).contains(upstreamId(miner))) {
                return i;
            }
        }
        return -1;
    }

    @Test
    void minersAreSpreadOverConnectionsOfAtMostTheCapAndEachStaysOnItsOwn() throws Exception {
        start(2);
        for (long m = 1; m <= 5; m++) {
            relay.connected(m, "10.0.0." + m + ":4000", 0);
            subscribe(m, 1);
        }
        Await.until("five lines up on three links", () -> upstream.received.size() == 5
                && upstream.connections.get() == 3);
        assertThat(idsPerLink()).extracting(Set::size).containsExactlyInAnyOrder(2, 2, 1);
        assertThat(idsPerLink().stream().filter(s -> s.contains(upstreamId(1)) && s.contains(upstreamId(2))))
                .as("the first two share the first connection").hasSize(1);

        // a reply on miner 4's link reaches miner 4; its next line goes on the same link
        int link4 = linkOf(4);
        upstream.send(link4, "{\"id\":1,\"result\":\"for 4\",\"error\":null,\"client_id\":" + upstreamId(4) + "}");
        Await.until("reply down", () -> rec.sent.size() == 1);
        assertThat(rec.sent).containsExactly(new PassthroughRelayTest.Sent(4, "{\"id\":1,\"result\":\"for 4\","
                + "\"error\":null}"));
        relay.line(4, "{\"id\":2,\"method\":\"mining.authorize\",\"params\":[\"u.w\",\"x\"]}");
        Await.until("second line up", () -> upstream.received.size() == 6);
        assertThat(upstream.receivedOn.get(link4)).hasSize(3).last().asString().contains("mining.authorize");

        JsonNode st = relay.stats(Json.object());
        assertThat(st.path("max_clients_per_connection").asInt()).isEqualTo(2);
        assertThat(st.path("connections")).hasSize(3);
        List<Integer> clients = new ArrayList<>();
        st.path("connections").forEach(c -> {
            assertThat(c.path("connected").asBoolean()).isTrue();
            clients.add(c.path("clients").asInt());
        });
        assertThat(clients).containsExactly(2, 2, 1);
        assertThat(st.path("upstream").path("connects").asLong()).isEqualTo(3);

        // a miner that leaves frees its place: the next one fills it rather than a new connection
        relay.disconnected(1, "gone");
        relay.connected(6, "10.0.0.6:4000", 0);
        subscribe(6, 1);
        Await.until("sixth miner's line up", () -> upstream.received.stream()
                .anyMatch(l -> l.contains("\"client_id\":" + upstreamId(6))));
        assertThat(upstream.connections.get()).isEqualTo(3);
        assertThat(linkOf(6)).isEqualTo(linkOf(2));
    }

    @Test
    void losingOneConnectionSendsOnlyItsMinersAwayAndItReconnectsOnItsOwn() throws Exception {
        start(2);
        for (long m = 1; m <= 3; m++) {
            relay.connected(m, "10.0.0." + m + ":4000", 0);
            subscribe(m, 1);
        }
        Await.until("two links", () -> upstream.received.size() == 3 && upstream.connections.get() == 2);
        int lonely = linkOf(3);
        upstream.dropLink(lonely);
        Await.until("miner 3 sent away", () -> rec.dropped.size() == 1);
        assertThat(rec.dropped).extracting(PassthroughRelayTest.Sent::clientId).containsExactly(3L);
        assertThat(rec.sent).containsExactly(new PassthroughRelayTest.Sent(3, PassthroughLines.RECONNECT));
        assertThat(relay.routes().size()).isEqualTo(2);
        Await.until("that connection back", () -> upstream.connections.get() == 3
                && relay.stats(Json.object()).path("connections").path(1).path("connected").asBoolean());
        JsonNode st = relay.stats(Json.object());
        assertThat(st.path("upstream").path("losses").asLong()).isEqualTo(1);
        assertThat(st.path("upstream").path("connected").asBoolean()).isTrue();
        assertThat(st.path("connections").path(0).path("clients").asInt()).isEqualTo(2);
        assertThat(st.path("told_to_reconnect").asLong()).isEqualTo(1);

        // miners 1 and 2 go on on their connection
        relay.line(1, "{\"id\":2,\"method\":\"mining.authorize\",\"params\":[\"u.w\",\"x\"]}");
        Await.until("line up", () -> upstream.received.size() == 4);
    }

    @Test
    void aMinerThatLeavesWhileItsConnectionIsDownIsNotEndedOnTheNextOne() throws Exception {
        start(Integer.MAX_VALUE);
        relay.connected(1, "10.0.0.1:4000", 0);
        subscribe(1, 1);
        Await.until("line up", () -> upstream.received.size() == 1);
        upstream.dropLink(0);
        Await.until("told to reconnect", () -> rec.sent.contains(
                new PassthroughRelayTest.Sent(1, PassthroughLines.RECONNECT)));
        relay.disconnected(1, "connector stream closed"); // as the closed stream reports every miner
        Await.until("connected again", () -> upstream.connections.get() == 2 && relay.slots().current() != null);
        assertThat(Await.holdsFor(300, () -> upstream.receivedOn.get(1).isEmpty()))
                .as("no mining.term for a session the lost link took with it: %s", upstream.receivedOn).isTrue();
    }

    @Test
    void linesOfAMinerWhoseNewConnectionIsStillOpeningGoUpInOrderOnceItIs() throws Exception {
        start(1);
        relay.connected(1, "10.0.0.1:4000", 0);
        relay.connected(2, "10.0.0.2:4000", 0);
        for (int i = 1; i <= 5; i++) {
            subscribe(2, i);
        }
        relay.disconnected(2, "gone");
        Await.until("the second link has them", () -> upstream.connections.get() == 2
                && upstream.receivedOn.get(1).size() == 6);
        List<String> got = upstream.receivedOn.get(1);
        for (int i = 1; i <= 5; i++) {
            assertThat(Json.parseOrNull(got.get(i - 1)).path("id").asInt()).isEqualTo(i);
        }
        assertThat(got.get(5)).contains("mining.term");
    }

    @Test
    void withoutACapEveryMinerSharesOneConnection() throws Exception {
        start(Integer.MAX_VALUE);
        for (long m = 1; m <= 20; m++) {
            relay.connected(m, "10.0.0.1:" + m, 0);
            subscribe(m, 1);
        }
        Await.until("all lines up", () -> upstream.received.size() == 20);
        assertThat(upstream.connections.get()).isEqualTo(1);
    }

    @Test
    void theCapComesFromPassthroughClients() {
        assertThat(RelayConfig.maxClients(Json.parseOrNull("{}"))).isEqualTo(RelayConfig.DEFAULT_MAX_CLIENTS);
        assertThat(RelayConfig.maxClients(Json.parseOrNull("{\"passthrough_clients\":3}"))).isEqualTo(3);
        for (String bad : List.of("0", "-1", "2.5", "\"10\"", "3000000000")) {
            assertThatThrownBy(() -> RelayConfig.maxClients(Json.parseOrNull("{\"passthrough_clients\":" + bad
                    + "}"))).as(bad).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("passthrough_clients");
        }
    }
}
