package org.jckpool.itests;

import com.fasterxml.jackson.databind.JsonNode;
import org.jckpool.libpool.ipc.ControlClient;
import org.jckpool.libpool.json.Json;
import org.jckpool.libpool.rpc.BitcoinRpcClient;
import org.jckpool.libpool.rpc.RpcCredentials;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.jckpool.testkit.Await;

/**
 * A simulated node from scripts/simnode and the whole suite from scripts/ckpool mining on it (with -L), on free
 * loopback ports: stratum, HTTP (web API) and the node's RPC. Everything started is stopped by {@link #close}.
 */
final class MiningSuite implements AutoCloseable {
    static final String ADDRESS = "bcrt1qw508d6qejxtdg4y5r3zarvary0c5xw7kygt080";

    final PoolProcesses pool;
    final String name;
    final Path base;
    final Path logdir;
    final int stratumPort;
    final int httpPort;
    final int rpcPort;
    /** The first node's RPC. */
    final BitcoinRpcClient rpc;
    /** Every node's RPC, in btcd order. */
    final List<BitcoinRpcClient> rpcs = new ArrayList<>();
    private final List<Process> simnodes = new ArrayList<>();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build();

    /**
     * @param bits      simnode --bits (null: Core's regtest target, every share is a block)
     * @param extraJson more ckpool.conf keys ("" for none)
     */
    MiningSuite(Path base, String name, String bits, String extraJson) throws Exception {
        this(base, name, bits, extraJson, List.of());
    }

    /** @param simnodeArgs more scripts/simnode arguments (e.g. --rpcworkqueue 64) */
    MiningSuite(Path base, String name, String bits, String extraJson, List<String> simnodeArgs) throws Exception {
        this(base, name, bits, extraJson, simnodeArgs, 1);
    }

    /**
     * @param nodes simulated nodes, all in the pool's btcd list in this order ({@link #rpcs}); their chains are the
     *              same only while each block reaches each (use {@code --txs 0}: no mempools that differ)
     */
    MiningSuite(Path base, String name, String bits, String extraJson, List<String> simnodeArgs, int nodes)
            throws Exception {
        this(base, name, bits, extraJson, simnodeArgs, nodes, List.of("-L"));
    }

    /** @param poolFlags scripts/ckpool flags (the others start with -L) */
    MiningSuite(Path base, String name, String bits, String extraJson, List<String> simnodeArgs, int nodes,
                List<String> poolFlags) throws Exception {
        this.base = base;
        this.name = name;
        this.pool = new PoolProcesses(base);
        this.logdir = base.resolve("logs-" + name);
        StringBuilder btcd = new StringBuilder();
        for (int i = 0; i < nodes; i++) {
            int port = startSimnode(base.resolve(name + "-simnode" + (i == 0 ? "" : "-" + i) + ".err"), bits,
                    simnodeArgs);
            rpcs.add(new BitcoinRpcClient("http://127.0.0.1:" + port, RpcCredentials.basic("u", "p")));
            btcd.append(i == 0 ? "" : ",").append("{\"url\":\"127.0.0.1:").append(port)
                    .append("\",\"auth\":\"u\",\"pass\":\"p\"}");
        }
        rpc = rpcs.get(0);
        rpcPort = rpc.uri().getPort();
        stratumPort = freePort();
        httpPort = freePort();
        Path conf = base.resolve(name + ".conf");
        Files.writeString(conf, "{\"btcd\":[" + btcd + "],"
                + "\"btcaddress\":\"" + ADDRESS + "\",\"serverurl\":[\"127.0.0.1:" + stratumPort + "\"],"
                + "\"logdir\":\"" + logdir + "\",\"httpbind\":\"127.0.0.1:" + httpPort + "\""
                + (extraJson.isEmpty() ? "" : "," + extraJson) + "}\n");
        pool.startPool(name, conf, Map.of(), poolFlags.toArray(String[]::new));
    }

    /** scripts/simnode on a free port (two mempool transactions unless {@code args} say --txs); returns the port. */
    private int startSimnode(Path errFile, String bits, List<String> args) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(pool.root.resolve("scripts/simnode").toString(), "--port", "0",
                "--rpcuser", "u", "--rpcpassword", "p"));
        if (!args.contains("--txs")) {
            cmd.addAll(List.of("--txs", "2"));
        }
        if (bits != null) {
            cmd.addAll(List.of("--bits", bits));
        }
        cmd.addAll(args);
        Process p = new ProcessBuilder(cmd).redirectError(errFile.toFile()).start();
        simnodes.add(p);
        BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        String line = r.readLine();
        if (line == null || !line.startsWith("simnode listening on 127.0.0.1:")) {
            throw new IllegalStateException("simnode did not start: " + line);
        }
        return Integer.parseInt(line.substring(line.lastIndexOf(':') + 1).strip());
    }

    /** Waits until the stratifier has work, its connector stream is up and the connector admits miners. */
    boolean awaitReady(long timeoutMs) throws Exception {
        return Await.within(timeoutMs, () -> {
            JsonNode s = stratifier("{\"method\":\"stats\"}");
            if (s == null || !s.path("connector_connected").asBoolean() || s.path("height").asLong() <= 0) {
                return false;
            }
            try {
                JsonNode c = Json.parseOrNull(ControlClient.request(pool.sockdir(name).resolve("connector"),
                        "{\"method\":\"stats\"}", 3000).orElse(""));
                return c != null && c.path("admitting").asBoolean();
            } catch (IOException e) {
                return false;
            }
        });
    }

    Path stratifierSocket() {
        return pool.sockdir(name).resolve("stratifier");
    }

    /** One request to the stratifier's control socket, parsed (null when it did not answer JSON). */
    JsonNode stratifier(String request) {
        try {
            return Json.parseOrNull(ControlClient.request(stratifierSocket(), request, 3000).orElse(""));
        } catch (IOException e) {
            return null;
        }
    }

    /** The pool's connector's stats, or null when it does not answer. */
    JsonNode connectorStats() {
        try {
            return Json.parseOrNull(ControlClient.request(pool.sockdir(name).resolve("connector"),
                    "{\"method\":\"stats\"}", 3000).orElse(""));
        } catch (IOException e) {
            return null;
        }
    }

    String stratifierText(String request) throws IOException {
        return ControlClient.request(stratifierSocket(), request, 3000).orElse("");
    }

    HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + path))
                .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
    }

    /** scripts/testminer with the given arguments (the pool URL is added); waits for it to end. */
    PoolProcesses.Result testminer(String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(pool.root.resolve("scripts/testminer").toString(), "-o",
                "stratum+tcp://127.0.0.1:" + stratumPort));
        cmd.addAll(List.of(args));
        return pool.run(cmd, null);
    }

    /** scripts/testminer with the given arguments (the pool URL is added), running while the test reads its lines. */
    LineProcess startTestminer(String errName, String... args) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(pool.root.resolve("scripts/testminer").toString(), "-o",
                "stratum+tcp://127.0.0.1:" + stratumPort));
        cmd.addAll(List.of(args));
        return pool.startLines(cmd, errName);
    }

    String poolLog() throws IOException {
        Path log = logdir.resolve(name + ".log");
        return Files.exists(log) ? Files.readString(log) : "";
    }

    /** Stops the suite in order (ckpmsg shutdown) so that the stratifier writes its status files. */
    void shutdownPool() throws Exception {
        pool.ckpmsg(name, "shutdown");
        Await.within(15_000, () -> !pool.allSocketsLive(name) && pool.pid(name, "main").isEmpty());
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    @Override
    public void close() {
        rpcs.forEach(BitcoinRpcClient::close);
        pool.close();
        simnodes.forEach(Process::destroy);
        for (Process p : simnodes) {
            try {
                if (!p.waitFor(5, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                }
            } catch (InterruptedException e) {
                p.destroyForcibly();
                Thread.currentThread().interrupt();
            }
        }
    }
}
