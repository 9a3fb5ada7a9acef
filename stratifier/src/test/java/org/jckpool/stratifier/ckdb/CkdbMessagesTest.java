package org.jckpool.stratifier.ckdb;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.jckpool.libpool.bitcoin.Hex;
import org.jckpool.stratifier.engine.EngineConfig;
import org.jckpool.stratifier.engine.EngineHarness;
import org.jckpool.stratifier.engine.Vectors;
import org.jckpool.stratifier.session.ClientSession;
import org.jckpool.stratifier.share.ShareResult;
import org.jckpool.stratifier.stats.UserStats;
import org.jckpool.stratifier.vardiff.VardiffConfig;
import org.jckpool.stratifier.work.WorkBase;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/** Message bodies built from real engine objects: docs/PROTOCOL.md vector (g), the regtest block at height 1. */
class CkdbMessagesTest {
    static final String W = Vectors.REGTEST_ADDR + ".w";
    static final String BLOCK_HASH = "50b98f66728b0ac862ef734bcb889000ef3df51dec16ca9c21d35c570dcf5600";
    /** Difficulty of regtest bits 207fffff. */
    static final double REGTEST_DIFF = 4.6565423739069247e-10;

    record Judged(ClientSession session, ShareResult result, long now) {
    }

    static EngineHarness regtest() {
        EngineConfig cfg = EngineConfig.of(Vectors.work(), new VardiffConfig(1e-12, 42, 0), 0x1fffe000, false,
                Hex.decode(Vectors.P2WPKH), Vectors.REGTEST_RESOLVER);
        EngineHarness h = new EngineHarness(cfg, 1_700_000_010L);
        h.engine.onTemplate(Vectors.templateG());
        return h;
    }

    @Test
    void workinfoDescribesTheWorkBase() {
        EngineHarness h = regtest();
        WorkBase base = h.engine.currentJob().base();
        ObjectNode p = CkdbMessages.workinfo(base, "pool1");
        assertThat(p.get("workinfoid").asLong()).isEqualTo(base.id());
        assertThat(p.get("poolinstance").asText()).isEqualTo("pool1");
        assertThat(p.get("height").asLong()).isEqualTo(1);
        assertThat(p.get("prevhash").asText())
                .isEqualTo("0f9188f13cb7b2c71f2a335e3a4fc328bf5beb436012afca590b1a11466e2206");
        assertThat(p.get("bits").asText()).isEqualTo("207fffff");
        assertThat(p.get("ntime").asText()).isEqualTo("6553f100");
        assertThat(p.get("version").asText()).isEqualTo("20000000");
        assertThat(p.get("reward").asLong()).isEqualTo(5_000_000_000L);
        assertThat(p.get("createdate").asText()).isEqualTo("1700000010,0");
    }

    @Test
    void acceptedShareBlockAndDuplicateShareError() {
        EngineHarness h = regtest();
        List<Judged> judged = new ArrayList<>();
        h.engine.shareObserver((s, r, now) -> judged.add(new Judged(s, r, now)));
        h.miner(1, W, false);
        String job = h.jobId(1);
        h.clock.advanceSeconds(1.25);
        h.submit(1, 7, W, job, "00000001", "6553f100", "00000000", null);
        h.submit(1, 8, W, job, "00000001", "6553f100", "00000000", null);
        assertThat(judged).hasSize(2);
        long workinfoid = h.engine.currentJob().base().id();
        String en1 = h.engine.session(1).extranonce1Hex();

        Judged ok = judged.get(0);
        ObjectNode share = CkdbMessages.share(ok.session(), ok.result(), ok.now());
        assertThat(share.get("username").asText()).isEqualTo(Vectors.REGTEST_ADDR);
        assertThat(share.get("workername").asText()).isEqualTo(W);
        assertThat(share.get("workinfoid").asLong()).isEqualTo(workinfoid);
        assertThat(share.get("clientid").asLong()).isEqualTo(1);
        assertThat(share.get("enonce1").asText()).isEqualTo(en1).isEqualTo("8d3b5a1c");
        assertThat(share.get("diff").asDouble()).isEqualTo(REGTEST_DIFF, within(1e-20));
        assertThat(share.get("sdiff").asDouble()).isGreaterThan(share.get("diff").asDouble());
        assertThat(share.get("createdate").asText()).isEqualTo("1700000011,250000000");

        ObjectNode block = CkdbMessages.block(ok.session(), ok.result(), ok.now());
        assertThat(block.get("blockhash").asText()).isEqualTo(BLOCK_HASH);
        assertThat(block.get("height").asLong()).isEqualTo(1);
        assertThat(block.get("username").asText()).isEqualTo(Vectors.REGTEST_ADDR);
        assertThat(block.get("workername").asText()).isEqualTo(W);
        assertThat(block.get("workinfoid").asLong()).isEqualTo(workinfoid);
        assertThat(block.get("reward").asLong()).isEqualTo(5_000_000_000L);
        assertThat(block.get("netdiff").asDouble()).isEqualTo(REGTEST_DIFF, within(1e-20));

        Judged dup = judged.get(1);
        ObjectNode err = CkdbMessages.shareError(dup.session(), dup.result(), dup.now());
        assertThat(err.get("username").asText()).isEqualTo(Vectors.REGTEST_ADDR);
        assertThat(err.get("workinfoid").asLong()).isEqualTo(workinfoid);
        assertThat(err.get("errn").asInt()).isEqualTo(22);
        assertThat(err.get("error").asText()).isEqualTo("Duplicate");

        assertThat(CkdbMessages.blockStatus(BLOCK_HASH, "confirmed").toString())
                .isEqualTo("{\"blockhash\":\"" + BLOCK_HASH + "\",\"status\":\"confirmed\"}");
    }

    @Test
    void statsCarryHashratesCountsAndTotals() {
        EngineHarness h = regtest();
        h.miner(1, W, false);
        h.submit(1, 7, W, h.jobId(1), "00000001", "6553f100", "00000000", null);
        h.clock.advanceSeconds(60);
        h.engine.tick();
        long now = h.clock.millis();
        ObjectNode pool = CkdbMessages.poolStats("pool1", h.engine.stats().pool(), h.engine.poolCounts(),
                now - 120_000, now);
        assertThat(pool.get("poolinstance").asText()).isEqualTo("pool1");
        assertThat(pool.get("elapsed").asLong()).isEqualTo(120);
        assertThat(pool.get("users").asInt()).isEqualTo(1);
        assertThat(pool.get("workers").asInt()).isEqualTo(1);
        assertThat(pool.get("shares").asLong()).isEqualTo(1);
        assertThat(pool.get("accepted").asDouble()).isEqualTo(REGTEST_DIFF, within(1e-20));
        assertThat(pool.get("hashrate1m").asDouble()).isGreaterThan(0);
        for (String k : List.of("hashrate5m", "hashrate15m", "hashrate1hr", "hashrate6hr", "hashrate1d",
                "hashrate7d", "rejected", "rejects", "bestshare", "lastshare", "createdate")) {
            assertThat(pool.has(k)).as(k).isTrue();
        }
        UserStats u = h.engine.stats().existingUser(Vectors.REGTEST_ADDR);
        JsonNode ws = CkdbMessages.workerStats("pool1", u.name(), W, u.worker(W, now), now);
        assertThat(ws.get("username").asText()).isEqualTo(Vectors.REGTEST_ADDR);
        assertThat(ws.get("workername").asText()).isEqualTo(W);
        assertThat(ws.get("shares").asLong()).isEqualTo(1);
        assertThat(ws.get("lastshare").asLong()).isEqualTo(1_700_000_010L);
        JsonNode us = CkdbMessages.userStats("pool1", u.name(), u, now);
        assertThat(us.has("workername")).isFalse();
        assertThat(us.get("shares").asLong()).isEqualTo(1);
    }

    @Test
    void settingsFromConfig() throws Exception {
        Path logs = Path.of("/var/log/pool");
        assertThat(CkdbSettings.from(Vectors.json("{\"btcaddress\":\"x\"}"), logs, "ckpool")).isEmpty();
        CkdbSettings s = CkdbSettings.from(Vectors.json("{\"ckdbname\":\"db2\"}"), logs, "my pool").orElseThrow();
        assertThat(s.socket()).isEqualTo(Path.of("/tmp/db2/listener"));
        assertThat(s.spoolDir()).isEqualTo(logs);
        assertThat(s.source()).isEqualTo("my_pool");
        s = CkdbSettings.from(Vectors.json("{\"ckdbsockdir\":\"/run/ckdb\"}"), logs, "p").orElseThrow();
        assertThat(s.socket()).isEqualTo(Path.of("/run/ckdb/listener"));
        assertThatThrownBy(() ->
                CkdbSettings.from(Vectors.json("{\"ckdbname\":\"a/b\"}"), logs, "p"))
                .hasMessageContaining("ckdbname");
        assertThatThrownBy(() ->
                CkdbSettings.from(Vectors.json("{\"ckdbsockdir\":7}"), logs, "p"))
                .hasMessageContaining("ckdbsockdir");
    }
}
