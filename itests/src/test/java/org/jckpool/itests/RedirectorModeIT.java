package org.jckpool.itests;

import com.fasterxml.jackson.databind.JsonNode;
import org.jckpool.libpool.json.Json;
import org.jckpool.testkit.Await;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code ckpool -R} end to end with real processes: a jckpool pool on a simnode upstream, a jckpool redirector in
 * front of it whose two {@code redirecturl} entries both name that pool (as 127.0.0.1 and as localhost, so the test
 * sees which one was chosen). A testminer mines through the redirector until a share of its is accepted, is sent
 * {@code client.reconnect} to one entry and mines there; a second miner from the same address is sent to the same
 * entry; a client from another address (127.0.0.2) that only ever sends shares the upstream rejects is never
 * redirected and is dropped {@code dropidle} seconds after it connected, as is one (127.0.0.3) that never submits.
 */
class RedirectorModeIT {
    static final String DIFFS = "\"mindiff\":0.000001,\"startdiff\":0.000001,\"highdiff\":0.000001";
    static final int DROPIDLE = 5;

    @TempDir
    Path dir;

    @Test
    void minersWithAnAcceptedShareAreSentOnAndOthersAreDroppedAfterDropidle() throws Exception {
        try (MiningSuite up = new MiningSuite(dir, "up", "1f00ffff", DIFFS);
             PoolProcesses rd = new PoolProcesses(dir)) {
            assertThat(up.awaitReady(90_000)).as("upstream ready; log:\n%s", up.poolLog()).isTrue();
            int stratum = MiningSuite.freePort();
            int http = MiningSuite.freePort();
            Path logdir = dir.resolve("logs-rd");
            Path conf = dir.resolve("rd.conf");
            List<String> targets = List.of("127.0.0.1:" + up.stratumPort, "localhost:" + up.stratumPort);
            Files.writeString(conf, "{\"proxy\":[{\"url\":\"127.0.0.1:" + up.stratumPort + "\"}],"
                    + "\"redirecturl\":[\"" + targets.get(0) + "\",\"" + targets.get(1) + "\"],"
                    + "\"dropidle\":" + DROPIDLE + ",\"serverurl\":[\"127.0.0.1:" + stratum + "\"],"
                    + "\"logdir\":\"" + logdir + "\",\"httpbind\":\"127.0.0.1:" + http + "\"}\n");
            rd.startPool("rd", conf, Map.of(), "-R");
            Path sock = rd.sockdir("rd");
            assertThat(Await.within(60_000, () -> {
                JsonNode s = ProxyIT.request(sock.resolve("stratifier"), "{\"method\":\"stats\"}");
                JsonNode c = ProxyIT.request(sock.resolve("connector"), "{\"method\":\"stats\"}");
                return s != null && s.path("upstream").path("connected").asBoolean()
                        && s.path("connector_connected").asBoolean() && c != null && c.path("admitting").asBoolean();
            })).as("redirector ready; log:\n%s", log(logdir)).isTrue();
            assertThat(Files.exists(sock.resolve("generator"))).as("no generator in -R").isFalse();

            try (ScreenedClient rejected = new ScreenedClient("127.0.0.2", stratum, true);
                 ScreenedClient silent = new ScreenedClient("127.0.0.3", stratum, false)) {
                // the upstream pool shows the redirector's link and the miner behind it; the redirector its link
                assertThat(Await.within(10_000, () -> {
                    JsonNode p = Json.parseOrNull(up.get("/api/passthrough").body());
                    return p != null && p.path("downstream").size() == 1
                            && p.path("downstream").path(0).path("clients").asInt() == 2;
                })).as("upstream's /api/passthrough: %s", up.get("/api/passthrough").body()).isTrue();
                assertThat(Await.within(5_000, () -> up.get("/metrics").body()
                        .contains("jckpool_downstream_passthroughs 1.0"))).isTrue();
                JsonNode admin = up.stratifier("{\"method\":\"passthrough\"}");
                assertThat(admin.path("mode").asText()).as("ckpmsg passthrough: %s", admin).isEqualTo("pool");
                assertThat(admin.path("downstream").size()).isEqualTo(1);
                assertThat(ProxyIT.request(sock.resolve("stratifier"), "{\"method\":\"passthrough\"}")
                        .path("mode").asText()).isEqualTo("redirector");
                JsonNode own = Json.parseOrNull(get(http, "/api/passthrough"));
                assertThat(own.path("mode").asText()).isEqualTo("redirector");
                assertThat(own.path("upstream").path("connected").asBoolean()).isTrue();
                assertThat(own.path("upstream").path("url").asText()).isEqualTo("127.0.0.1:" + up.stratumPort);
                assertThat(Json.parseOrNull(get(http, "/api/pool")).path("nodes").path(0).path("alive").asBoolean())
                        .as("the upstream pool is the relay's node").isTrue();
                assertThat(Await.within(5_000, () -> {
                    String metrics = get(http, "/metrics");
                    return metrics.contains("jckpool_mode{mode=\"redirector\"} 1.0")
                            && metrics.contains("jckpool_passthrough_upstream_up 1.0");
                })).as("%s", get(http, "/metrics")).isTrue();
                LineProcess a = miner(rd, stratum, "minerA.rig1");
                assertThat(a.awaitLine(0, l -> l.startsWith("RECONNECT"), 60_000))
                        .as("miner A redirected: %s\nlog:\n%s", a.output(), log(logdir)).isPresent();
                int redirectedAt = indexOf(a, "RECONNECT");
                assertThat(a.lines().subList(0, redirectedAt)).as("an accepted share came first")
                        .anyMatch(l -> l.startsWith("ACCEPTED"));
                String target = a.lines().get(redirectedAt).split(" ")[1];
                assertThat(target).isIn(targets);
                assertThat(a.lines().get(redirectedAt)).as("wait 0, as ckpool sends").endsWith(" 0");
                // it follows the redirect and mines on the target itself
                assertThat(a.awaitLine(redirectedAt, l -> l.startsWith("ACCEPTED"), 60_000))
                        .as("miner A mining on %s: %s", target, a.output()).isPresent();

                LineProcess b = miner(rd, stratum, "minerB.rig2");
                assertThat(b.awaitLine(0, l -> l.startsWith("RECONNECT"), 60_000)).as(b.output()).isPresent();
                assertThat(b.lines().get(indexOf(b, "RECONNECT")).split(" ")[1])
                        .as("the same address goes to the same target").isEqualTo(target);

                assertThat(rejected.awaitClosed(DROPIDLE * 1000L + 15_000))
                        .as("the client without an accepted share is dropped; got %s\nlog:\n%s", rejected.lines,
                                log(logdir)).isTrue();
                long lived = rejected.closedAt - rejected.connectedAt;
                assertThat(lived).as("dropped after dropidle, not before").isBetween(DROPIDLE * 1000L - 1_000,
                        DROPIDLE * 1000L + 10_000);
                assertThat(rejected.lines).as("its shares were answered").anyMatch(l -> l.contains("\"error\":["));
                assertThat(rejected.lines).noneMatch(l -> l.contains("client.reconnect"));
                // one that never submits: the connector's own dropidle (nothing sent) or the redirector's, whichever
                // comes first, ends it at the same time
                assertThat(silent.awaitClosed(15_000)).as("the silent client is dropped").isTrue();
                assertThat(silent.closedAt - silent.connectedAt).isBetween(DROPIDLE * 1000L - 1_000,
                        DROPIDLE * 1000L + 10_000);
                assertThat(silent.lines).as("it was served until then").anyMatch(l -> l.contains("\"id\":2"))
                        .noneMatch(l -> l.contains("client.reconnect"));

                JsonNode st = ProxyIT.request(sock.resolve("stratifier"), "{\"method\":\"stats\"}");
                assertThat(st.path("mode").asText()).isEqualTo("redirector");
                assertThat(st.path("redirector").path("redirected").asLong()).as("%s", st).isEqualTo(2);
                assertThat(st.path("redirector").path("dropped_idle").asLong()).as("%s", st).isBetween(1L, 2L);
                assertThat(st.path("redirector").path("dropidle").asLong()).isEqualTo(DROPIDLE);
            }
        }
    }

    private static String get(int port, String path) throws IOException, InterruptedException {
        return java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(
                        java.net.URI.create("http://127.0.0.1:" + port + path)).timeout(java.time.Duration.ofSeconds(5))
                .build(), java.net.http.HttpResponse.BodyHandlers.ofString()).body();
    }

    private static int indexOf(LineProcess m, String prefix) {
        List<String> lines = m.lines();
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).startsWith(prefix)) {
                return i;
            }
        }
        throw new AssertionError("no " + prefix + " line in " + lines);
    }

    private static String log(Path logdir) {
        try {
            Path p = logdir.resolve("rd.log");
            return Files.exists(p) ? Files.readString(p) : "";
        } catch (IOException e) {
            return e.toString();
        }
    }

    private static LineProcess miner(PoolProcesses rd, int port, String user) throws Exception {
        return rd.startLines(List.of(rd.root.resolve("scripts/testminer").toString(), "-o",
                "stratum+tcp://127.0.0.1:" + port, "-u", user, "-p", "x", "-t", "1", "--hashrate-limit", "20000",
                "--duration", "120", "--status-interval", "0", "--retry-max-wait", "1"), user + ".err");
    }

    /**
     * A client from its own local address that subscribes, authorises and then, with {@code submits}, sends a share
     * the upstream rejects every half second (so it is never silent, and never has a share accepted), or else
     * nothing more; records what it gets and when the redirector closes it.
     */
    static final class ScreenedClient implements AutoCloseable {
        final List<String> lines = new CopyOnWriteArrayList<>();
        final long connectedAt;
        volatile long closedAt;
        private final Socket socket = new Socket();
        private final Thread sender;

        ScreenedClient(String localAddress, int port, boolean submits) throws IOException {
            socket.bind(new InetSocketAddress(localAddress, 0));
            socket.connect(new InetSocketAddress("127.0.0.1", port), 3_000);
            connectedAt = System.currentTimeMillis();
            OutputStream out = socket.getOutputStream();
            Thread reader = new Thread(this::read, "screened-reader");
            reader.setDaemon(true);
            reader.start();
            sender = new Thread(() -> send(out, submits), "screened-sender");
            sender.setDaemon(true);
            sender.start();
        }

        private void send(OutputStream out, boolean submits) {
            try {
                write(out, "{\"id\":1,\"method\":\"mining.subscribe\",\"params\":[\"screened/1\"]}");
                write(out, "{\"id\":2,\"method\":\"mining.authorize\",\"params\":[\"screened.rig\",\"x\"]}");
                for (int id = 3; submits && closedAt == 0; id++) {
                    write(out, "{\"id\":" + id + ",\"method\":\"mining.submit\",\"params\":[\"screened.rig\","
                            + "\"ffffffff\",\"00000000\",\"00000000\",\"00000000\"]}");
                    Thread.sleep(500); // the pace of a slow miner, not a wait for a condition
                }
            } catch (IOException | InterruptedException e) {
                // closed: the reader records when
            }
        }

        private static void write(OutputStream out, String line) throws IOException {
            out.write((line + "\n").getBytes(StandardCharsets.UTF_8));
            out.flush();
        }

        private void read() {
            try (InputStream in = socket.getInputStream()) {
                StringBuilder line = new StringBuilder();
                int c;
                while ((c = in.read()) >= 0) {
                    if (c == '\n') {
                        lines.add(line.toString());
                        line.setLength(0);
                    } else {
                        line.append((char) c);
                    }
                }
            } catch (IOException e) {
                // a reset counts as closed too
            }
            closedAt = System.currentTimeMillis();
        }

        boolean awaitClosed(long timeoutMs) throws Exception {
            return Await.within(timeoutMs, () -> closedAt != 0);
        }

        @Override
        public void close() throws IOException {
            socket.close();
            sender.interrupt();
        }
    }
}
