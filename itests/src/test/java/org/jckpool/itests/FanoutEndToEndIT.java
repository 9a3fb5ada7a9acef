package org.jckpool.itests;

import com.fasterxml.jackson.databind.JsonNode;
import org.jckpool.testkit.Await;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The new-block fan-out with real processes: scripts/simnode (bits 1e0fffff: generatetoaddress is quick, random
 * shares practically never solve a block), the suite, and scripts/testminer --load holding 5,000 connections.
 * Once all are ready the node mines two blocks, one after the other; every connection must receive the clean
 * notify of each (the load generator tracks which connections saw each new prevhash and when).
 */
class FanoutEndToEndIT {
    static final int CONNECTIONS = 5000;
    static final int BLOCKS = 2;
    static final Pattern BLOCK_LINE = Pattern.compile("^LOAD_FANOUT_BLOCK prevhash=(\\p{XDigit}{64}) reached=(\\d+) of (\\d+) spread_ms=(\\S+)"
            + " first_epoch_ms=(\\d+) last_epoch_ms=(\\d+)$");

    @TempDir
    Path dir;

    @Test
    void everyOneOfFiveThousandMinersGetsEachNewBlocksCleanNotify() throws Exception {
        long t0 = System.currentTimeMillis();
        try (MiningSuite suite = new MiningSuite(dir, "fanout", "1e0fffff",
                "\"mindiff\":0.0001,\"startdiff\":0.0002,\"highdiff\":0.0002")) {
            assertThat(suite.awaitReady(60_000)).as("suite ready; log:\n%s", suite.poolLog()).isTrue();
            // --duration covers the two blocks with ample room; the fan-out figures are printed at the end.
            LineProcess load = suite.startTestminer("fanout-load.err", "--load", "-u", "fan", "--connections",
                    Integer.toString(CONNECTIONS), "--rate", "1", "--duration", "30", "--ready-timeout", "90",
                    "--status-interval", "0", "--drain", "2");
            String ready = load.awaitLine(0, l -> l.startsWith("LOAD_READY "), 120_000)
                    .orElseThrow(() -> new AssertionError("load generator not ready\n" + load.output()));
            long readyAt = System.currentTimeMillis();
            assertThat(ready).as(load.output()).startsWith("LOAD_READY ready=" + CONNECTIONS + " of " + CONNECTIONS + " ");

            List<String> hashes = new ArrayList<>();
            for (int i = 0; i < BLOCKS; i++) {
                long height = suite.rpc.getBlockCount();
                // maxtries well above the ~2^20 hashes a block takes at these bits (Core's default 10^6 is not)
                JsonNode mined = suite.rpc.call("generatetoaddress", 1, MiningSuite.ADDRESS, 200_000_000);
                assertThat(mined.size()).as("generatetoaddress: %s", mined).isEqualTo(1);
                hashes.add(mined.get(0).asText());
                // The next block only once the pool works on this one, so the two notifies are separate changes.
                assertThat(Await.within(20_000, () -> {
                    JsonNode s = suite.stratifier("{\"method\":\"stats\"}");
                    return s != null && s.path("height").asLong() > height + 1;
                })).as("pool follows block %d: %s", i + 1, suite.stratifier("{\"method\":\"stats\"}")).isTrue();
            }
            long blocksDoneAfter = System.currentTimeMillis() - readyAt;
            assertThat(blocksDoneAfter).as("both blocks mined well inside the load's 30 s submit phase")
                    .isLessThan(25_000);

            assertThat(load.awaitExit(60_000)).as(load.output()).isZero();
            List<String> out = load.lines();
            out.stream().filter(l -> l.startsWith("LOAD_")).forEach(l -> System.out.println("fanout: " + l));
            System.out.printf("fanout: blocks mined within %d ms of LOAD_READY; whole test %.1f s%n",
                    blocksDoneAfter, (System.currentTimeMillis() - t0) / 1000.0);

            assertThat(LineProcess.first(out, "LOAD_SUMMARY ")).contains("connections=" + CONNECTIONS,
                    "connected=" + CONNECTIONS, "connect_failed=0", "ready_at_end=" + CONNECTIONS, "disconnects=0");
            assertThat(LineProcess.first(out, "LOAD_FANOUT ")).as(load.output())
                    .startsWith("LOAD_FANOUT block_changes=" + BLOCKS + " complete=" + BLOCKS
                            + " connections=" + CONNECTIONS + " ");
            List<Matcher> blocks = out.stream().map(BLOCK_LINE::matcher).filter(Matcher::matches).toList();
            assertThat(blocks).as(load.output()).hasSize(BLOCKS);
            for (int i = 0; i < BLOCKS; i++) {
                Matcher m = blocks.get(i);
                assertThat(m.group(1)).as("notify prevhash of block %d", i + 1)
                        .isEqualTo(stratumPrevHash(hashes.get(i)));
                assertThat(Integer.parseInt(m.group(2))).as(m.group()).isEqualTo(CONNECTIONS);
                assertThat(Integer.parseInt(m.group(3))).as(m.group()).isEqualTo(CONNECTIONS);
                assertThat(Long.parseLong(m.group(6)) - Long.parseLong(m.group(5))).as(m.group())
                        .isBetween(0L, (long) Math.ceil(Double.parseDouble(m.group(4))) + 2);
            }
        }
    }

    /** Stratum's prevhash: the block hash's 4-byte words in reverse order (docs/PROTOCOL.md §2.2). */
    static String stratumPrevHash(String rpcHash) {
        StringBuilder b = new StringBuilder(64);
        for (int i = 56; i >= 0; i -= 8) {
            b.append(rpcHash, i, i + 8);
        }
        return b.toString();
    }
}
