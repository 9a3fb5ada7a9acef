package org.jckpool.stratifier.link;

import com.fasterxml.jackson.databind.JsonNode;
import org.jckpool.stratifier.engine.ManualClock;
import org.jckpool.stratifier.engine.RecordingOutbound;
import org.jckpool.stratifier.engine.StratumEngine;
import org.jckpool.stratifier.engine.Vectors;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** ckpool's mining.passthrough, upstream side: the exact line forms, sub-clients as real clients, their end. */
class PassthroughLinksTest {
    static final String W = Vectors.MAIN_ADDR + ".rig1";
    static final long LINK = 100;

    final RecordingOutbound connector = new RecordingOutbound();
    final LinkedEngine wired = new LinkedEngine(connector);
    final ManualClock clock = wired.clock;
    final StratumEngine engine = wired.engine;
    final PassthroughLinks links = wired.links;
    final ClientEvents events = wired.events;

    @BeforeEach
    void setUp() {
        engine.onTemplate(Vectors.templateC());
        events.connected(LINK, "192.0.2.1", 0);
        // ckpool's generator (passthrough_stratum) sends exactly this: no id, its version as the one param
        events.line(LINK, "{\"method\": \"mining.passthrough\", \"params\": [\"ckpool/0.9.9\"]}");
    }

    /** What the link connection received, as raw lines. */
    private List<String> linkLines() {
        return connector.log.stream().filter(l -> l.startsWith(LINK + " ")).map(l -> l.substring(4)).toList();
    }

    private long sub(long downstreamId) {
        return engine.sessions().stream().filter(s -> s.clientId < 0 && s.address.equals("10.0.0." + downstreamId))
                .findFirst().orElseThrow().clientId;
    }

    private void fromMiner(long downstreamId, String request) {
        // a ckpool -P connector adds client_id, address and server to each of its miners' lines
        events.line(LINK, request.substring(0, request.length() - 1) + ",\"client_id\":" + downstreamId
                + ",\"address\":\"10.0.0." + downstreamId + "\",\"server\":0}");
    }

    @Test
    void passthroughIsAcceptedAsCkpoolsConnectorAnswersIt() {
        assertThat(linkLines()).containsExactly("{\"result\": true}");
        assertThat(engine.session(LINK)).isNull(); // the link is no client of its own
    }

    @Test
    void aMinersLinesAndRepliesCarryItsClientId() {
        fromMiner(7, "{\"id\":1,\"method\":\"mining.subscribe\",\"params\":[\"cgminer/4.11\"]}");
        long sub = sub(7);
        assertThat(sub).isNegative();
        assertThat(engine.session(sub).userAgent()).isEqualTo("cgminer/4.11");
        List<String> l = linkLines();
        assertThat(l.get(1)).isEqualTo("{\"id\":1,\"result\":[[[\"mining.set_difficulty\",\"8d3b5a1c\"],"
                + "[\"mining.notify\",\"8d3b5a1c\"]],\"8d3b5a1c\",4],\"error\":null,\"client_id\":7}");
        assertThat(l.get(2)).isEqualTo("{\"id\":null,\"method\":\"mining.set_difficulty\",\"params\":[1],\"client_id\":7}");
        assertThat(l.get(3)).startsWith("{\"id\":null,\"method\":\"mining.notify\",\"params\":[")
                .endsWith(",true],\"client_id\":7}");
        fromMiner(7, "{\"id\":2,\"method\":\"mining.authorize\",\"params\":[\"" + W + "\",\"x\"]}");
        assertThat(linkLines().get(4)).isEqualTo("{\"id\":2,\"result\":true,\"error\":null,\"client_id\":7}");
        assertThat(engine.session(sub).isAuthorised()).isTrue();
        assertThat(engine.stats().existingUser(Vectors.MAIN_ADDR)).isNotNull();
    }

    @Test
    void aSubClientsShareIsCheckedAndCountedAsAnyClientsIs() {
        fromMiner(7, "{\"id\":1,\"method\":\"mining.configure\",\"params\":[[\"version-rolling\"],"
                + "{\"version-rolling.mask\":\"1fffe000\"}]}");
        fromMiner(7, "{\"id\":2,\"method\":\"mining.subscribe\",\"params\":[\"m/1\"]}");
        fromMiner(7, "{\"id\":3,\"method\":\"mining.authorize\",\"params\":[\"" + W + "\",\"x\"]}");
        long sub = sub(7);
        String job = connector.lastMethod(LINK, "mining.notify").get("params").get(0).asText();
        fromMiner(7, "{\"id\":4,\"method\":\"mining.submit\",\"params\":[\"" + W + "\",\"" + job
                + "\",\"0000002b\",\"662307b7\",\"7bec501e\",\"00a00000\"]}");
        JsonNode r = connector.reply(LINK, 4);
        assertThat(r.toString()).isEqualTo("{\"id\":4,\"result\":true,\"error\":null,\"client_id\":7}");
        assertThat(engine.session(sub).workerStats().acceptedCount()).isEqualTo(1);
    }

    @Test
    void newWorkReachesEverySubscribedSubClientWithItsId() {
        fromMiner(7, "{\"id\":1,\"method\":\"mining.subscribe\",\"params\":[]}");
        fromMiner(8, "{\"id\":1,\"method\":\"mining.subscribe\",\"params\":[]}");
        connector.clear();
        engine.onTemplate(Vectors.templateC());
        assertThat(connector.log).hasSize(3);
        assertThat(connector.log.get(0)).startsWith("* {\"id\":null,\"method\":\"mining.notify\"");
        assertThat(linkLines()).hasSize(2).allMatch(l -> l.startsWith("{\"id\":null,\"method\":\"mining.notify\""))
                .anyMatch(l -> l.endsWith(",\"client_id\":7}")).anyMatch(l -> l.endsWith(",\"client_id\":8}"));
    }

    @Test
    void miningTermEndsOneSubClientAndTheLinkEndsTheRest() {
        fromMiner(7, "{\"id\":1,\"method\":\"mining.subscribe\",\"params\":[]}");
        fromMiner(8, "{\"id\":1,\"method\":\"mining.subscribe\",\"params\":[]}");
        long seven = sub(7);
        long eight = sub(8);
        int before = linkLines().size();
        // ckpool's connector form, sent upstream when a miner of the passthrough disconnects
        events.line(LINK, "{\"id\":42,\"client_id\":7,\"address\":\"10.0.0.7\",\"server\":0,"
                + "\"method\":\"mining.term\",\"params\":[]}");
        assertThat(engine.session(seven)).isNull();
        assertThat(engine.session(eight)).isNotNull();
        assertThat(linkLines()).hasSize(before); // no reply to mining.term
        events.disconnected(LINK, "closed");
        assertThat(engine.session(eight)).isNull();
        assertThat(links.links()).isEmpty();
    }

    @Test
    void theSameMinerIdOnTwoLinksIsTwoClients() {
        events.connected(200, "192.0.2.2", 0);
        events.line(200, "{\"id\":0,\"method\":\"mining.passthrough\",\"params\":[]}"); // with an id too
        assertThat(connector.log).contains("200 {\"result\": true}");
        fromMiner(7, "{\"id\":1,\"method\":\"mining.subscribe\",\"params\":[]}");
        events.line(200, "{\"id\":1,\"method\":\"mining.subscribe\",\"params\":[],\"client_id\":7}");
        assertThat(engine.sessions()).filteredOn(s -> s.clientId < 0).hasSize(2)
                .extracting(s -> s.extranonce1Hex()).doesNotHaveDuplicates();
        assertThat(links.links()).containsEntry(LINK, 1).containsEntry(200L, 1);
        var status = links.status();
        assertThat(status).hasSize(2);
        assertThat(status.get(1).path("id").asLong()).isEqualTo(200);
        assertThat(status.get(1).path("address").asText()).isEqualTo("192.0.2.2");
        assertThat(status.get(1).path("clients").asInt()).isEqualTo(1);
        assertThat(status.get(1).path("since").asLong()).isPositive();
    }

    @Test
    void aDroppedSubClientIsForgottenAndItsNextLineStartsAfresh() {
        fromMiner(7, "{\"id\":1,\"method\":\"mining.subscribe\",\"params\":[]}");
        long first = sub(7);
        events.line(LINK, "{\"id\":2,\"method\":\"mining.subscribe\",\"params\":[,\"client_id\":7}");
        fromMiner(7, "not json at all}");
        fromMiner(7, "{\"id\":3,\"method\":\"mining.subscribe\",\"params\":[]}");
        assertThat(engine.session(first)).isNotNull(); // lines that do not parse are ignored on a link
        clock.advanceSeconds(61);
        engine.tick(); // no authorisation in time: the engine drops it
        assertThat(engine.session(first)).isNull();
        assertThat(connector.drops).doesNotContainKey(LINK);
        fromMiner(7, "{\"id\":4,\"method\":\"mining.subscribe\",\"params\":[]}");
        assertThat(sub(7)).isNotEqualTo(first);
    }

    @Test
    void lineFormHelper() {
        assertThat(PassthroughLinks.withClientId("{\"id\":1,\"result\":true}", 5))
                .isEqualTo("{\"id\":1,\"result\":true,\"client_id\":5}");
        assertThat(PassthroughLinks.withClientId("{}", 5)).isEqualTo("{\"client_id\":5}");
    }
}
