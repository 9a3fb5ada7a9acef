package org.jckpool.generator;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import org.jckpool.suite.config.BtcdConfig;
import org.jckpool.libpool.json.Json;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A scripted JSON-RPC node for replies simnode never gives: older or wallet-less validateaddress, odd shapes, wrong
 * types. The generator must judge the node, never crash.
 */
class OddNodeRepliesTest {
    private static final String TEMPLATE = "{\"previousblockhash\":\"" + "ab".repeat(32) + "\",\"height\":7,"
            + "\"coinbasevalue\":5000000000,\"bits\":\"207fffff\",\"version\":536870912,\"curtime\":1700000000,"
            + "\"transactions\":[]}";
    private final Map<String, String> results = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> calls = new ConcurrentHashMap<>();
    private HttpServer http;
    private Generator gen;

    @BeforeEach
    void start() throws IOException {
        results.put("getblockchaininfo", "{\"result\":{\"chain\":\"regtest\"},\"error\":null}");
        results.put("getblocktemplate", "{\"result\":" + TEMPLATE + ",\"error\":null}");
        results.put("getbestblockhash", "{\"result\":\"" + "ab".repeat(32) + "\",\"error\":null}");
        http = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        http.createContext("/", ex -> {
            JsonNode req = Json.parseOrNull(new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            String method = req == null ? "" : req.path("method").asText();
            calls.computeIfAbsent(method, m -> new AtomicInteger()).incrementAndGet();
            String body = results.getOrDefault(method,
                    "{\"result\":null,\"error\":{\"code\":-32601,\"message\":\"Method not found\"}}");
            byte[] out = body.replace("\"error\":", "\"id\":" + req.path("id") + ",\"error\":")
                    .getBytes(StandardCharsets.UTF_8);
            ex.sendResponseHeaders(200, out.length);
            try (OutputStream os = ex.getResponseBody()) {
                os.write(out);
            }
        });
        http.start();
    }

    @AfterEach
    void stop() {
        if (gen != null) {
            gen.close();
        }
        http.stop(0);
    }

    private void startGenerator() {
        String url = "127.0.0.1:" + http.getAddress().getPort();
        gen = new Generator(new GeneratorSettings(List.of(new BtcdConfig(url, "u", "p", false)), Nodes.ADDRESS,
                100, 30, null, Nodes.FAST));
        gen.start();
    }

    private String problem() {
        return gen.nodes().nodes().get(0).problem();
    }

    private int calls(String method) {
        AtomicInteger n = calls.get(method);
        return n == null ? 0 : n.get();
    }

    @Test
    void validateaddressWithoutScriptFieldsFallsBackToGetaddressinfo() {
        results.put("validateaddress", "{\"result\":{\"isvalid\":true,\"address\":\"" + Nodes.ADDRESS + "\"},\"error\":null}");
        results.put("getaddressinfo", "{\"result\":{\"address\":\"" + Nodes.ADDRESS
                + "\",\"isscript\":false,\"iswitness\":true},\"error\":null}");
        startGenerator();
        assertThat(gen.nodes().active()).isNotNull();
        assertThat(calls("getaddressinfo")).isPositive();
    }

    @Test
    void validateaddressMissingAltogetherFallsBackToGetaddressinfo() {
        results.put("getaddressinfo", "{\"result\":{\"address\":\"" + Nodes.ADDRESS + "\"},\"error\":null}");
        startGenerator();
        assertThat(gen.nodes().active()).isNotNull();
        assertThat(calls("validateaddress")).isPositive();
    }

    @Test
    void getaddressinfoRejectionIsAClearAddressProblem() {
        results.put("validateaddress", "{\"result\":{\"isvalid\":true},\"error\":null}");
        results.put("getaddressinfo", "{\"result\":null,\"error\":{\"code\":-5,\"message\":\"Invalid address\"}}");
        startGenerator();
        assertThat(gen.nodes().active()).isNull();
        assertThat(problem()).contains("btcaddress").contains("getaddressinfo").contains("Invalid address");
    }

    @Test
    void oddShapesMakeTheNodeUnusableWithTheReason() throws Exception {
        results.put("validateaddress", "{\"result\":{\"isvalid\":true,\"isscript\":false,\"iswitness\":true},\"error\":null}");
        results.put("getblocktemplate", "{\"result\":{\"height\":\"seven\"},\"error\":null}");
        startGenerator();
        assertThat(gen.nodes().active()).isNull();
        assertThat(problem()).contains("previousblockhash");

        results.put("getblocktemplate", "{\"result\":\"a string\",\"error\":null}");
        assertThat(Nodes.waitFor(() -> String.valueOf(problem()).contains("not an object"), 4000)).isTrue();

        results.put("getblocktemplate", "{\"result\":" + TEMPLATE + ",\"error\":null}");
        results.put("getblockchaininfo", "{\"result\":{\"chain\":\"moon\"},\"error\":null}");
        assertThat(Nodes.waitFor(() -> String.valueOf(problem()).contains("unknown chain"), 4000)).isTrue();

        results.put("getblockchaininfo", "{\"result\":{\"chain\":\"regtest\"},\"error\":null}");
        assertThat(Nodes.waitFor(() -> gen.nodes().active() != null, 4000)).isTrue();
        assertThat(Nodes.waitFor(() -> gen.fetcher().current() != null, 4000)).isTrue();
        assertThat(gen.fetcher().current().height()).isEqualTo(7);

        // a tip poll answered with a number: the node is dropped until its next check, nothing crashes
        results.put("getbestblockhash", "{\"result\":42,\"error\":null}");
        assertThat(Nodes.waitFor(() -> gen.nodes().active() == null, 4000)).isTrue();
        results.put("getbestblockhash", "{\"result\":\"" + "ab".repeat(32) + "\",\"error\":null}");
        assertThat(Nodes.waitFor(() -> gen.nodes().active() != null, 4000)).isTrue();
        assertThat(gen.stats().get("active").asText()).endsWith(":" + http.getAddress().getPort());
    }
}
