package org.jckpool.stratifier.remote;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.jckpool.libpool.json.Json;
import org.jckpool.stratifier.engine.Authoriser;
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
    /** The main pool's own work base ids, handed out for remote work bases. */
    private long nextWorkId = 1_700_000_000_000L;
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
                leftEngine::add, InstantSource.fixed(Instant.ofEpochSecond(1_700_000_000)), () -> nextWorkId++);
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

    /** ckpool's remote auth line for a miner of the remote (clientid 5, the miner's own id 4). */
    static final String CKPOOL_AUTH = "{\"params\":[\"bob.rig1\",\"x\"],\"id\":4,\"method\":\"auth\","
            + "\"useragent\":\"cgminer/4.10\",\"enonce1\":\"a1b2c3d4\",\"address\":\"192.0.2.7\","
            + "\"clientid\":5}";

    @Test
    void aRemotesAuthIsDecidedByThisPoolsAuthoriserAndAnsweredWithAuthResult() throws Exception {
        TrustedRemotes r = remotes();
        List<Authoriser.Request> asked = new ArrayList<>();
        r.authoriser(() -> (req, done) -> {
            asked.add(req);
            done.accept(req.user().equals("bob") ? Authoriser.Decision.allow(0)
                    : Authoriser.Decision.refuse("Unknown user"));
        });
        r.connected(9, "10.0.0.9", TRUSTED);
        r.line(9, RemoteProtocol.hello("ckpool/0.9.9", "edge1"));
        sent.clear();

        assertThat(r.line(9, CKPOOL_AUTH)).isTrue();
        assertThat(sent).containsExactly(
                "9 {\"result\":true,\"error\":null,\"id\":4,\"method\":\"auth.result\",\"client_id\":5}");
        assertThat(asked).hasSize(1);
        Authoriser.Request q = asked.get(0);
        assertThat(q.worker()).isEqualTo("bob.rig1");
        assertThat(q.password()).isEqualTo("x");
        assertThat(q.address()).isEqualTo("192.0.2.7");
        assertThat(q.userAgent()).isEqualTo("cgminer/4.10");
        assertThat(q.clientId()).as("(link << 32) | clientid, as ckpool keys it").isEqualTo((9L << 32) | 5);
        assertThat(stats.existingUser("bob")).as("an allowed user is known here").isNotNull();

        sent.clear();
        r.line(9, CKPOOL_AUTH.replace("bob.rig1", "eve.rig").replace("\"clientid\":5", "\"clientid\":6"));
        assertThat(sent).containsExactly("9 {\"result\":false,\"error\":\"Unknown user\",\"id\":4,"
                + "\"method\":\"auth.result\",\"client_id\":6}");
        sent.clear();
        r.line(9, CKPOOL_AUTH.replace("bob.rig1", ".rig"));
        assertThat(sent).hasSize(1).first().asString().contains("\"result\":false").contains("auth.result");
        assertThat(asked).as("a bad name is refused before the authoriser").hasSize(2);
        assertThat(r.json().at("/remotes/0/seq").asLong()).as("auth is not a report: no seq, no ledger").isZero();
    }

    @Test
    void withoutAnAuthoriserEveryValidRemoteWorkerIsAllowed() throws Exception {
        TrustedRemotes r = remotes();
        r.connected(9, "10.0.0.9", TRUSTED);
        r.line(9, RemoteProtocol.hello("jckpool/0.1", "edge1"));
        sent.clear();
        r.line(9, CKPOOL_AUTH);
        assertThat(sent).containsExactly(
                "9 {\"result\":true,\"error\":null,\"id\":4,\"method\":\"auth.result\",\"client_id\":5}");
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

    static String message(String method, long seq, long workinfoId) {
        ObjectNode n = (ObjectNode) Json.parseOrNull(share(seq, "alice.rig", 8));
        n.put("method", method);
        n.put("workinfoid", workinfoId);
        return n.toString();
    }

    private long ckdbWorkinfoId(int index) {
        String line = ckdb.get(index);
        return Json.parseOrNull(line.substring(line.indexOf(' ') + 1)).path("workinfoid").asLong();
    }

    @Test
    void aRemotesWorkinfoIdsAreRemappedIntoThisPoolsIdsAndKeptAcrossARestart() throws Exception {
        TrustedRemotes r = remotes();
        r.connected(9, "10.0.0.9", TRUSTED);
        r.line(9, RemoteProtocol.hello("jckpool/0.1", "edge1"));
        r.connected(10, "10.0.0.10", TRUSTED);
        r.line(10, RemoteProtocol.hello("jckpool/0.1", "edge2"));
        // both remotes made work base 1_700_000_000_001 on their own clocks: ids that would collide in ckdb
        r.line(9, message("workinfo", 1, 1_700_000_000_001L));
        r.line(10, message("workinfo", 1, 1_700_000_000_001L));
        r.line(9, message("share", 2, 1_700_000_000_001L));
        r.line(10, message("shareerr", 2, 1_700_000_000_001L));
        r.line(9, message("block", 3, 1_700_000_000_001L));
        r.flush();
        assertThat(ckdb).hasSize(5);
        long edge1 = ckdbWorkinfoId(0);
        long edge2 = ckdbWorkinfoId(1);
        assertThat(edge1).as("taken from this pool's own ids").isEqualTo(1_700_000_000_000L);
        assertThat(edge2).isEqualTo(1_700_000_000_001L).isNotEqualTo(edge1);
        assertThat(ckdbWorkinfoId(2)).as("edge1's share names edge1's workinfo").isEqualTo(edge1);
        assertThat(ckdbWorkinfoId(3)).as("edge2's share error names edge2's").isEqualTo(edge2);
        assertThat(ckdbWorkinfoId(4)).as("and the block edge1's").isEqualTo(edge1);
        assertThat(nextWorkId).as("one id per remote work base, not per message").isEqualTo(1_700_000_000_002L);

        // the main pool restarts: a share replayed after it (not acked before) names the same id
        r.line(9, message("share", 4, 1_700_000_000_001L)); // recorded in memory, then the main pool dies
        TrustedRemotes after = remotes();
        after.connected(4, "10.0.0.9", TRUSTED);
        after.line(4, RemoteProtocol.hello("jckpool/0.1", "edge1"));
        ckdb.clear();
        after.line(4, message("share", 4, 1_700_000_000_001L));
        after.line(4, message("share", 5, 1_700_000_000_099L)); // a workinfo never seen: still a fresh id of ours
        assertThat(ckdbWorkinfoId(0)).isEqualTo(edge1);
        assertThat(ckdbWorkinfoId(1)).isEqualTo(1_700_000_000_002L);
        after.line(4, "{\"method\":\"share\",\"workinfoid\":\"x\",\"workername\":\"alice.rig\",\"diff\":1,\"seq\":6}");
        assertThat(ckdbWorkinfoId(2)).as("not a number: passed on, logged").isZero();
        assertThat(ckdb.get(2)).contains("\"workinfoid\":\"x\"");
    }
}
