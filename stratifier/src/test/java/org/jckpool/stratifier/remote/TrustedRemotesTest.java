package org.jckpool.stratifier.remote;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.jckpool.libpool.json.Json;
import org.jckpool.stratifier.engine.ClientOutbound;
import org.jckpool.stratifier.stats.StatsRegistry;
import org.jckpool.stratifier.stats.UserStats;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** The main pool's side: the trust check, accounting, acks and duplicates, over a fake connector. */
class TrustedRemotesTest {
    static final int TRUSTED = 2;
    @TempDir
    Path dir;

    private final List<String> sent = new ArrayList<>();
    private final List<Long> dropped = new ArrayList<>();
    private final List<Long> leftEngine = new ArrayList<>();
    private final List<String> ckdb = new ArrayList<>();
    private final StatsRegistry stats = new StatsRegistry(0);
    private final ClientOutbound connector = new ClientOutbound() {
        @Override
        public void send(long clientId, String line) {
            sent.add(clientId + " " + line);
        }

        @Override
        public void broadcast(String line) {
        }

        @Override
        public void drop(long clientId, String reason) {
            dropped.add(clientId);
        }
    };

    private TrustedRemotes remotes() throws Exception {
        TrustedRemotes r = new TrustedRemotes(Set.of(TRUSTED), stats, RemoteLedger.open(dir), connector,
                leftEngine::add, InstantSource.fixed(Instant.ofEpochSecond(1_700_000_000)));
        r.ckdb((id, msg) -> ckdb.add(id + " " + msg));
        return r;
    }

    static String share(long seq, String worker, double diff) {
        ObjectNode n = Json.object();
        n.put("method", "share");
        n.put("workinfoid", 7);
        n.put("clientid", 3);
        n.put("username", worker.substring(0, worker.indexOf('.')));
        n.put("workername", worker);
        n.put("diff", diff);
        n.put("sdiff", diff * 3);
        n.put("result", true);
        n.put("seq", seq);
        return n.toString();
    }

    private double acceptedCount(String user, String worker) {
        UserStats u = stats.existingUser(user);
        assertThat(u).isNotNull();
        u.fold(1_700_000_000_000L);
        u.worker(worker, 0).fold(1_700_000_000_000L);
        assertThat(u.worker(worker, 0).acceptedCount()).isEqualTo(u.acceptedCount());
        return u.acceptedCount();
    }

    @Test
    void mininigRemoteOnAnUntrustedServerIsRefusedWithAnErrorAndClosed() throws Exception {
        TrustedRemotes r = remotes();
        r.connected(5, "10.0.0.5", 0);
        assertThat(r.line(5, "{\"id\":1,\"method\":\"mining.remote\",\"params\":[\"ckpool/0.9.9\"]}")).isTrue();
        assertThat(sent).containsExactly(
                "5 {\"id\":1,\"result\":false,\"error\":\"mining.remote only on a trusted server\"}");
        assertThat(dropped).containsExactly(5L);
        assertThat(leftEngine).isEmpty();
        assertThat(r.line(5, share(1, "alice.rig", 8))).as("not a link: the engine's line").isFalse();
        assertThat(stats.existingUser("alice")).isNull();
    }

    @Test
    void aTrustedRemoteIsAcceptedAsCkpoolAnswersAndItsSharesAreCountedOnce() throws Exception {
        TrustedRemotes r = remotes();
        r.connected(9, "10.0.0.9", TRUSTED);
        assertThat(r.line(9, RemoteProtocol.hello("jckpool/0.1", "edge1"))).isTrue();
        assertThat(sent).containsExactly("9 {\"result\": true}");
        assertThat(leftEngine).containsExactly(9L);

        assertThat(r.line(9, share(1, "alice.rig", 8))).isTrue();
        assertThat(r.line(9, share(2, "alice.rig", 8))).isTrue();
        assertThat(r.line(9, share(2, "alice.rig", 8))).as("a duplicate is still the link's").isTrue();
        assertThat(r.line(9, share(1, "alice.rig", 8))).isTrue();
        assertThat(acceptedCount("alice", "alice.rig")).isEqualTo(2);
        assertThat(sent).as("nothing acked before the ledger is written").hasSize(1);
        r.flush();
        assertThat(sent.subList(1, sent.size())).containsExactly("9 {\"method\":\"ack\",\"seq\":2}");
        assertThat(RemoteLedger.open(dir).seq("edge1")).as("written before the ack").isEqualTo(2);
        r.flush();
        assertThat(sent).as("an ack goes once").hasSize(2);
        r.line(9, share(1, "alice.rig", 8));
        r.flush();
        assertThat(sent.get(sent.size() - 1)).as("a replay is acked again").isEqualTo("9 {\"method\":\"ack\",\"seq\":2}");
        assertThat(ckdb).hasSize(2).allMatch(l -> l.startsWith("shares {") && !l.contains("\"seq\"")
                && !l.contains("\"method\""));
        ObjectNode ledger = r.json();
        assertThat(ledger.at("/remotes/0/id").asText()).isEqualTo("edge1");
        assertThat(ledger.at("/remotes/0/shares").asLong()).isEqualTo(2);
        assertThat(ledger.at("/remotes/0/diff").asDouble()).isEqualTo(16);
        assertThat(ledger.at("/remotes/0/replays").asLong()).as("seq 2 once, seq 1 twice").isEqualTo(3);
        assertThat(ledger.at("/remotes/0/connected").asBoolean()).isTrue();
        r.connected(11, "10.0.0.9", TRUSTED);
        r.line(11, RemoteProtocol.hello("jckpool/0.1", "edge1"));
        assertThat(dropped).as("the older connection of the same remote is closed").containsExactly(9L);
        r.disconnected(9);
        assertThat(r.json().at("/remotes/0/connected").asBoolean()).as("still connected through 11").isTrue();
        r.disconnected(11);
        assertThat(r.json().at("/remotes/0/connected").asBoolean()).isFalse();
    }

    @Test
    void afterARestartOfTheMainPoolTheLedgerStillKnowsWhatWasCounted() throws Exception {
        TrustedRemotes before = remotes();
        before.connected(9, "10.0.0.9", TRUSTED);
        before.line(9, RemoteProtocol.hello("jckpool/0.1", "edge1"));
        before.line(9, share(1, "alice.rig", 8));
        before.line(9, share(2, "alice.rig", 8));
        before.flush();
        before.line(9, share(3, "alice.rig", 8)); // counted in memory, never written: the main pool dies here
        sent.clear();

        TrustedRemotes after = remotes();
        after.connected(4, "10.0.0.9", TRUSTED);
        after.line(4, RemoteProtocol.hello("jckpool/0.1", "edge1"));
        after.flush();
        assertThat(sent).as("the handshake answer, then what is already accounted")
                .containsExactly("4 {\"result\": true}", "4 {\"method\":\"ack\",\"seq\":2}");
        after.line(4, share(1, "alice.rig", 8));
        after.line(4, share(2, "alice.rig", 8));
        after.line(4, share(3, "alice.rig", 8));
        after.flush();
        assertThat(after.json().at("/remotes/0/shares").asLong())
                .as("1 and 2 once; 3, never written before the death, counted now").isEqualTo(3);
        assertThat(sent.get(sent.size() - 1)).isEqualTo("4 {\"method\":\"ack\",\"seq\":3}");
    }

    @Test
    void pingBlocksErrorsAndBadLines() throws Exception {
        TrustedRemotes r = remotes();
        r.connected(9, "10.0.0.9", TRUSTED);
        r.line(9, RemoteProtocol.hello("ckpool/0.9.9", null));
        sent.clear();
        r.line(9, "{\"method\":\"ping\"}");
        assertThat(sent).containsExactly("9 {\"method\":\"pong\"}");
        sent.clear();
        r.line(9, "{\"method\":\"share\",\"workername\":\"bob.1\",\"diff\":0,\"seq\":1}");
        r.line(9, "not json");
        r.flush();
        assertThat(sent).as("a share without a usable diff is neither counted nor acked").isEmpty();
        r.line(9, "{\"method\":\"block\",\"height\":5,\"workername\":\"bob.1\",\"name\":\"edge\",\"blockhash\":\"00ab\"}");
        r.line(9, "{\"method\":\"shareerr\",\"workername\":\"bob.1\",\"diff\":4,\"error\":\"Stale\"}");
        ObjectNode ledger = r.json();
        assertThat(ledger.at("/remotes/0/id").asText()).as("ckpool's remote: known by its address")
                .isEqualTo("address:10.0.0.9");
        assertThat(ledger.at("/remotes/0/blocks").asLong()).isEqualTo(1);
        assertThat(ledger.at("/remotes/0/shareerrors").asLong()).isEqualTo(1);
        assertThat(ledger.at("/remotes/0/shares").asLong()).isZero();
        assertThat(stats.existingUser("bob").rejectedCount()).isEqualTo(1);
        assertThat(ckdb).hasSize(2);
        assertThat(ckdb.get(0)).startsWith("block {");
        assertThat(ckdb.get(1)).startsWith("shareerror {");
    }

    @Test
    void aReportWithoutMiningRemoteOnATrustedServerClosesTheConnection() throws Exception {
        TrustedRemotes r = remotes();
        r.connected(9, "10.0.0.9", TRUSTED);
        byte[] b = share(5, "alice.rig", 8).getBytes(StandardCharsets.UTF_8);
        assertThat(r.line(9, b, 0, b.length)).isTrue();
        assertThat(dropped).containsExactly(9L);
        assertThat(stats.existingUser("alice")).isNull();
        r.connected(-3, "10.0.0.11", TRUSTED); // a miner behind a passthrough link on the trusted port
        assertThat(r.line(-3, RemoteProtocol.hello("jckpool/0.1", "sneaky"))).as("left to the engine").isFalse();
        assertThat(r.json().path("remotes").size()).isZero();
        r.connected(10, "10.0.0.10", 0);
        byte[] sub = "{\"id\":1,\"method\":\"mining.subscribe\",\"params\":[]}".getBytes(StandardCharsets.UTF_8);
        assertThat(r.line(10, sub, 0, sub.length)).as("a miner's line goes on to the engine").isFalse();
    }
}
