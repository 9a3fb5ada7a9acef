package org.jckpool.ckdb;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.jckpool.ckdb.client.CkdbClient;
import org.jckpool.ckdb.store.DbSettings;
import org.jckpool.libpool.ipc.ControlClient;
import org.jckpool.libpool.ipc.ControlServer;
import org.jckpool.libpool.json.Json;
import org.jckpool.testkit.Await;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** CkdbMain's -k (replace a running instance) and -r (rebuild from the pool's journals), as real processes. */
class CkdbMainOptionsTest {
    private final List<Process> started = new ArrayList<>();
    private Path tmp;

    @AfterEach
    void cleanUp() throws InterruptedException {
        for (Process p : started) {
            p.destroyForcibly().waitFor();
        }
        if (tmp != null) {
            KillRestartTest.deleteTree(tmp.toFile());
        }
    }

    private Process startCkdb(DbSettings db, Path sockdir, Path logdir, String... extra) throws Exception {
        Files.createDirectories(logdir);
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> cmd = new ArrayList<>(List.of(java, "-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                "-cp", System.getProperty("java.class.path"), CkdbMain.class.getName(), "-U", db.jdbcUrl(),
                "-u", db.user(), "-s", sockdir.toString(), "-n", "ckdbo", "-L", logdir.toString()));
        cmd.addAll(List.of(extra));
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.environment().put(CkdbMain.PASSWORD_ENV, db.password());
        pb.redirectErrorStream(true).redirectOutput(logdir.resolve("stdout-" + started.size() + ".txt").toFile());
        Process p = pb.start();
        started.add(p);
        return p;
    }

    private static void awaitServing(Process p, Path sock, long notBeforePid) throws Exception {
        Await.until("ckdb serving on its socket", 60_000, () -> {
            assertThat(p.isAlive()).as("ckdb process exited").isTrue();
            return ControlServer.isLive(sock) && ControlClient.request(sock, "ping", 2000).orElse("").equals("pong")
                    && (notBeforePid < 0 || !ProcessHandle.of(notBeforePid).map(ProcessHandle::isAlive).orElse(false));
        });
    }

    private static JsonNode pool(Path sock) throws Exception {
        return Json.MAPPER.readTree(ControlClient.request(sock, "{\"method\":\"pool\",\"id\":1}", 10_000)
                .orElseThrow()).get("result");
    }

    @Test
    void secondInstanceWithKReplacesTheFirstAndRWithRebuildsFromThePoolJournal() throws Exception {
        DbSettings db = TestPg.freshDatabase();
        tmp = Files.createTempDirectory("ckdb-opts");
        Path sockdir = tmp.resolve("sock");
        Path logdir = tmp.resolve("logs");
        Path poolLogs = tmp.resolve("poollogs");
        Path sock = sockdir.resolve("listener");

        // the pool ran while ckdb was away: its messages are only in its journal
        double expected = 0;
        try (CkdbClient client = new CkdbClient(sock, poolLogs, "pool7")) {
            for (int i = 1; i <= 500; i++) {
                client.send("shares", Json.object().put("username", "zoe").put("workername", "zoe.a")
                        .put("diff", i % 7 + 1).put("workinfoid", 1));
                expected += i % 7 + 1;
            }
        }

        Process first = startCkdb(db, sockdir, logdir);
        awaitServing(first, sock, -1);
        assertThat(pool(sock).get("shares").asLong()).isZero();

        // without -k a second instance refuses to start and leaves the first alone
        Process refused = startCkdb(db, sockdir, logdir);
        assertThat(refused.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(refused.exitValue()).isEqualTo(1);
        assertThat(first.isAlive()).isTrue();

        Process second = startCkdb(db, sockdir, logdir, "-k", "-r", poolLogs.toString());
        assertThat(first.waitFor(60, TimeUnit.SECONDS)).as("old instance stopped by -k").isTrue();
        awaitServing(second, sock, first.pid());
        assertThat(second.isAlive()).isTrue();
        JsonNode pool = pool(sock);
        assertThat(pool.get("shares").asLong()).as("rebuilt from the journal at start").isEqualTo(500);
        assertThat(pool.get("diffacc").asDouble()).isEqualTo(expected);
        JsonNode sources = Json.MAPPER.readTree(ControlClient.request(sock, "{\"method\":\"sources\",\"id\":2}",
                10_000).orElseThrow()).get("result");
        assertThat(sources.get(0).get("source").asText()).startsWith("pool7-");
        assertThat(sources.get(0).get("lastseq").asLong()).isEqualTo(500);
        String log = Files.readString(logdir.resolve("ckdbo.log"));
        assertThat(log).contains("stopping old instance pid " + first.pid()).contains("rebuilt 500 messages");

        assertThat(ControlClient.request(sock, "shutdown", 5000)).isPresent();
        assertThat(second.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(second.exitValue()).isZero();
    }
}
