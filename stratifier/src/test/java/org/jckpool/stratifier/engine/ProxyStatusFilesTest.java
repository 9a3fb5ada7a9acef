package org.jckpool.stratifier.engine;

import com.fasterxml.jackson.databind.JsonNode;
import org.jckpool.libpool.json.Json;
import org.jckpool.stratifier.status.StatusStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * ckpool writes pool.status and users/* in its proxy modes as in pool mode, the pool's share of the network
 * ("diff") taken against the difficulty of the upstream's work (its nbits). Pinned for -p and -u.
 */
class ProxyStatusFilesTest {
    /** Difficulty of nbits 207fffff (the upstream work's): diff-1 target over 0x7fffff·2^232. */
    static final double NETWORK_DIFF = new java.math.BigDecimal(BigInteger.valueOf(0xffff).shiftLeft(208))
            .divide(new java.math.BigDecimal(BigInteger.valueOf(0x7fffff).shiftLeft(232)),
                    java.math.MathContext.DECIMAL64).doubleValue();

    @TempDir
    Path dir;

    @Test
    void proxyModeFilesCountTheMinersSharesAgainstTheUpstreamsNetwork() throws Exception {
        EngineHarness h = new EngineHarness(Vectors.config(1e-10, 1e-10), Vectors.C_TIME);
        h.engine.upstreamForwarder((s, job, p, diff, block) -> { });
        h.engine.onUpstreamWork(ProxyWorkTest.work(1, 8, "up-a", true, 1e-10));
        long c = h.miner(1, "minerA.rig", false);
        mine(h, c, "minerA.rig", 3);

        assertFiles(h, "minerA", "minerA.rig");
    }

    @Test
    void userProxyModeFilesNameEachUser() throws Exception {
        EngineHarness h = new EngineHarness(Vectors.config(1e-10, 1e-10), Vectors.C_TIME);
        h.engine.upstreamForwarder((s, job, p, diff, block) -> { });
        h.engine.userProxy(true);
        h.engine.onUpstreamWork(ProxyWorkTest.work(1, 8, "own", true, 1e-10));
        long a = h.miner(1, "alice.rig1", false);
        h.engine.onUpstreamWork(UserProxyWorkTest.userWork("alice", 2, "a-1"));
        mine(h, a, "alice.rig1", 3);

        assertFiles(h, "alice", "alice.rig1");
    }

    private static void mine(EngineHarness h, long client, String worker, int shares) {
        String ntime = String.format("%08x", Vectors.C_TIME);
        for (int i = 0; i < shares; i++) {
            assertThat(h.submit(client, 10 + i, worker, h.jobId(client), String.format("%08x", i + 1), ntime,
                    "00000000", null).path("result").asBoolean()).isTrue();
        }
    }

    private void assertFiles(EngineHarness h, String user, String worker) throws Exception {
        assertThat(new StatusStore(dir).write(h.engine)).isTrue();
        String[] lines = Files.readString(dir.resolve("pool/pool.status")).split("\n");
        assertThat(lines).hasSize(3);
        JsonNode counts = Json.parseOrNull(lines[0]);
        assertThat(counts.path("Users").asInt()).isEqualTo(1);
        assertThat(counts.path("Workers").asInt()).isEqualTo(1);
        assertThat(Json.parseOrNull(lines[1]).has("hashrate1m")).isTrue();
        JsonNode shares = Json.parseOrNull(lines[2]);
        assertThat(shares.path("accepted").asDouble()).isEqualTo(3e-10);
        assertThat(shares.path("diff").asDouble()).isCloseTo(3e-10 / NETWORK_DIFF * 100,
                org.assertj.core.data.Percentage.withPercentage(0.01));

        JsonNode u = Json.parseOrNull(Files.readString(dir.resolve("users").resolve(user)));
        assertThat(u.path("shares").asDouble()).isEqualTo(3e-10);
        assertThat(u.path("workers").asInt()).isEqualTo(1);
        assertThat(u.path("worker").path(0).path("workername").asText()).isEqualTo(worker);
        assertThat(u.path("lastshare").asLong()).isPositive();
    }
}
