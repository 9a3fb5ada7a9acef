package org.jckpool.itests;

import com.fasterxml.jackson.databind.JsonNode;
import org.jckpool.libpool.json.Json;
import org.jckpool.testkit.Await;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code ckpool -t} end to end with real processes: a main pool on simnode A with a {@code trusted} server, a
 * trusted remote pool on its own simnode B with {@code upstream} = that server, a testminer on the remote. The
 * remote's shares show in the main pool's worker statistics; the main pool is killed (SIGKILL, every process)
 * while the miner goes on, and started again: once the remote has replayed its outbox, the main pool has counted
 * exactly the shares the remote accepted (its ledger's total and last seq). Then the remote is killed and loses
 * its acks: it replays its whole outbox, and the main pool ignores every replayed message. A
 * {@code mining.remote} on the main pool's ordinary stratum port is refused.
 */
class TrustedRemoteIT {
    static final String DIFFS = "\"mindiff\":0.000001,\"startdiff\":0.000001,\"highdiff\":0.000001";
    static final String WORKER = "alice.rig1";

    @TempDir
    Path dir;

    @Test
    void aRemotesSharesAreCountedOnceByTheMainPoolAcrossItsRestart() throws Exception {
        int trustedPort = MiningSuite.freePort();
        try (MiningSuite main = new MiningSuite(dir, "main", "1f00ffff",
                DIFFS + ",\"trusted\":[\"127.0.0.1:" + trustedPort + "\"]");
             MiningSuite edge = new MiningSuite(dir, "edge", "1f00ffff",
                     DIFFS + ",\"upstream\":\"127.0.0.1:" + trustedPort + "\"", List.of(), 1, List.of("-L", "-t"))) {
            assertThat(main.awaitReady(90_000)).as("main ready; log:\n%s", main.poolLog()).isTrue();
            assertThat(edge.awaitReady(90_000)).as("remote ready; log:\n%s", edge.poolLog()).isTrue();

            refusedOnAnOrdinaryPort(main);

            assertThat(Await.within(30_000, () -> edge.stratifier("{\"method\":\"upstream\"}")
                    .path("connected").asBoolean())).as("remote connected upstream: %s\n%s",
                    edge.stratifier("{\"method\":\"upstream\"}"), edge.poolLog()).isTrue();
            JsonNode remotes = main.stratifier("{\"method\":\"remotes\"}");
            assertThat(remotes.path("remotes").size()).as("%s", remotes).isEqualTo(1);
            assertThat(remotes.at("/remotes/0/id").asText()).startsWith("edge-");
            assertThat(remotes.at("/remotes/0/connected").asBoolean()).isTrue();

            LineProcess miner = edge.startTestminer("miner.err", "-u", WORKER, "-p", "x", "-t", "1",
                    "--hashrate-limit", "20000", "--duration", "300", "--status-interval", "0");
            assertThat(miner.awaitLine(0, l -> l.startsWith("ACCEPTED"), 60_000)).as(miner.output()).isPresent();
            // its mining.authorize was decided by the main pool (ckpool's auth / auth.result), not locally
            JsonNode auth = edge.stratifier("{\"method\":\"upstream\"}").path("auth");
            assertThat(auth.path("upstream_allowed").asLong()).as("%s", auth).isEqualTo(1);
            assertThat(auth.path("local").asLong()).as("%s", auth).isZero();
            assertThat(Await.within(15_000, () -> workerAccepted(main) > 0))
                    .as("the remote's shares in the main pool's worker stats: %s\n%s",
                            main.stratifier("{\"method\":\"getworker\",\"params\":{\"worker\":\"" + WORKER + "\"}}"),
                            main.poolLog()).isTrue();
            assertThat(main.stratifier("{\"method\":\"stats\"}").path("accepted").asLong()).isPositive();

            // the main pool dies; the remote mines on and keeps what it owes
            PassthroughModeIT.killPool(main);
            long beforeOutage = edgeLastSeq(edge);
            assertThat(Await.within(30_000, () -> {
                JsonNode u = edge.stratifier("{\"method\":\"upstream\"}");
                return u != null && !u.path("connected").asBoolean() && u.path("pending").asLong() > 0
                        && u.path("last_seq").asLong() > beforeOutage + 3;
            })).as("remote mining while the main pool is away: %s", edge.stratifier("{\"method\":\"upstream\"}"))
                    .isTrue();

            main.pool.startPool("main", dir.resolve("main.conf"), Map.of(), "-L");
            assertThat(main.awaitReady(90_000)).as("main ready again; log:\n%s", main.poolLog()).isTrue();
            assertThat(Await.within(30_000, () -> {
                JsonNode u = edge.stratifier("{\"method\":\"upstream\"}");
                return u != null && u.path("connected").asBoolean() && u.path("connects").asLong() >= 2;
            })).as("remote reconnected: %s", edge.stratifier("{\"method\":\"upstream\"}")).isTrue();

            // stop mining, let the outbox drain, then compare exactly
            miner.signal("TERM");
            miner.awaitExit(15_000);
            assertThat(Await.within(30_000, () -> {
                JsonNode u = edge.stratifier("{\"method\":\"upstream\"}");
                return u != null && u.path("pending").asLong() == 0 && u.path("acked").asLong() == u.path("last_seq")
                        .asLong();
            })).as("outbox drained: %s", edge.stratifier("{\"method\":\"upstream\"}")).isTrue();
            long remoteAccepted = edgeWorkerAccepted(edge);
            JsonNode ledger = main.stratifier("{\"method\":\"remotes\"}").path("remotes").path(0);
            JsonNode up = edge.stratifier("{\"method\":\"upstream\"}");
            assertThat(remoteAccepted).isPositive();
            assertThat(ledger.path("shares").asLong()).as("main's count of the remote's shares; ledger %s, remote %s",
                    ledger, up).isEqualTo(remoteAccepted);
            assertThat(ledger.path("seq").asLong()).isEqualTo(up.path("last_seq").asLong());
            assertThat(ledger.path("workinfos").asLong()).isPositive();
            assertThat(ledger.path("connected").asBoolean()).isTrue();
            webShowsTheRemote(main, edge, ledger.path("id").asText(), remoteAccepted);

            // the remote dies having lost its acks (as if it died between the main pool's count and its own
            // record of the ack): it replays its whole outbox, which the main pool recognises and does not count
            long sentBefore = up.path("last_seq").asLong();
            PassthroughModeIT.killPool(edge);
            Files.writeString(edge.logdir.resolve("remote").resolve("acked"), "0\n");
            edge.pool.startPool("edge", dir.resolve("edge.conf"), Map.of(), "-L", "-t");
            assertThat(edge.awaitReady(90_000)).as("remote ready again; log:\n%s", edge.poolLog()).isTrue();
            assertThat(Await.within(30_000, () -> {
                JsonNode u = edge.stratifier("{\"method\":\"upstream\"}");
                return u != null && u.path("connected").asBoolean() && u.path("pending").asLong() == 0
                        && u.path("acked").asLong() == u.path("last_seq").asLong();
            })).as("replayed and acked: %s", edge.stratifier("{\"method\":\"upstream\"}")).isTrue();
            JsonNode replayed = main.stratifier("{\"method\":\"remotes\"}").path("remotes").path(0);
            assertThat(replayed.path("replays").asLong()).as("%s", replayed).isGreaterThanOrEqualTo(sentBefore);
            assertThat(replayed.path("shares").asLong()).as("still counted once: %s", replayed)
                    .isEqualTo(remoteAccepted);
            assertThat(replayed.path("seq").asLong())
                    .isEqualTo(edge.stratifier("{\"method\":\"upstream\"}").path("last_seq").asLong());
            System.out.printf("TRUSTED_REMOTE shares %d counted once; seq %d; after the remote lost its acks %d "
                    + "replays ignored%n", remoteAccepted, ledger.path("seq").asLong(), replayed.path("replays").asLong());
        }
    }

    /** The main pool's /api/passthrough and /metrics list the remote; the remote's show its upstream link. */
    private static void webShowsTheRemote(MiningSuite main, MiningSuite edge, String id, long accepted)
            throws Exception {
        JsonNode doc = Json.parseOrNull(main.get("/api/passthrough").body());
        assertThat(doc.path("mode").asText()).as("%s", doc).isEqualTo("pool");
        assertThat(doc.at("/remotes/0/id").asText()).as("%s", doc).isEqualTo(id);
        assertThat(doc.at("/remotes/0/shares").asLong()).isEqualTo(accepted);
        assertThat(doc.at("/remotes/0/since").asLong()).as("connected since").isPositive();
        String series = "jckpool_remote_shares_total{remote=\"" + id + "\",result=\"accepted\"}";
        // /metrics takes the document once a second
        assertThat(Await.within(10_000, () -> sample(main.get("/metrics").body(), series) == accepted))
                .as("main /metrics:\n%s", main.get("/metrics").body()).isTrue();
        assertThat(sample(main.get("/metrics").body(), "jckpool_remote_connected{remote=\"" + id + "\"}"))
                .isEqualTo(1.0);

        JsonNode remote = Json.parseOrNull(edge.get("/api/passthrough").body());
        assertThat(remote.path("mode").asText()).as("%s", remote).isEqualTo("remote");
        assertThat(remote.at("/upstream/connected").asBoolean()).as("%s", remote).isTrue();
        assertThat(remote.at("/upstream/pending").asLong()).isZero();
        assertThat(Await.within(10_000, () -> {
            String body = edge.get("/metrics").body();
            return sample(body, "jckpool_remote_upstream_up") == 1 && sample(body, "jckpool_remote_outbox_pending") == 0;
        })).as("remote /metrics:\n%s", edge.get("/metrics").body()).isTrue();
    }

    /** The value of one series in a Prometheus text page, NaN when it is not there. */
    private static double sample(String page, String series) {
        for (String line : page.split("\n")) {
            if (line.startsWith(series + " ")) {
                return Double.parseDouble(line.substring(series.length() + 1).trim());
            }
        }
        return Double.NaN;
    }

    private static void refusedOnAnOrdinaryPort(MiningSuite main) throws Exception {
        try (Socket s = new Socket("127.0.0.1", main.stratumPort)) {
            s.setSoTimeout(10_000);
            OutputStream out = s.getOutputStream();
            out.write("{\"id\":1,\"method\":\"mining.remote\",\"params\":[\"ckpool/0.9.9\"]}\n"
                    .getBytes(StandardCharsets.UTF_8));
            out.flush();
            BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8));
            JsonNode reply = Json.parseOrNull(in.readLine());
            assertThat(reply.path("result").asBoolean(true)).as("%s", reply).isFalse();
            assertThat(reply.path("error").asText()).contains("trusted");
            assertThat(in.readLine()).as("then closed").isNull();
        }
        assertThat(Await.within(5_000, () -> main.poolLog().contains("Refusing mining.remote from 127.0.0.1")))
                .as("the refusal is logged").isTrue();
    }

    private static long workerAccepted(MiningSuite suite) {
        JsonNode w = suite.stratifier("{\"method\":\"getworker\",\"params\":{\"worker\":\"" + WORKER + "\"}}");
        return w == null ? -1 : w.path("accepted").asLong(-1);
    }

    private static long edgeWorkerAccepted(MiningSuite edge) throws Exception {
        // the admin figures come from a snapshot taken every second: a reading that holds for 2 s is final
        long[] v = {workerAccepted(edge)};
        Await.until("the remote's worker count settles", 30_000, () -> {
            long now = workerAccepted(edge);
            if (now != v[0]) {
                v[0] = now;
                return false;
            }
            return Await.holdsFor(2_000, () -> workerAccepted(edge) == v[0]);
        });
        return v[0];
    }

    private static long edgeLastSeq(MiningSuite edge) {
        JsonNode u = edge.stratifier("{\"method\":\"upstream\"}");
        return u == null ? 0 : u.path("last_seq").asLong();
    }
}
