package org.jckpool.itests;

import com.fasterxml.jackson.databind.JsonNode;
import org.jckpool.libpool.json.Json;
import org.jckpool.testkit.Await;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.OptionalLong;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * kill -9 of the POOL's stratifier under a jckpool passthrough ({@code -P}), with real processes: scripts/simnode
 * (bits 1d00ffff: no share solves a block), a pool, a passthrough in front of it, and behind the passthrough one
 * mining testminer (real shares at a tiny difficulty) and a {@code --load} testminer (20 connections submitting
 * throughout, their Stratum ids repeating across connections). The pool's supervisor restarts the stratifier; its
 * connector kept the passthrough's connection and replays its unanswered lines. Expected: the link and its
 * sub-clients are restored from the snapshot, so no miner behind the passthrough is told to reconnect, disconnects
 * or changes extranonce1; the mining miner's shares go on being accepted, each counted once by the pool; every
 * load submit is answered, none twice, none refused for a lost session or job.
 */
class PassthroughRestartIT {
    static final int LOAD_CONNECTIONS = 20;

    @TempDir
    Path dir;

    @Test
    void killingThePoolsStratifierLeavesTheMinersBehindAPassthroughMining() throws Exception {
        try (MiningSuite up = new MiningSuite(dir, "up", "1d00ffff", PassthroughModeIT.DIFFS);
             PoolProcesses pt = new PoolProcesses(dir)) {
            assertThat(up.awaitReady(90_000)).as("pool ready; log:\n%s", up.poolLog()).isTrue();
            PassthroughInFront front = PassthroughInFront.start(dir, pt, up.stratumPort, "\"upstream_timeout\":30");
            int stratum = front.stratumPort;
            Path sock = front.sockdir;

            String url = "stratum+tcp://127.0.0.1:" + stratum;
            LineProcess miner = pt.startLines(List.of(pt.root.resolve("scripts/testminer").toString(), "-o", url,
                    "-u", "minerA.rig1", "-p", "x", "-t", "1", "--hashrate-limit", "20000", "--duration", "24",
                    "--status-interval", "0", "--retry-max-wait", "1"), "minerA.err");
            LineProcess load = pt.startLines(List.of(pt.root.resolve("scripts/testminer").toString(), "-o", url,
                    "--load", "-u", "ld", "--connections", Integer.toString(LOAD_CONNECTIONS), "--rate", "200",
                    "--duration", "18", "--ready-timeout", "60", "--status-interval", "0", "--drain", "15"),
                    "load.err");
            assertThat(load.awaitLine(0, l -> l.startsWith("LOAD_READY "), 60_000)).as(load.output()).isPresent();
            assertThat(miner.awaitLine(0, l -> l.startsWith("ACCEPTED"), 30_000)).as(miner.output()).isPresent();
            // the pool sees one link carrying every miner; the snapshot has it within 100 ms of a change
            int subs = LOAD_CONNECTIONS + 1;
            assertThat(Await.within(10_000, () -> linkClients(up) == subs))
                    .as("downstreams: %s", up.stratifier("{\"method\":\"downstreams\"}")).isTrue();
            String en1 = PassthroughModeIT.extranonce1(miner);
            Path state = up.logdir.resolve("restart/state.json");
            assertThat(Await.within(5_000, () -> snapshotSubs(state) == subs))
                    .as("the link in the restart snapshot").isTrue();

            OptionalLong pid = up.pool.pid(up.name, "stratifier");
            assertThat(pid).isPresent();
            int fromMiner = miner.lines().size();
            long acceptedBefore = PassthroughModeIT.accepted(miner);
            ProcessHandle.of(pid.getAsLong()).orElseThrow().destroyForcibly(); // SIGKILL
            assertThat(Await.within(5_000, () -> !PoolProcesses.alive(pid.getAsLong()))).isTrue();
            assertThat(Await.within(30_000, () -> {
                OptionalLong now = up.pool.pid(up.name, "stratifier");
                JsonNode c = up.connectorStats();
                return now.isPresent() && now.getAsLong() != pid.getAsLong() && c != null
                        && "up".equals(c.path("stream").path("state").asText())
                        && "yes".equals(c.path("stream").path("replayed").asText());
            })).as("stratifier back\n%s", up.poolLog()).isTrue();

            // the link came back with its sub-clients: no reconnect, the mining miner's shares accepted again
            assertThat(Await.within(10_000, () -> up.poolLog().contains("resumed with " + subs + " clients")))
                    .as("link resumed; log:\n%s", up.poolLog()).isTrue();
            assertThat(Await.within(10_000, () -> linkClients(up) == subs))
                    .as("downstreams: %s", up.stratifier("{\"method\":\"downstreams\"}")).isTrue();
            assertThat(miner.awaitLine(fromMiner, l -> l.startsWith("ACCEPTED"), 20_000))
                    .as("accepted after the restart: %s\npool log:\n%s", miner.output(), up.poolLog()).isPresent();
            // a baseline after the restart: the pool's figures come from a snapshot taken each second; one that
            // changed after the miner's count was read was taken after that read, and before the read that follows
            long minerBefore = PassthroughModeIT.accepted(miner);
            long poolSeen = PassthroughModeIT.workerAccepted(up, "minerA.rig1");
            assertThat(Await.within(10_000, () -> PassthroughModeIT.workerAccepted(up, "minerA.rig1") != poolSeen))
                    .isTrue();
            long poolAt = PassthroughModeIT.workerAccepted(up, "minerA.rig1");
            long minerAfter = PassthroughModeIT.accepted(miner);

            assertThat(miner.awaitExit(40_000)).as(miner.output()).isZero();
            assertThat(load.awaitExit(60_000)).as(load.output()).isZero();
            List<String> after = miner.lines().subList(fromMiner, miner.lines().size());
            assertThat(after).as("the miner was never told to reconnect, nor reconnected")
                    .noneMatch(l -> l.startsWith("RECONNECT") || l.startsWith("CONNECTED")
                            || l.startsWith("SUBSCRIBED") || l.startsWith("DISCONNECTED"));
            assertThat(miner.lines().stream().filter(l -> l.startsWith("SUBSCRIBED")).count()).isEqualTo(1);
            assertThat(PassthroughModeIT.extranonce1(miner)).isEqualTo(en1);
            assertThat(Files.readString(dir.resolve("minerA.err"))).doesNotContain("unknown request id");
            // from the baseline to the end (the miner stopped, the pool's figure settled) each share the miner was told
            // accepted is counted once by the pool
            long minerEnd = PassthroughModeIT.accepted(miner);
            assertThat(minerEnd).isGreaterThan(acceptedBefore);
            long poolEnd = settled(() -> PassthroughModeIT.workerAccepted(up, "minerA.rig1"));
            assertThat(poolEnd - poolAt).as("pool counted after the baseline; the miner was told %d to %d",
                    minerEnd - minerAfter, minerEnd - minerBefore)
                    .isBetween(minerEnd - minerAfter, minerEnd - minerBefore);

            List<String> out = load.lines();
            out.stream().filter(l -> l.startsWith("LOAD_")).forEach(l -> System.out.println("pt-restart: " + l));
            String summary = LineProcess.first(out, "LOAD_SUMMARY ");
            String submits = LineProcess.first(out, "LOAD_SUBMITS ");
            assertThat(summary).contains("connected=" + LOAD_CONNECTIONS, "ready_at_end=" + LOAD_CONNECTIONS,
                    "disconnects=0");
            assertThat(submits).contains("unanswered=0", "stray=0");
            String rejects = out.stream().filter(l -> l.startsWith("LOAD_REJECTS ")).findFirst().orElse("");
            assertThat(rejects).as("no share refused for a lost session or job")
                    .doesNotContain("Invalid JobID", "ubscribed", "nauthori", "restarting");
            assertThat(out).noneMatch(l -> l.startsWith("LOAD_ERRORS") && !l.contains("reconnect_requests=0"));
            JsonNode c = up.connectorStats();
            assertThat(c.path("dropped").path("stratifier_lost").asLong()).isZero();
            System.out.println("pt-restart: pool connector stream " + c.path("stream"));
        }
    }

    /** A figure of the pool's once-a-second snapshot, once it stayed the same for two snapshots. */
    private static long settled(java.util.function.LongSupplier figure) throws Exception {
        for (int i = 0; i < 10; i++) {
            long v = figure.getAsLong();
            if (Await.holdsFor(2_100, () -> figure.getAsLong() == v)) {
                return v;
            }
        }
        throw new AssertionError("the pool's figure did not settle");
    }

    /** Subscribed sub-clients of the one link in the pool's restart snapshot, or -1. */
    private static long snapshotSubs(Path state) {
        try {
            JsonNode links = Json.parseOrNull(Files.readString(state)).path("parts").path("links").path("links");
            if (links.size() != 1) {
                return -1;
            }
            long n = 0;
            for (JsonNode sub : links.get(0).path("subs")) {
                n += sub.path(3).asBoolean() ? 1 : 0;
            }
            return n;
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    /** Sub-clients of the pool's one downstream link, or -1. */
    private static int linkClients(MiningSuite up) {
        JsonNode d = up.stratifier("{\"method\":\"downstreams\"}");
        JsonNode links = d == null ? null : d.path("downstreams");
        return links == null || links.size() != 1 ? -1 : links.get(0).path("clients").asInt(-1);
    }
}
