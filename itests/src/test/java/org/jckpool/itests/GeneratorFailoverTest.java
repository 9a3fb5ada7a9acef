package org.jckpool.itests;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import com.fasterxml.jackson.databind.JsonNode;
import org.jckpool.libpool.ipc.ControlClient;
import org.jckpool.libpool.json.Json;
import org.jckpool.testkit.Await;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The suite as a user runs it: two simulated nodes from scripts/simnode, the pool from scripts/ckpool with both in
 * "btcd", and the generator's stats read from its control socket. Killing the first node moves the generator to
 * the second within 5 s; restarting the first on its port brings it back.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class GeneratorFailoverTest {
    private static final String ADDRESS = "bcrt1qw508d6qejxtdg4y5r3zarvary0c5xw7kygt080";
    private final Path root = Path.of(System.getProperty("jckpool.root", "..")).toAbsolutePath().normalize();
    private final List<Process> processes = new ArrayList<>();
    private Path work;

    private Process pool;

    @AfterEach
    void stopAll() throws Exception {
        // the pool first (it stops its children), then the nodes
        if (pool != null) {
            stop(pool);
        }
        for (Process p : processes) {
            stop(p);
        }
        if (work != null) {
            try (var files = Files.walk(work)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
            }
        }
    }

    private static void stop(Process p) throws InterruptedException {
        p.destroy();
        if (!p.waitFor(10, TimeUnit.SECONDS)) {
            p.destroyForcibly();
        }
    }

    private Process startSimnode(int port) throws IOException {
        ProcessBuilder pb = new ProcessBuilder(root.resolve("scripts/simnode").toString(), "--port",
                Integer.toString(port), "--rpcuser", "u", "--rpcpassword", "p", "--txs", "1");
        pb.redirectError(work.resolve("simnode-" + port + "-" + System.nanoTime() + ".err").toFile());
        Process p = pb.start();
        processes.add(p);
        return p;
    }

    /** Reads the "simnode listening on 127.0.0.1:PORT" line. */
    private static int listeningPort(Process p) throws IOException {
        BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        String line = r.readLine();
        assertThat(line).as("simnode's first line").startsWith("simnode listening on 127.0.0.1:");
        return Integer.parseInt(line.substring(line.lastIndexOf(':') + 1).strip());
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    private JsonNode stats(Path sock) {
        try {
            return Json.parseOrNull(ControlClient.request(sock, "{\"method\":\"stats\"}", 3000).orElse(""));
        } catch (IOException e) {
            return null;
        }
    }

    private JsonNode waitForStats(Path sock, Predicate<JsonNode> cond, long ms) throws Exception {
        JsonNode[] last = new JsonNode[1];
        if (!Await.within(ms, () -> (last[0] = stats(sock)) != null && cond.test(last[0]))) {
            throw new AssertionError("condition not met within " + ms + " ms; last stats: " + last[0]);
        }
        return last[0];
    }

    private static Predicate<JsonNode> activeIs(String url) {
        return s -> url.equals(s.path("active").asText(null));
    }

    @Test
    void generatorFailsOverToTheSecondNodeAndReturnsToTheFirst() throws Exception {
        work = Files.createTempDirectory("jckpool-genfail");
        Process first = startSimnode(0);
        Process second = startSimnode(0);
        int port1 = listeningPort(first);
        int port2 = listeningPort(second);
        String url1 = "127.0.0.1:" + port1;
        String url2 = "127.0.0.1:" + port2;

        Path conf = work.resolve("ckpool.conf");
        Files.writeString(conf, "{\n"
                + "\"btcd\": [{\"url\":\"" + url1 + "\",\"auth\":\"u\",\"pass\":\"p\"},\n"
                + "          {\"url\":\"" + url2 + "\",\"auth\":\"u\",\"pass\":\"p\"}],\n"
                + "\"btcaddress\": \"" + ADDRESS + "\",\n"
                + "\"serverurl\": [\"127.0.0.1:" + freePort() + "\"],\n"
                + "\"logdir\": \"" + work.resolve("logs") + "\"\n}\n");
        String name = "genfail" + ProcessHandle.current().pid();
        Path sockBase = work.resolve("sock");
        Path sockdir = sockBase.resolve(name);
        ProcessBuilder pb = new ProcessBuilder(root.resolve("scripts/ckpool").toString(), "-c", conf.toString(),
                "-n", name, "-s", sockdir.toString(), "-l", "6");
        pb.redirectOutput(work.resolve("ckpool.out").toFile());
        pb.redirectError(work.resolve("ckpool.err").toFile());
        pool = pb.start();
        Path generator = sockdir.resolve("generator");

        JsonNode s = waitForStats(generator, activeIs(url1), 30_000);
        assertThat(s.path("process").asText()).isEqualTo("generator");
        assertThat(s.path("nodes_alive").asInt()).isEqualTo(2);
        s = waitForStats(generator, st -> st.path("last_template").path("height").asLong() == 1, 5_000);
        assertThat(s.path("last_template").path("node").asText()).isEqualTo(url1);

        // the same through ckpool's tool: ckpmsg -s BASE -n NAME -N generator
        Process msg = new ProcessBuilder(root.resolve("scripts/ckpmsg").toString(), "-s", sockBase.toString(), "-n",
                name, "-N", "generator", "{\"method\":\"stats\"}").redirectErrorStream(true).start();
        String out = new String(msg.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(msg.waitFor(20, TimeUnit.SECONDS)).isTrue();
        assertThat(out).contains("Received response:").contains("\"active\":\"" + url1 + "\"");

        // kill the first node: the generator moves to the second within 5 s
        first.destroyForcibly();
        first.waitFor(10, TimeUnit.SECONDS);
        waitForStats(generator, activeIs(url2), 5_000);
        s = waitForStats(generator, st -> url2.equals(st.path("last_template").path("node").asText()), 5_000);
        assertThat(s.path("nodes_alive").asInt()).isEqualTo(1);

        // the first node comes back on its port: the generator returns to it (watchdog every 5 s)
        Process again = startSimnode(port1);
        assertThat(listeningPort(again)).isEqualTo(port1);
        waitForStats(generator, activeIs(url1), 8_000);
        s = waitForStats(generator, st -> st.path("nodes_alive").asInt() == 2, 5_000);
        assertThat(s.path("active").asText()).isEqualTo(url1);
    }
}
