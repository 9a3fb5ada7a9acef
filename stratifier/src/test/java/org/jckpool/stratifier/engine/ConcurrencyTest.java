package org.jckpool.stratifier.engine;

import org.jckpool.stratifier.share.SolutionOutcome;
import org.jckpool.libpool.bitcoin.Hex;
import org.jckpool.stratifier.vardiff.VardiffConfig;
import org.junit.jupiter.api.Test;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

class ConcurrencyTest {
    static final String W = Vectors.MAIN_ADDR + ".c";

    @Test
    void parallelSubmittersKeepCountsAndDuplicatesExact() throws Exception {
        EngineConfig cfg = EngineConfig.of(Vectors.work(), new VardiffConfig(1e-10, 1e-10, 0), 0x1fffe000, false,
                Hex.decode(Vectors.P2WPKH), Vectors.RESOLVER);
        AtomicInteger ok = new AtomicInteger();
        AtomicInteger dup = new AtomicInteger();
        ClientOutbound out = new ClientOutbound() {
            @Override
            public void send(long clientId, String line) {
                if (line.contains("\"result\":true") && line.startsWith("{\"id\":9,")) {
                    ok.incrementAndGet();
                } else if (line.contains("\"Duplicate\"")) {
                    dup.incrementAndGet();
                }
            }

            @Override
            public void broadcast(String line) {
            }

            @Override
            public void drop(long clientId, String reason) {
                throw new AssertionError(reason);
            }
        };
        ManualClock clock = new ManualClock((Vectors.C_TIME + 5) * 1000);
        StratumEngine e = new StratumEngine(cfg, out, s -> SolutionOutcome.SUBMITTED, clock, 7);
        e.onTemplate(Vectors.templateC());
        String job = e.currentJob().idHex();
        for (int c = 0; c < 4; c++) {
            e.onConnect(c, "127.0.0.1", 0);
            e.onLine(c, "{\"id\":2,\"method\":\"mining.subscribe\",\"params\":[]}");
            e.onLine(c, "{\"id\":3,\"method\":\"mining.authorize\",\"params\":[\"" + W + "\",\"\"]}");
        }
        int perThread = 2000;
        CountDownLatch go = new CountDownLatch(1);
        Thread[] ts = new Thread[4];
        for (int t = 0; t < 4; t++) {
            // threads 0,1 share client 0 and send the same shares (one of each pair must be a duplicate);
            // threads 2,3 use clients 2 and 3
            final long client = t < 2 ? 0 : t;
            ts[t] = new Thread(() -> {
                try {
                    go.await();
                } catch (InterruptedException ex) {
                    return;
                }
                for (int i = 0; i < perThread; i++) {
                    e.onLine(client, "{\"id\":9,\"method\":\"mining.submit\",\"params\":[\"" + W + "\",\"" + job
                            + "\",\"" + String.format("%08x", i) + "\",\"662307b7\",\"00000001\"]}");
                }
            });
            ts[t].start();
        }
        go.countDown();
        for (Thread t : ts) {
            t.join();
        }
        assertThat(ok.get()).isEqualTo(3 * perThread);
        assertThat(dup.get()).isEqualTo(perThread);
        assertThat(e.stats().pool().acceptedCount()).isEqualTo(3 * perThread);
        assertThat(e.stats().existingUser(Vectors.MAIN_ADDR).acceptedCount()).isEqualTo(3 * perThread);
    }
}
