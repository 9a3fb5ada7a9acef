package org.jckpool.stratifier.link;

import com.fasterxml.jackson.databind.JsonNode;
import org.jckpool.libpool.bitcoin.Hex;
import org.jckpool.stratifier.engine.ManualClock;
import org.jckpool.stratifier.engine.RecordingOutbound;
import org.jckpool.stratifier.engine.StratumEngine;
import org.jckpool.stratifier.engine.Vectors;
import org.jckpool.stratifier.restart.RestartKeeper;
import org.jckpool.stratifier.share.SolutionOutcome;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Passthrough links through a stratifier restart, in-process: one stratifier links a downstream with two miners
 * and writes the restart snapshot; a second one (the restarted process) reads it, is told the link's connection
 * was kept, and serves the miners on as before: same sub-clients, extranonce1s, difficulty and workers, shares on
 * the old job accepted, new work reaching both.
 */
class PassthroughLinksRestartTest {
    static final String W = Vectors.MAIN_ADDR + ".rig1";
    static final long LINK = 100;
    static final int NODESERVER = 1;

    @TempDir
    Path logdir;

    /** One stratifier: its engine behind the links, wired as the process wires them (minus metrics). */
    static final class Stratifier {
        final RecordingOutbound connector = new RecordingOutbound();
        final ManualClock clock;
        final PassthroughLinks links;
        final StratumEngine engine;
        final RestartKeeper keeper;
        final ClientEvents events = new ClientEvents() {
            @Override
            public void connected(long id, String address, int serverIndex) {
                engine().onConnect(id, address, serverIndex);
            }

            @Override
            public void resumed(long id, String address, int serverIndex) {
                if (!links().resumed(id)) {
                    engine().onResume(id, address, serverIndex);
                }
            }

            @Override
            public void line(long id, String line) {
                if (!links().line(id, line)) {
                    engine().onLine(id, line);
                }
            }

            @Override
            public void disconnected(long id, String reason) {
                links().disconnected(id);
                engine().onDisconnect(id, reason);
            }
        };

        Stratifier(Path logdir, long nowSeconds) {
            clock = new ManualClock(nowSeconds * 1000);
            links = new PassthroughLinks(connector, events);
            engine = new StratumEngine(Vectors.config(1, 1), links, b -> SolutionOutcome.SUBMITTED, clock,
                    Vectors.EN1);
            keeper = new RestartKeeper(engine, logdir, clock);
            keeper.keep("links", links::changes, links::snapshot, links::restore);
            NodeWorkPublisher publisher = new NodeWorkPublisher(links, Hex.decode(Vectors.P2WPKH));
            links.nodes(Set.of(NODESERVER), publisher::nodeAdded);
            engine.jobObserver(publisher::job);
        }

        private StratumEngine engine() {
            return engine;
        }

        private PassthroughLinks links() {
            return links;
        }

        void fromMiner(long downstreamId, String request) {
            events.line(LINK, request.substring(0, request.length() - 1) + ",\"client_id\":" + downstreamId
                    + ",\"address\":\"10.0.0." + downstreamId + "\",\"server\":0}");
        }

        long sub(long downstreamId) {
            return engine.sessions().stream()
                    .filter(s -> s.clientId < 0 && s.address.equals("10.0.0." + downstreamId))
                    .findFirst().orElseThrow().clientId;
        }
    }

    @Test
    void aKeptLinkKeepsItsMinersSessionsAcrossTheRestart() {
        Stratifier first = new Stratifier(logdir, Vectors.C_TIME + 30);
        first.keeper.start();
        first.engine.onTemplate(Vectors.templateC());
        first.events.connected(LINK, "192.0.2.1", 0);
        first.events.line(LINK, "{\"method\": \"mining.passthrough\", \"params\": [\"ckpool/0.9.9\"]}");
        for (long miner : new long[] {7, 8}) {
            first.fromMiner(miner, "{\"id\":1,\"method\":\"mining.configure\",\"params\":[[\"version-rolling\"],"
                    + "{\"version-rolling.mask\":\"1fffe000\"}]}");
            first.fromMiner(miner, "{\"id\":2,\"method\":\"mining.subscribe\",\"params\":[\"m/1\"]}");
            first.fromMiner(miner, "{\"id\":3,\"method\":\"mining.authorize\",\"params\":[\"" + W + "\",\"x\"]}");
        }
        long seven = first.sub(7);
        long eight = first.sub(8);
        String en1Seven = first.engine.session(seven).extranonce1Hex();
        String en1Eight = first.engine.session(eight).extranonce1Hex();
        String job = first.connector.lastMethod(LINK, "mining.notify").get("params").get(0).asText();
        first.keeper.close(); // the last write; the periodic writer does it within 100 ms of a change

        // killed; the connector kept the link's connection and reports it resumed to the next stratifier
        Stratifier second = new Stratifier(logdir, Vectors.C_TIME + 31);
        assertThat(second.keeper.restore()).isTrue();
        second.events.resumed(LINK, "192.0.2.1", 0);
        assertThat(second.engine.session(LINK)).as("the link is no client of the engine").isNull();
        assertThat(second.links.links()).containsEntry(LINK, 2);
        assertThat(second.engine.session(seven).extranonce1Hex()).isEqualTo(en1Seven);
        assertThat(second.engine.session(eight).extranonce1Hex()).isEqualTo(en1Eight);
        assertThat(second.engine.session(seven).workerName()).isEqualTo(W);
        assertThat(second.engine.session(seven).vardiff().diff()).isEqualTo(first.engine.session(seven).vardiff().diff());

        // the vector share (extranonce1 8d3b5a1c is the first miner's) on the first run's job, sent after the restart
        assertThat(en1Seven).isEqualTo("8d3b5a1c");
        second.fromMiner(7, "{\"id\":4,\"method\":\"mining.submit\",\"params\":[\"" + W + "\",\"" + job
                + "\",\"0000002b\",\"662307b7\",\"7bec501e\",\"00a00000\"]}");
        assertThat(second.connector.reply(LINK, 4).toString())
                .isEqualTo("{\"id\":4,\"result\":true,\"error\":null,\"client_id\":7}");
        assertThat(second.engine.session(seven).workerStats().acceptedCount()).isEqualTo(1);

        // new work reaches both miners through the link; a new miner gets a fresh sub-client id
        second.connector.clear();
        second.engine.onTemplate(Vectors.templateC());
        assertThat(second.connector.received(LINK).stream().filter(n -> n.path("method").asText().equals("mining.notify")))
                .extracting(n -> n.path("client_id").asLong()).containsExactlyInAnyOrder(7L, 8L);
        second.fromMiner(9, "{\"id\":1,\"method\":\"mining.subscribe\",\"params\":[]}");
        assertThat(second.sub(9)).isLessThan(Math.min(seven, eight));
        JsonNode sub9 = second.connector.reply(LINK, 1);
        assertThat(sub9.path("client_id").asLong()).isEqualTo(9);
        assertThat(sub9.path("result").get(1).asText()).isNotIn(en1Seven, en1Eight);
    }

    @Test
    void aResumedConnectionWhoseLinkWasNotKeptIsClosedAtItsFirstPassthroughLine() {
        Stratifier first = new Stratifier(logdir, Vectors.C_TIME + 30);
        first.keeper.start();
        first.engine.onTemplate(Vectors.templateC());
        first.keeper.close(); // no link in the snapshot

        Stratifier second = new Stratifier(logdir, Vectors.C_TIME + 31);
        assertThat(second.keeper.restore()).isTrue();
        second.events.resumed(LINK, "192.0.2.1", 0);
        second.events.resumed(LINK + 1, "192.0.2.2", 0);
        second.fromMiner(7, "{\"id\":4,\"method\":\"mining.submit\",\"params\":[]}");
        assertThat(second.connector.drops).containsOnlyKeys(LINK);
        // an ordinary miner's line is the engine's as before
        second.events.line(LINK + 1, "{\"id\":1,\"method\":\"mining.subscribe\",\"params\":[]}");
        assertThat(second.connector.reply(LINK + 1, 1).path("result").isArray()).isTrue();
    }

    @Test
    void aKeptNodeLinkIsStillANodeAfterTheRestart() {
        Stratifier first = new Stratifier(logdir, Vectors.C_TIME + 30);
        first.keeper.start();
        first.engine.onTemplate(Vectors.templateC());
        first.events.connected(LINK, "192.0.2.9", NODESERVER);
        first.events.line(LINK, "{\"method\": \"mining.node\", \"params\": [\"ckpool/0.9.9\"]}");
        first.fromMiner(7, "{\"id\":1,\"method\":\"mining.subscribe\",\"params\":[]}");
        first.keeper.close();

        Stratifier second = new Stratifier(logdir, Vectors.C_TIME + 31);
        assertThat(second.keeper.restore()).isTrue();
        second.events.resumed(LINK, "192.0.2.9", NODESERVER);
        assertThat(second.links.describe().path("downstreams").get(0).path("mode").asText()).isEqualTo("node");
        assertThat(second.connector.received(LINK)).as("nothing sent again on resuming").isEmpty();
        // the next work reaches the node with its transactions and workinfo, and the miner behind it
        second.engine.onTemplate(Vectors.templateCNextBlock());
        assertThat(second.connector.received(LINK)).anyMatch(n -> n.path("node.method").asText().equals("workinfo"))
                .anyMatch(n -> n.path("method").asText().equals("mining.notify") && n.path("client_id").asLong() == 7);
    }
}
