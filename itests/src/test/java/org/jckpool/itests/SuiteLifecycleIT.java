package org.jckpool.itests;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import org.jckpool.libpool.json.Json;
import org.jckpool.testkit.Await;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The suite as real processes: scripts/ckpool, driven by scripts/ckpmsg and scripts/notifier. */
class SuiteLifecycleIT {
    private static final long START_MS = 60_000;

    @TempDir
    Path tmp;
    private PoolProcesses pool;

    @BeforeEach
    void setUp() {
        pool = new PoolProcesses(tmp);
    }

    @AfterEach
    void tearDown() {
        pool.close();
    }

    private JsonNode stats(String name) throws Exception {
        PoolProcesses.Result r = pool.ckpmsg(name, "{\"method\":\"stats\"}");
        assertThat(r.exit()).as(r.out()).isZero();
        String line = r.out().lines().filter(l -> l.startsWith("Received response: ")).findFirst().orElseThrow();
        return Json.parseOrNull(line.substring("Received response: ".length()));
    }

    private Process startAndWait(String name, Path conf, String... extra) throws Exception {
        Process p = pool.startPool(name, conf, Map.of(), extra);
        assertThat(Await.within(START_MS, () -> pool.allSocketsLive(name) || !p.isAlive()))
                .as("suite came up").isTrue();
        assertThat(p.isAlive()).as("ckpool still running").isTrue();
        return p;
    }

    private void assertNothingLeft(String name) throws Exception {
        Path dir = pool.sockdir(name);
        try (Stream<Path> files = Files.list(dir)) {
            assertThat(files.map(f -> f.getFileName().toString()))
                    .as("sockets and pid files left in " + dir).isEmpty();
        }
    }

    @Test
    void controlCommandsStatsRestartsAndShutdown() throws Exception {
        Path conf = pool.config("p1", "");
        Process ckpool = startAndWait("p1", conf);
        assertThat(Files.getPosixFilePermissions(pool.sockdir("p1")))
                .isEqualTo(java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-x---"));

        PoolProcesses.Result r = pool.ckpmsg("p1", "ping", "loglevel=7", "loglevel=9", "PiNg", "nonsense");
        assertThat(r.exit()).isZero();
        assertThat(r.out()).contains("Received response: pong", "Received response: success",
                "Received response: Invalid", "Received response: unknown");
        r = pool.ckpmsgStdin("p1", "ping\n#comment\nstatus-not-a-command\n");
        assertThat(r.out()).contains("Received response: pong", "Received response: unknown");
        r = pool.ckpmsg("p1", "-N", "stratifier", "ping");
        assertThat(r.out()).contains("Received response: pong");
        assertThat(pool.notifier("p1").exit()).isZero();

        JsonNode s = stats("p1");
        for (String p : new String[]{"listener", "generator", "stratifier", "connector"}) {
            assertThat(s.get(p).get("pid").asLong()).as(p).isPositive();
            assertThat(s.get(p).get("loglevel").asInt()).as(p + " got loglevel=7").isEqualTo(7);
            assertThat(s.get(p).has("uptime")).isTrue();
            assertThat(s.get(p).get("restarts").asInt()).isZero();
        }
        assertThat(s.get("listener").get("pid").asLong()).isEqualTo(pool.pid("p1", "main").orElseThrow());

        for (String child : PoolProcesses.CHILDREN) {
            long old = s.get(child).get("pid").asLong();
            ProcessHandle.of(old).orElseThrow().destroyForcibly();
            assertThat(Await.within(30_000, () -> pool.pid("p1", child).orElse(old) != old
                    && pool.allSocketsLive("p1"))).as(child + " restarted").isTrue();
        }
        s = stats("p1");
        for (String child : PoolProcesses.CHILDREN) {
            assertThat(s.get(child).get("restarts").asInt()).as(child).isEqualTo(1);
            assertThat(s.get(child).get("alive").asBoolean()).isTrue();
        }
        assertThat(Files.readString(tmp.resolve("logs/p1.log"))).contains("Child stratifier", "Restarting stratifier");

        long[] pids = PoolProcesses.CHILDREN.stream().mapToLong(c -> pool.pid("p1", c).orElseThrow()).toArray();
        r = pool.ckpmsg("p1", "shutdown");
        assertThat(r.out()).contains("Received response: exiting");
        assertThat(ckpool.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(ckpool.exitValue()).isZero();
        for (long pid : pids) {
            assertThat(PoolProcesses.alive(pid)).isFalse();
        }
        assertNothingLeft("p1");
        r = pool.ckpmsg("p1", "ping");
        assertThat(r.exit()).isNotZero();
        assertThat(r.out()).contains("Failed to open socket");
    }

    @Test
    void childrenDieWithAKilledSupervisor() throws Exception {
        Process ckpool = startAndWait("p2", pool.config("p2", ""));
        long[] pids = PoolProcesses.CHILDREN.stream().mapToLong(c -> pool.pid("p2", c).orElseThrow()).toArray();
        long main = pool.pid("p2", "main").orElseThrow();
        ProcessHandle.of(main).orElseThrow().destroyForcibly();
        assertThat(Await.within(10_000, () -> {
            for (long pid : pids) {
                if (PoolProcesses.alive(pid)) {
                    return false;
                }
            }
            return true;
        })).as("children exit when the supervisor is SIGKILLed").isTrue();
        ckpool.waitFor(10, TimeUnit.SECONDS);
    }

    @Test
    void secondInstanceIsRefusedUnlessKillOld() throws Exception {
        Path conf = pool.config("p3", "");
        Process first = startAndWait("p3", conf);
        long firstMain = pool.pid("p3", "main").orElseThrow();

        Process refused = pool.startPool("p3", conf, Map.of());
        assertThat(refused.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(refused.exitValue()).isNotZero();
        assertThat(pool.output("p3", 1)).contains("already running").contains("-k");
        assertThat(first.isAlive()).isTrue();

        Process second = pool.startPool("p3", conf, Map.of(), "-k");
        assertThat(first.waitFor(60, TimeUnit.SECONDS)).as("old instance stopped").isTrue();
        assertThat(Await.within(START_MS, () -> pool.pid("p3", "main").orElse(firstMain) != firstMain
                && pool.allSocketsLive("p3"))).isTrue();
        assertThat(second.isAlive()).isTrue();
        assertThat(pool.ckpmsg("p3", "ping").out()).contains("pong");
        second.destroy(); // SIGTERM: orderly stop
        assertThat(second.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertNothingLeft("p3");
    }

    @Test
    void badConfigFailsNamingTheKey() throws Exception {
        Process p = pool.startPool("p4", pool.config("p4", "\"nonce1length\": 12"), Map.of());
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).isNotZero();
        assertThat(pool.output("p4", 0)).contains("nonce1length").contains("12").contains("out of range");
    }

    @Test
    void childThatKeepsDyingStopsTheSuite() throws Exception {
        Map<String, String> env = new HashMap<>();
        env.put("JCKPOOL_GENERATOR_JVM_OPTS", "-XX:+NoSuchJvmOptionForTest");
        Process p = pool.startPool("p5", pool.config("p5", ""), env);
        assertThat(p.waitFor(90, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).isEqualTo(1);
        assertThat(Files.readString(tmp.resolve("logs/p5.log"))).contains("generator died 5 times");
        assertNothingLeft("p5");
    }
}
