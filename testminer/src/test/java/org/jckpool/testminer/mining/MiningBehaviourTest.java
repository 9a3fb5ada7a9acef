package org.jckpool.testminer.mining;

import static org.assertj.core.api.Assertions.assertThat;
import static org.jckpool.testminer.RecordingOutput.value;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.List;
import org.jckpool.testkit.Await;
import org.jckpool.testminer.FakePool;
import org.jckpool.testminer.FakePool.Submit;
import org.jckpool.testminer.MinerRun;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Job switching, reconnects, pool-pushed changes, bad input and exit codes. */
@Timeout(60)
class MiningBehaviourTest {
    private static final String OTHER_PREV = "00000000" + "11".repeat(28);

    @Test
    void cleanNotifyDropsTheOldJob() throws Exception {
        try (FakePool pool = new FakePool(FakePool.vectorC())) {
            pool.difficulty = 0.00001;
            try (MinerRun run = new MinerRun("-o", pool.url(), "-t", "2", "--status-interval", "0")) {
                run.out.await("ACCEPTED 3 ", 20_000);
                pool.broadcastJob(FakePool.vectorC().withId("2a").withPrevHash(OTHER_PREV), true);
                run.out.await("NOTIFY 2a true", 5000);
                int afterNotify = run.out.events.indexOf("NOTIFY 2a true");
                run.out.await(l -> l.startsWith("SUBMIT job 2a "), 20_000);
                run.out.await(l -> l.startsWith("ACCEPTED ") && Long.parseLong(l.split(" ")[1]) >= 8, 20_000);
                // the miner logs SUBMIT as it writes the line: wait for the pool to have read a 2a share too
                Await.until("the pool to record a 2a share",
                        () -> pool.submitList().stream().anyMatch(x -> x.jobId().equals("2a")));

                // a copy: the miner keeps adding events while this looks (a live subList would fail)
                List<String> events = List.copyOf(run.out.events);
                List<String> after = events.subList(afterNotify, events.size());
                assertThat(after).noneMatch(l -> l.startsWith("SUBMIT job 1f "));
                // From the first 2a share on, the pool received only 2a shares, all accepted (TCP keeps order).
                List<Submit> all = pool.submitList();
                int first2a = 0;
                while (first2a < all.size() && !all.get(first2a).jobId().equals("2a")) {
                    first2a++;
                }
                List<Submit> later = all.subList(first2a, all.size());
                assertThat(later).isNotEmpty().allSatisfy(s -> {
                    assertThat(s.jobId()).isEqualTo("2a");
                    assertThat(s.accepted()).as(s.reason()).isTrue();
                });
            }
        }
    }

    @Test
    void nonCleanNotifySwitchesWorkButKeepsTheOldJobValid() throws Exception {
        try (FakePool pool = new FakePool(FakePool.vectorC())) {
            pool.difficulty = 0.00001;
            try (MinerRun run = new MinerRun("-o", pool.url(), "--status-interval", "0")) {
                run.out.await("ACCEPTED 2 ", 20_000);
                pool.broadcastJob(FakePool.vectorC().withId("20"), false);
                run.out.await("NOTIFY 20 false", 5000);
                run.out.await(l -> l.startsWith("SUBMIT job 20 "), 20_000);
                assertThat(run.out.lines("STALE")).isEmpty();
            }
            assertThat(pool.submitList()).allSatisfy(s -> assertThat(s.accepted()).as(s.reason()).isTrue());
        }
    }

    @Test
    void reconnectsAfterADropWithTheSessionIdAndFollowsClientReconnect() throws Exception {
        try (FakePool first = new FakePool(FakePool.vectorC()); FakePool second = new FakePool(FakePool.vectorC())) {
            first.difficulty = 0.00001;
            second.difficulty = 0.00001;
            second.extranonce1 = i -> "0badf00d";
            try (MinerRun run = new MinerRun("-o", first.url(), "--retry-max-wait", "0.2", "--status-interval", "0")) {
                run.out.await("ACCEPTED 1 ", 20_000);
                first.dropClients();
                run.out.await("DISCONNECTED closed by pool", 5000);
                run.out.await(l -> l.startsWith("CONNECTED") && run.out.lines("CONNECTED").size() >= 2, 5000);
                run.out.await(l -> run.out.lines("SUBSCRIBED").size() >= 2, 5000);
                // The resumed subscribe carried the session id of the first connection.
                List<com.fasterxml.jackson.databind.JsonNode> subs = List.copyOf(first.subscribeParams);
                assertThat(subs).hasSize(2);
                assertThat(subs.get(0)).hasSize(1);
                assertThat(subs.get(1).get(1).asText()).isEqualTo("s8d3b5a1c");
                long acceptedBefore = run.out.lines("ACCEPTED").size();
                run.out.await(l -> run.out.lines("ACCEPTED").size() > acceptedBefore, 20_000);

                first.sendToAll("{\"id\":null,\"method\":\"client.reconnect\",\"params\":[\"127.0.0.1\"," + second.port() + ",0]}");
                run.out.await("RECONNECT 127.0.0.1:" + second.port() + " 0", 5000);
                run.out.await("SUBSCRIBED extranonce1 0badf00d", 5000);
                run.out.await(l -> !second.submitList().isEmpty() && second.submitList().get(0).accepted(), 20_000);
            }
            assertThat(second.submitList()).allSatisfy(s -> {
                assertThat(s.accepted()).as(s.reason()).isTrue();
                assertThat(s.extranonce1()).isEqualTo("0badf00d");
            });
        }
    }

    @Test
    void malformedLinesAreSkippedAndMiningGoesOn() throws Exception {
        try (FakePool pool = new FakePool(FakePool.vectorC())) {
            pool.difficulty = 0.00001;
            pool.greeting.addAll(List.of(
                    "this is not json",
                    "[1,2,3]",
                    "{\"id\":null,\"method\":\"mining.notify\",\"params\":[\"x\"]}",
                    "{\"id\":null,\"method\":\"mining.set_difficulty\",\"params\":[\"abc\"]}",
                    "{\"id\":null,\"method\":\"mining.set_difficulty\",\"params\":[-1]}",
                    "{\"id\":null,\"method\":\"mining.set_extranonce\",\"params\":[\"zz\",4]}",
                    "{\"id\":null,\"method\":\"client.reconnect\",\"params\":[\"\",\"port\",0]}",
                    "{\"id\":12345,\"result\":true,\"error\":null}",
                    "{\"id\":null,\"method\":\"mining.unknown_thing\",\"params\":[]}",
                    "x".repeat(200_000),
                    "{\"id\":null,\"method\":\"client.show_message\",\"params\":[\"hello\\nminer\"]}"));
            try (MinerRun run = new MinerRun("-o", pool.url(), "--status-interval", "0")) {
                run.out.await("ACCEPTED 3 ", 20_000);
                assertThat(run.out.lines("MALFORMED")).hasSize(8);
                assertThat(run.out.line("MESSAGE")).isEqualTo("MESSAGE hello miner");
                assertThat(run.out.lines("DISCONNECTED")).isEmpty();
                assertThat(run.out.line("DIFF")).isEqualTo("DIFF 1.0E-5");
            }
            assertThat(pool.connections.get()).isEqualTo(1);
        }
    }

    @Test
    void setExtranonceAndSuggestDifficultyAreHonoured() throws Exception {
        try (FakePool pool = new FakePool(FakePool.vectorC())) {
            pool.difficulty = 0.00001;
            try (MinerRun run = new MinerRun("-o", pool.url(), "--extranonce-subscribe", "--suggest-diff", "0.5",
                    "--status-interval", "0")) {
                run.out.await("ACCEPTED 2 ", 20_000);
                pool.setExtranonce(0, "deadbeef", FakePool.vectorC().withId("e1"));
                run.out.await("EXTRANONCE deadbeef 4", 5000);
                run.out.await(l -> pool.submitList().stream().anyMatch(s -> s.jobId().equals("e1") && s.accepted()), 20_000);
            }
            assertThat(pool.submitList()).filteredOn(s -> s.jobId().equals("e1"))
                    .allSatisfy(s -> assertThat(s.extranonce1()).isEqualTo("deadbeef"));
            assertThat(pool.requests).anySatisfy(r -> assertThat(r.path("method").asText()).isEqualTo("mining.extranonce.subscribe"));
            assertThat(pool.requests).anySatisfy(r -> {
                assertThat(r.path("method").asText()).isEqualTo("mining.suggest_difficulty");
                assertThat(r.path("params").get(0).asDouble()).isEqualTo(0.5);
            });
        }
    }

    @Test
    void sharesUnderTheNetworkTargetAreReportedAsBlocks() throws Exception {
        try (FakePool pool = new FakePool(FakePool.vectorC().withNbits("207fffff"))) {
            pool.difficulty = 0.00001;
            MinerRun run = new MinerRun("-o", pool.url(), "--max-shares", "3", "--status-interval", "0");
            assertThat(run.exitCode(30)).isZero();
            List<String> blocks = run.out.lines("BLOCK");
            assertThat(blocks).hasSizeGreaterThanOrEqualTo(3);
            String firstHash = blocks.get(0).split(" ")[1];
            assertThat(pool.submitList().get(0).hashRpc()).isEqualTo(firstHash);
            assertThat(Long.parseLong(value(run.out.line("SUMMARY"), "blocks"))).isEqualTo(blocks.size());
        }
    }

    @Test
    void hashrateLimitHoldsTheMinerToTheGivenSpeed() throws Exception {
        try (FakePool pool = new FakePool(FakePool.vectorC())) {
            pool.difficulty = 1000; // no shares, just hashing
            MinerRun run = new MinerRun("-o", pool.url(), "-t", "2", "--hashrate-limit", "40000", "--duration", "2",
                    "--status-interval", "0");
            assertThat(run.exitCode(20)).isZero();
            double rate = Double.parseDouble(value(run.out.line("SUMMARY"), "avg_hashrate_hs"));
            // Measured from start, including connecting: a bit under the cap, never above it.
            assertThat(rate).isBetween(15_000.0, 42_000.0);
        }
    }

    @Test
    void refusedAuthorizationExitsWithCode3() throws Exception {
        try (FakePool pool = new FakePool(FakePool.vectorC())) {
            pool.authorizeOk = false;
            MinerRun run = new MinerRun("-o", pool.url(), "-u", "nobody", "--status-interval", "0");
            assertThat(run.exitCode(20)).isEqualTo(3);
            assertThat(run.out.line("AUTHORIZED")).isEqualTo("AUTHORIZED nobody false Unauthorized worker");
        }
    }

    @Test
    void unreachablePoolGivesUpAfterMaxRetries() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        MinerRun run = new MinerRun("-o", "stratum+tcp://127.0.0.1:" + port, "--max-retries", "3",
                "--retry-max-wait", "0.1", "--status-interval", "0");
        assertThat(run.exitCode(20)).isEqualTo(1);
        assertThat(run.out.lines("CONNECT_FAILED")).hasSize(3);
        assertThat(run.out.line("STOP")).contains("unreachable after 3 attempts");
    }

    @Test
    void badCommandLinesExitWithCode2() throws Exception {
        assertThat(new MinerRun("--threads", "1").exitCode(10)).isEqualTo(2);
        assertThat(new MinerRun("-o", "127.0.0.1:1", "--threads", "0").exitCode(10)).isEqualTo(2);
        assertThat(new MinerRun("-o", "http://127.0.0.1:1").exitCode(10)).isEqualTo(2);
        assertThat(new MinerRun("-o", "127.0.0.1:1", "--version-mask", "xyz").exitCode(10)).isEqualTo(2);
        assertThat(new MinerRun("-o", "127.0.0.1:1", "--suggest-diff", "-1").exitCode(10)).isEqualTo(2);
        assertThat(new MinerRun("-o", "127.0.0.1:1", "--bogus").exitCode(10)).isEqualTo(2);
    }
}
