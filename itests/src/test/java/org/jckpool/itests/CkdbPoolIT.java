package org.jckpool.itests;

import com.fasterxml.jackson.databind.JsonNode;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.jckpool.libpool.ipc.ControlClient;
import org.jckpool.libpool.json.Json;
import org.jckpool.testkit.Await;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Pool integration with ckdb (issue 5 part 3), all as real processes: embedded PostgreSQL, scripts/ckdb on it,
 * scripts/simnode (Core's regtest target: every share is a block), the suite from scripts/ckpool with the
 * ckdbname/ckdbsockdir keys, and scripts/testminer. ckdb's socket must then show the worker with exactly the
 * shares the miner saw ACCEPTED and the blocks it found; with ckdb stopped the pool keeps mining (the authorised
 * worker from the cache, a new one refused) and the spooled shares arrive once ckdb is back; a restarted
 * stratifier continues the same source's sequence.
 */
class CkdbPoolIT {
    static final String USER = MiningSuite.ADDRESS;
    static final String WORKER = USER + ".rig1";
    static final Pattern ACCEPTED = Pattern.compile("(?m)^.*\\bACCEPTED \\d+ ");
    static final Pattern BLOCK = Pattern.compile("(?m)\\bBLOCK ([0-9a-f]{64})");

    @TempDir
    Path dir;

    private final List<Process> ckdbs = new ArrayList<>();
    private final AtomicInteger ckdbRuns = new AtomicInteger();

    @Test
    void workerSharesAndBlocksReachCkdbAndSurviveAnOutage() throws Exception {
        try (EmbeddedPostgres pg = EmbeddedPostgres.builder().start()) {
            Path ckdbDir = dir.resolve("ckdbsock");
            String jdbc = "jdbc:postgresql://127.0.0.1:" + pg.getPort() + "/postgres";
            try {
                startCkdb(jdbc, ckdbDir);
                JsonNode added = ckdb(ckdbDir, "adduser", "{\"username\":\"" + USER + "\",\"password\":\"secret99\"}");
                assertThat(added.path("error").isNull()).as("%s", added).isTrue();

                try (MiningSuite suite = new MiningSuite(dir, "ckp", null, "\"mindiff\":1e-10,\"startdiff\":1e-9,\"highdiff\":1e-9,"
                        + "\"ckdbname\":\"itckdb\",\"ckdbsockdir\":\"" + ckdbDir + "\"")) {
                    assertThat(suite.awaitReady(60_000)).as("suite ready; log:\n%s", suite.poolLog()).isTrue();

                    // 1. ckdb up: the worker is authorised by ckdb, its shares and blocks are recorded exactly
                    PoolProcesses.Result run1 = mine(suite, WORKER, 4);
                    assertThat(run1.out()).as(run1.out()).contains("AUTHORIZED " + WORKER + " true", "BLOCK ");
                    long accepted1 = count(ACCEPTED, run1.out());
                    assertThat(accepted1).isGreaterThanOrEqualTo(4);
                    assertThat(Await.within(20_000, () -> workerShares(ckdbDir) == accepted1))
                            .as("ckdb worker shares = miner's ACCEPTED lines (%d): %s", accepted1,
                                    query(ckdbDir, "workers", "{}")).isTrue();
                    List<String> found = blockHashes(run1.out());
                    assertThat(Await.within(20_000, () -> {
                        JsonNode blocks = query(ckdbDir, "blocks", "{}");
                        return blocks != null && blocks.size() >= 1 && blocksMatch(blocks, found);
                    })).as("blocks recorded and confirmed: %s vs miner %s", query(ckdbDir, "blocks", "{}"), found)
                            .isTrue();
                    JsonNode w = query(ckdbDir, "workers", "{}").get(0);
                    assertThat(w.path("username").asText()).isEqualTo(USER);
                    assertThat(w.path("workername").asText()).isEqualTo(WORKER);
                    JsonNode sources = query(ckdbDir, "sources", "{}");
                    assertThat(sources.toString()).as("%s", sources).contains("ckp-");

                    // an unknown user is refused while ckdb is up
                    PoolProcesses.Result stranger = mine(suite, "stranger.x", 1);
                    assertThat(stranger.out()).as(stranger.out())
                            .contains("AUTHORIZED stranger.x false", "Unknown user stranger");

                    // 2. ckdb stopped: the pool keeps mining for the worker ckdb knew; a new user is refused
                    stopCkdb(ckdbDir);
                    PoolProcesses.Result run2 = mine(suite, WORKER, 3);
                    assertThat(run2.out()).as(run2.out()).contains("AUTHORIZED " + WORKER + " true");
                    long accepted2 = count(ACCEPTED, run2.out());
                    assertThat(accepted2).isGreaterThanOrEqualTo(3);
                    PoolProcesses.Result newbie = mine(suite, USER + "_new", 1);
                    assertThat(newbie.out()).as(newbie.out())
                            .contains("AUTHORIZED " + USER + "_new false", "Pool database unavailable");
                    JsonNode link = suite.stratifier("{\"method\":\"stats\"}").path("ckdb");
                    assertThat(link.path("connected").asBoolean()).as("%s", link).isFalse();
                    assertThat(link.path("backlog").asLong()).as("%s", link).isGreaterThanOrEqualTo(accepted2);

                    // 3. ckdb back: the spooled messages arrive, in order, once
                    startCkdb(jdbc, ckdbDir);
                    assertThat(Await.within(30_000,
                            () -> workerShares(ckdbDir) == accepted1 + accepted2))
                            .as("after the outage ckdb has %d + %d shares: %s", accepted1, accepted2,
                                    query(ckdbDir, "workers", "{}")).isTrue();
                    JsonNode src = query(ckdbDir, "sources", "{}");
                    assertThat(src).as("%s", src).hasSize(1);
                    assertThat(src.get(0).path("gaps").asLong()).as("%s", src).isZero();
                    assertThat(src.get(0).path("missing").asLong()).as("%s", src).isZero();
                    assertThat(src.get(0).path("source").asText()).startsWith("ckp-");

                    // 4. stratifier restart (TERM; the supervisor starts a new one): same journal, same source, the
                    // sequence goes on without a gap
                    long oldPid = suite.pool.pid("ckp", "stratifier").orElseThrow();
                    ProcessHandle.of(oldPid).ifPresent(ProcessHandle::destroy);
                    assertThat(Await.within(20_000,
                            () -> suite.pool.pid("ckp", "stratifier").orElse(oldPid) != oldPid))
                            .as("stratifier restarted").isTrue();
                    assertThat(suite.awaitReady(30_000)).isTrue();
                    PoolProcesses.Result run3 = mine(suite, WORKER, 2);
                    long accepted3 = count(ACCEPTED, run3.out());
                    assertThat(accepted3).as(run3.out()).isGreaterThanOrEqualTo(2);
                    assertThat(Await.within(20_000,
                            () -> workerShares(ckdbDir) == accepted1 + accepted2 + accepted3))
                            .as("after the restart ckdb has %d + %d + %d shares: %s", accepted1, accepted2, accepted3,
                                    query(ckdbDir, "workers", "{}")).isTrue();
                    JsonNode after = query(ckdbDir, "sources", "{}");
                    assertThat(after).as("%s", after).hasSize(1);
                    assertThat(after.get(0).path("source").asText()).isEqualTo(src.get(0).path("source").asText());
                    assertThat(after.get(0).path("lastseq").asLong()).isGreaterThan(src.get(0).path("lastseq").asLong());
                    assertThat(after.get(0).path("gaps").asLong()).as("%s", after).isZero();
                    assertThat(after.get(0).path("duplicates").asLong()).as("%s", after).isZero();
                    System.out.printf("CkdbPoolIT: %d + %d + %d shares, blocks %s, sources %s%n", accepted1, accepted2,
                            accepted3, query(ckdbDir, "blocks", "{}"), after);
                    suite.shutdownPool();
                    assertThat(Files.list(suite.logdir).map(p -> p.getFileName().toString()).toList())
                            .contains("ckp.ckdb.journal", "ckp.ckdb.journal.ack", "ckp.ckdb.authcache");
                }
            } finally {
                for (Process p : ckdbs) {
                    p.descendants().forEach(ProcessHandle::destroyForcibly);
                    p.destroyForcibly();
                    p.waitFor(10, TimeUnit.SECONDS);
                }
            }
        }
    }

    private PoolProcesses.Result mine(MiningSuite suite, String worker, int shares) throws Exception {
        // 4 H/s at regtest's target: about two shares a second, each one a block
        return suite.testminer("-u", worker, "-p", "x", "-t", "1", "--max-shares", Integer.toString(shares),
                "--hashrate-limit", "4", "--duration", "20", "--status-interval", "0");
    }

    private void startCkdb(String jdbc, Path sockdir) throws Exception {
        Path root = Path.of(System.getProperty("jckpool.root", "..")).toAbsolutePath().normalize();
        int run = ckdbRuns.incrementAndGet();
        ProcessBuilder pb = new ProcessBuilder(root.resolve("scripts/ckdb").toString(), "-U", jdbc, "-u", "postgres",
                "-s", sockdir.toString(), "-n", "itckdb", "-L", dir.resolve("ckdblogs").toString())
                .redirectErrorStream(true).redirectOutput(dir.resolve("ckdb-" + run + ".out").toFile());
        pb.environment().put("CKDB_DBPASS", "");
        pb.environment().put("JCKPOOL_JVM_OPTS", "-XX:+UseSerialGC -Xmx256m");
        ckdbs.add(pb.start());
        Path sock = sockdir.resolve("listener");
        boolean up = Await.within(30_000, () -> {
            try {
                return ControlClient.request(sock, "ping", 2000).orElse("").equals("pong");
            } catch (IOException e) {
                return false;
            }
        });
        assertThat(up).as("ckdb started: %s", Files.readString(dir.resolve("ckdb-" + run + ".out"))).isTrue();
    }

    private void stopCkdb(Path sockdir) throws Exception {
        assertThat(ControlClient.request(sockdir.resolve("listener"), "shutdown", 5000).orElse(""))
                .isEqualTo("exiting");
        Process p = ckdbs.get(ckdbs.size() - 1);
        assertThat(p.waitFor(20, TimeUnit.SECONDS)).as("ckdb stopped").isTrue();
    }

    private static JsonNode ckdb(Path sockdir, String method, String params) throws IOException {
        String reply = ControlClient.request(sockdir.resolve("listener"),
                "{\"method\":\"" + method + "\",\"id\":1,\"params\":" + params + "}", 10_000).orElse("");
        return Json.parseOrNull(reply);
    }

    /** The result of a ckdb query, or null when ckdb did not answer. */
    private static JsonNode query(Path sockdir, String method, String params) {
        try {
            JsonNode r = ckdb(sockdir, method, params);
            return r == null ? null : r.get("result");
        } catch (IOException e) {
            return null;
        }
    }

    private static long workerShares(Path sockdir) {
        JsonNode ws = query(sockdir, "workers", "{\"username\":\"" + USER + "\"}");
        if (ws == null) {
            return -1;
        }
        long n = 0;
        for (JsonNode w : ws) {
            n += w.path("shares").asLong();
        }
        return n;
    }

    /**
     * Every recorded block is one the miner found, by the worker, and at least one is confirmed (the generator saw
     * it in the node's chain; a block on a job made stale by the miner's previous block may lose its height).
     */
    private static boolean blocksMatch(JsonNode blocks, List<String> found) {
        boolean confirmed = false;
        for (JsonNode b : blocks) {
            if (!found.contains(b.path("blockhash").asText()) || !WORKER.equals(b.path("workername").asText())) {
                return false;
            }
            confirmed |= "confirmed".equals(b.path("status").asText());
        }
        return confirmed;
    }

    private static long count(Pattern p, String text) {
        return p.matcher(text).results().count();
    }

    private static List<String> blockHashes(String text) {
        List<String> out = new ArrayList<>();
        Matcher m = BLOCK.matcher(text);
        while (m.find()) {
            out.add(m.group(1));
        }
        return out;
    }
}
