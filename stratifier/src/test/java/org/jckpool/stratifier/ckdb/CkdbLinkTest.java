package org.jckpool.stratifier.ckdb;

import org.jckpool.stratifier.share.SolutionOutcome;
import com.fasterxml.jackson.databind.JsonNode;
import org.jckpool.stratifier.engine.EngineHarness;
import org.jckpool.stratifier.engine.Vectors;
import org.jckpool.testkit.Await;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** CkdbLink between a real engine and a fake ckdb socket: authorise, messages, heartbeat, ckdb down, restart. */
class CkdbLinkTest {
    static final String W = CkdbMessagesTest.W;
    static final String USER = Vectors.REGTEST_ADDR;

    Path dir;
    Path socket;
    CkdbSettings settings;

    @BeforeEach
    void setUp() throws IOException {
        dir = Files.createTempDirectory("ckdblink");
        socket = dir.resolve("listener");
        settings = new CkdbSettings(socket, dir.resolve("logs"), "pool1");
    }

    @AfterEach
    void tearDown() throws IOException {
        try (Stream<Path> s = Files.walk(dir)) {
            s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    /** Connects, subscribes and authorises; waits for the (asynchronous) authorise reply. */
    static JsonNode authorise(EngineHarness h, long c, String worker) throws Exception {
        h.engine.onConnect(c, "127.0.0.1", 0);
        h.line(c, "{\"id\":2,\"method\":\"mining.subscribe\",\"params\":[\"m/1\"]}");
        h.line(c, "{\"id\":3,\"method\":\"mining.authorize\",\"params\":[\"" + worker + "\",\"x\"]}");
        assertThat(Await.within(5_000, () -> h.out.reply(c, 3) != null)).as("authorise reply").isTrue();
        return h.out.reply(c, 3);
    }

    static EngineHarness engine() {
        return CkdbMessagesTest.regtest();
    }

    static CkdbLink link(CkdbSettings settings, EngineHarness h) throws IOException {
        CkdbLink link = CkdbLink.open(settings, h.engine, h.clock);
        h.engine.shareObserver(link::share);
        return link;
    }

    @Test
    void authoriseAppliesDefaultDifficultyAndSharesBlocksAndStatsArriveInOrder() throws Exception {
        try (FakeCkdb ckdb = new FakeCkdb(socket)) {
            ckdb.users.put(USER, 0.0);
            ckdb.users.put("alice", 16.0);
            EngineHarness h = engine();
            try (CkdbLink link = link(settings, h)) {
                link.workinfo(h.engine.currentJob().base());
                // first subscriber: it gets the vector's extranonce1, so its share is the vector's block
                assertThat(authorise(h, 1, W).get("result").asBoolean()).isTrue();
                // alice's workers get her default difficulty as floor (capped here by regtest's network
                // difficulty; the start difficulty itself is checked on mainnet-like work below)
                assertThat(authorise(h, 2, "alice.rig").get("result").asBoolean()).isTrue();
                assertThat(h.engine.session(2).vardiff().suggested()).isEqualTo(16.0);
                assertThat(authorise(h, 3, "bob.rig").get("error").get(1).asText()).isEqualTo("Unknown user bob");

                h.submit(1, 7, W, h.jobId(1), "00000001", "6553f100", "00000000", null);
                h.submit(1, 8, W, h.jobId(1), "00000001", "6553f100", "00000000", null);
                link.blockResult(CkdbMessagesTest.BLOCK_HASH, SolutionOutcome.ACCEPTED, true);
                link.stats();
                assertThat(link.client().awaitDelivered(5_000)).isTrue();
                assertThat(link.status().get("backlog").asLong()).isZero();
            }
            List<String> order = ckdb.all().stream().map(m -> m.get("method").asText()).toList();
            assertThat(order).containsExactly("workinfo", "shares", "block", "shareerror", "blockstatus",
                    "poolstats", "userstats", "workerstats");
            List<Long> seqs = ckdb.all().stream().map(m -> m.get("params").get("seq").asLong()).toList();
            assertThat(seqs).containsExactly(1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L);
            assertThat(ckdb.messages("shares").get(0).get("workername").asText()).isEqualTo(W);
            assertThat(ckdb.messages("block").get(0).get("blockhash").asText())
                    .isEqualTo(CkdbMessagesTest.BLOCK_HASH);
            assertThat(ckdb.messages("blockstatus").get(0).get("status").asText()).isEqualTo("confirmed");
            assertThat(ckdb.messages("workerstats").get(0).get("shares").asLong()).isEqualTo(1);
            assertThat(ckdb.authorised).containsExactly(W, "alice.rig");
        }
    }

    @Test
    void defaultDifficultyIsTheStartDifficultyAndHeartbeatChangesIt() throws Exception {
        try (FakeCkdb ckdb = new FakeCkdb(socket)) {
            ckdb.users.put("alice", 16.0);
            EngineHarness h = new EngineHarness(Vectors.config(1, 1), Vectors.C_TIME);
            h.engine.onTemplate(Vectors.templateC());
            try (CkdbLink link = link(settings, h)) {
                authorise(h, 1, "alice.rig");
                // the default difficulty follows the authorize reply (work came with the subscribe result)
                assertThat(Await.within(5_000, () -> h.out.lastMethod(1, "mining.set_difficulty").get("params")
                        .get(0).asDouble() == 16.0)).as("default difficulty sent").isTrue();
                ckdb.pushDiffChange("alice", "alice.rig", 128);
                link.heartbeat();
                assertThat(h.out.lastMethod(1, "mining.set_difficulty").get("params").get(0).asDouble())
                        .isEqualTo(128.0);
                assertThat(link.status().get("diff_changes").asLong()).isEqualTo(1);
                link.heartbeat(); // the same change is not applied twice
                assertThat(link.status().get("diff_changes").asLong()).isEqualTo(1);
            }
        }
    }

    @Test
    void ckdbDownCachedWorkerStillAuthorisesNewOneIsRefusedAndMessagesAreSpooled() throws Exception {
        FakeCkdb first = new FakeCkdb(socket);
        first.users.put("alice", 16.0);
        EngineHarness h1 = new EngineHarness(Vectors.config(1, 1), Vectors.C_TIME);
        h1.engine.onTemplate(Vectors.templateC());
        try (CkdbLink link = link(settings, h1)) {
            authorise(h1, 1, "alice.rig");
            assertThat(Await.within(5_000, () -> h1.out.lastMethod(1, "mining.set_difficulty").get("params")
                    .get(0).asDouble() == 16.0)).as("default difficulty sent").isTrue();
            link.workinfo(h1.engine.currentJob().base());
            assertThat(link.client().awaitDelivered(5_000)).isTrue();
        }
        first.close();

        // ckdb is gone: a restarted stratifier keeps its sequence and spools
        EngineHarness h = new EngineHarness(Vectors.config(1, 1), Vectors.C_TIME);
        h.engine.onTemplate(Vectors.templateC());
        String source;
        try (CkdbLink link = link(settings, h)) {
            source = link.client().source();
            assertThat(link.client().lastSeq()).isEqualTo(1);
            JsonNode ok = authorise(h, 1, "alice.rig");
            assertThat(ok.get("result").asBoolean()).as("%s", ok).isTrue();
            // the cached default difficulty follows the authorize reply, as ckdb's own would
            assertThat(Await.within(5_000, () -> h.out.lastMethod(1, "mining.set_difficulty").get("params")
                    .get(0).asDouble() == 16.0)).as("cached default difficulty").isTrue();
            JsonNode refused = authorise(h, 2, "carol.rig");
            assertThat(refused.get("error").get(1).asText()).isEqualTo("Pool database unavailable, try again later");
            for (int i = 0; i < 5; i++) {
                link.workinfo(h.engine.currentJob().base());
            }
            // an invalid share of the cached worker: a shareerror, queued
            h.submit(1, 9, "alice.rig", "ffff", "00000001", "6623ae37", "00000000", null);
            assertThat(link.client().lastSeq()).isEqualTo(7);
            assertThat(Await.holdsFor(200, () -> link.client().deliveredSeq() == 1
                    && !link.status().get("connected").asBoolean())).as("queued, not delivered, while ckdb is away")
                    .isTrue();
        }
        // ckdb returns after another stratifier restart: everything arrives, in order, once
        try (FakeCkdb ckdb = new FakeCkdb(socket)) {
            EngineHarness h3 = new EngineHarness(Vectors.config(1, 1), Vectors.C_TIME);
            try (CkdbLink link = link(settings, h3)) {
                assertThat(link.client().source()).isEqualTo(source);
                link.workinfo(h.engine.currentJob().base());
                assertThat(link.client().awaitDelivered(10_000)).isTrue();
            }
            List<Long> seqs = ckdb.all().stream().map(m -> m.get("params").get("seq").asLong()).toList();
            assertThat(seqs).containsExactly(2L, 3L, 4L, 5L, 6L, 7L, 8L);
            assertThat(ckdb.all().get(5).get("method").asText()).isEqualTo("shareerror");
            assertThat(ckdb.messages("shareerror").get(0).get("error").asText()).isEqualTo("Invalid JobID");
            assertThat(ckdb.all()).allSatisfy(m -> assertThat(m.get("params").get("source").asText())
                    .isEqualTo(source));
        }
    }
}
