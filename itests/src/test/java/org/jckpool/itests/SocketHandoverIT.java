package org.jckpool.itests;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.jckpool.testkit.Await;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The listening sockets outlive the connector (the listener holds them and hands them over with getxfd): a
 * SIGKILLed connector refuses no connect, and its miners resume their sessions on the restarted one; likewise
 * for {@code ckpool -H} (a new instance takes the sockets and sessions of the running one) and {@code ckpmsg
 * restart}. {@value #MINERS} miners submit throughout, a connect loop runs every 10 ms; the figures are printed.
 */
class SocketHandoverIT {
    static final int MINERS = 120;
    static final String DIFF = "\"mindiff\":0.000001,\"startdiff\":0.000001,\"highdiff\":0.000001";

    @TempDir
    Path dir;

    private MiningSuite suite(String name) throws Exception {
        MiningSuite s = new MiningSuite(dir, name, "1f00ffff", DIFF);
        assertThat(s.awaitReady(60_000)).as("suite ready; log:\n%s", s.poolLog()).isTrue();
        return s;
    }

    private static List<ResumingMiner> miners(MiningSuite suite) throws Exception {
        List<ResumingMiner> miners = new ArrayList<>();
        for (int i = 0; i < MINERS; i++) {
            miners.add(new ResumingMiner(suite.stratumPort, MiningSuite.ADDRESS + ".m" + i, 250));
        }
        assertThat(Await.within(30_000, () -> miners.stream().allMatch(m -> m.authorised)))
                .as("all miners authorised").isTrue();
        miners.forEach(ResumingMiner::startMeasuring);
        return miners;
    }

    /** Figures of one disruption that started at {@code at}. */
    private record Figures(int connects, int refusedConnects, int minerRefused, long backMaxMs, int kept,
                           long longestSilenceMs) {
        static Figures of(ConnectLoop loop, List<ResumingMiner> miners, long at) {
            return new Figures(loop.attempts(), loop.refused.get(),
                    miners.stream().mapToInt(m -> m.refusedConnects.get()).sum(),
                    miners.stream().mapToLong(m -> m.resubscribedMillis - at).max().orElse(-1),
                    (int) miners.stream().filter(m -> m.extranonceChanges.get() == 0
                            && m.firstExtranonce1.equals(m.extranonce1)).count(),
                    miners.stream().mapToLong(ResumingMiner::longestSilence).max().orElse(-1));
        }

        void print(String what) {
            System.out.printf("%s connects=%d refused_connects=%d miner_refused_connects=%d miners=%d "
                            + "back_within_ms=%d extranonce1_kept=%d/%d longest_silence_ms=%d%n", what, connects,
                    refusedConnects, minerRefused, MINERS, backMaxMs, kept, MINERS, longestSilenceMs);
        }

        /**
         * No refused connect, every session kept, nobody silent for long. The goal is 2 s (printed: 0.7–1.8 s on
         * this machine when quiet); the bound asserted is 4 s, so a busy CI machine cannot fail the suite while a
         * miner left out for the 6 s of the old kill-and-restart still fails it.
         */
        void check() {
            assertThat(refusedConnects).as("refused connects").isZero();
            assertThat(minerRefused).as("refused miner reconnects").isZero();
            assertThat(kept).as("miners that kept their extranonce1").isEqualTo(MINERS);
            assertThat(longestSilenceMs).as("longest time a miner had no answer (ms)").isLessThan(4000);
        }
    }

    /** The pool's log lines from {@code since} on, for where the time went. */
    static void printTimeline(MiningSuite suite, long since) throws java.io.IOException {
        java.text.SimpleDateFormat f = new java.text.SimpleDateFormat("yyyy-MM-dd HH:mm:ss.SSS");
        String from = f.format(new java.util.Date(since - 1));
        System.out.println("log since " + from + ":");
        suite.poolLog().lines().filter(l -> l.length() > 25 && l.substring(1, 24).compareTo(from) >= 0)
                .filter(l -> !l.contains("refusing stream from connector")).limit(60)
                .forEach(System.out::println);
    }

    private static boolean allBackSince(List<ResumingMiner> miners, long at) {
        return miners.stream().allMatch(m -> m.authorised && m.resubscribedMillis > at);
    }

    @Test
    void aKilledConnectorRefusesNoConnectAndItsMinersResumeTheirSessions() throws Exception {
        try (MiningSuite suite = suite("ckill")) {
            List<ResumingMiner> miners = miners(suite);
            try (ConnectLoop loop = new ConnectLoop(suite.stratumPort, 10)) {
                long pid = suite.pool.pid(suite.name, "connector").orElseThrow();
                long killedAt = System.currentTimeMillis();
                ProcessHandle.of(pid).orElseThrow().destroyForcibly();
                assertThat(Await.within(20_000, () -> allBackSince(miners, killedAt)))
                        .as("all miners back; log:\n%s", suite.poolLog()).isTrue();
                Thread.sleep(500); // a little traffic after the restart, for the silences
                loop.close();
                Figures f = Figures.of(loop, miners, killedAt);
                f.print("CONNECTOR_KILL");
                printTimeline(suite, killedAt);
                f.check();
                assertThat(f.backMaxMs()).as("slowest miner back after the kill (ms)").isLessThan(4000);
                assertThat(suite.pool.pid(suite.name, "connector").orElseThrow()).isNotEqualTo(pid);
            } finally {
                miners.forEach(ResumingMiner::close);
            }
        }
    }

    @Test
    void handoverTakesSocketsAndSessionsOverWithoutRefusingAnyone() throws Exception {
        try (MiningSuite suite = suite("hand")) {
            takeOver(suite, "HANDOVER", () -> suite.pool.startPool(suite.name, dir.resolve(suite.name + ".conf"),
                    java.util.Map.of(), "-L", "-H"));
        }
    }

    @Test
    void restartCommandHandsOverInPlace() throws Exception {
        try (MiningSuite suite = suite("rest")) {
            takeOver(suite, "RESTART", () -> {
                PoolProcesses.Result r = suite.pool.ckpmsg(suite.name, "restart");
                assertThat(r.out()).contains("restarting");
                return null;
            });
        }
    }

    /** Runs {@code takeOver} under load and checks that a new instance serves every miner with its session. */
    private void takeOver(MiningSuite suite, String what, java.util.concurrent.Callable<?> takeOver) throws Exception {
        List<ResumingMiner> miners = miners(suite);
        long oldMain = suite.pool.pid(suite.name, "main").orElseThrow();
        long oldConnector = suite.pool.pid(suite.name, "connector").orElseThrow();
        try (ConnectLoop loop = new ConnectLoop(suite.stratumPort, 10)) {
            long at = System.currentTimeMillis();
            takeOver.call();
            assertThat(Await.within(60_000, () -> !PoolProcesses.alive(oldMain)
                    && allBackSince(miners, at))).as("old instance gone, all miners back; log:\n%s",
                    suite.poolLog()).isTrue();
            Thread.sleep(500); // a little traffic after the takeover, for the silences
            loop.close();
            Figures f = Figures.of(loop, miners, at);
            f.print(what);
            printTimeline(suite, at);
            f.check();
            long newMain = suite.pool.pid(suite.name, "main").orElseThrow();
            assertThat(newMain).isNotEqualTo(oldMain);
            assertThat(PoolProcesses.alive(newMain)).isTrue();
            assertThat(suite.pool.pid(suite.name, "connector").orElseThrow()).isNotEqualTo(oldConnector);
            assertThat(suite.pool.allSocketsLive(suite.name)).isTrue();
            com.fasterxml.jackson.databind.JsonNode stats = suite.stratifier("{\"method\":\"stats\"}");
            assertThat(stats.path("clients").asInt()).as("clients on the new stratifier").isGreaterThanOrEqualTo(MINERS);
        } finally {
            miners.forEach(ResumingMiner::close);
        }
    }
}
