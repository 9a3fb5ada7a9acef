package org.jckpool.libpool.rpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Runs the client against a small in-process HTTP server playing bitcoind, good and bad. */
class BitcoinRpcClientTest {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private HttpServer server;
    private ExecutorService serverThreads;
    private final CountDownLatch release = new CountDownLatch(1);
    private final List<JsonNode> requests = new CopyOnWriteArrayList<>();
    private final List<String> authHeaders = new CopyOnWriteArrayList<>();
    private final Set<Integer> clientPorts = ConcurrentHashMap.newKeySet();
    private final AtomicReference<String> expectedAuth = new AtomicReference<>(basic("alice", "secret"));
    private String base;
    private BitcoinRpcClient client;

    private static String basic(String user, String pass) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + pass).getBytes(StandardCharsets.UTF_8));
    }

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        serverThreads = Executors.newCachedThreadPool();
        server.setExecutor(serverThreads);
        server.createContext("/", this::bitcoind);
        server.createContext("/garbage", ex -> reply(ex, 200, "<html>not json</html>"));
        server.createContext("/empty", ex -> reply(ex, 200, ""));
        server.createContext("/wrongid", ex -> reply(ex, 200, "{\"result\":1,\"error\":null,\"id\":999}"));
        server.createContext("/wrongshape", ex -> reply(ex, 200, "{\"result\":[true],\"error\":null,\"id\":null}"));
        server.createContext("/notrpc", ex -> reply(ex, 200, "[1,2,3]"));
        server.createContext("/html500", ex -> reply(ex, 500, "Internal Server Error"));
        server.createContext("/forbidden", ex -> reply(ex, 403, ""));
        server.createContext("/hang", ex -> {
            readBody(ex);
            await();
            reply(ex, 200, "{\"result\":null,\"error\":null,\"id\":1}");
        });
        server.createContext("/slowbody", ex -> {
            readBody(ex);
            ex.sendResponseHeaders(200, 0); // chunked: headers arrive, body never completes
            ex.getResponseBody().write("{\"result\":".getBytes(StandardCharsets.UTF_8));
            ex.getResponseBody().flush();
            await();
            ex.close();
        });
        server.start();
        base = "127.0.0.1:" + server.getAddress().getPort();
        client = new BitcoinRpcClient(base, RpcCredentials.basic("alice", "secret"), Duration.ofSeconds(2),
                Duration.ofSeconds(3));
    }

    @AfterEach
    void stop() {
        release.countDown();
        client.close();
        server.stop(0);
        serverThreads.shutdownNow();
    }

    private void await() {
        try {
            release.await(20, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static byte[] readBody(HttpExchange ex) throws IOException {
        return ex.getRequestBody().readAllBytes();
    }

    private static void reply(HttpExchange ex, int status, String body) throws IOException {
        readBody(ex);
        byte[] b = body.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", "application/json");
        ex.sendResponseHeaders(status, b.length == 0 ? -1 : b.length);
        if (b.length > 0) {
            try (OutputStream os = ex.getResponseBody()) {
                os.write(b);
            }
        }
        ex.close();
    }

    /** A fake bitcoind: answers like Core does for JSON-RPC 1.0 (errors as HTTP 500/404) and 2.0 (HTTP 200). */
    private void bitcoind(HttpExchange ex) throws IOException {
        clientPorts.add(ex.getRemoteAddress().getPort());
        String auth = ex.getRequestHeaders().getFirst("Authorization");
        authHeaders.add(String.valueOf(auth));
        JsonNode req = MAPPER.readTree(readBody(ex));
        requests.add(req);
        if (!expectedAuth.get().equals(auth)) {
            reply(ex, 401, "");
            return;
        }
        boolean v2 = "2.0".equals(req.path("jsonrpc").asText());
        String id = req.get("id").toString();
        String method = req.path("method").asText();
        JsonNode params = req.path("params");
        String result;
        switch (method) {
            case "getblockcount" -> result = "101";
            case "getbestblockhash" -> result = "\"0f9188f13cb7b2c71f2a335e3a4fc328bf5beb436012afca590b1a11466e2206\"";
            case "getblockhash" -> result = params.get(0).asLong() == 0
                    ? "\"0f9188f13cb7b2c71f2a335e3a4fc328bf5beb436012afca590b1a11466e2206\"" : null;
            case "getblocktemplate" -> result = params.path(0).path("rules").toString().contains("segwit")
                    ? "{\"version\":536870912,\"height\":102,\"bits\":\"207fffff\",\"transactions\":[]}" : null;
            case "submitblock" -> result = params.path(0).asText().equals("00") ? "null" : "\"high-hash\"";
            case "validateaddress" -> result = "{\"isvalid\":true,\"address\":" + params.get(0)
                    + ",\"scriptPubKey\":\"0014751e76e8199196d454941c45d1b3a323f1433bd6\"}";
            case "getaddressinfo" -> result = "{\"address\":" + params.get(0) + ",\"ismine\":false}";
            case "getblockchaininfo" -> result = "{\"chain\":\"regtest\",\"blocks\":101}";
            case "twopointoh" -> result = "\"ok\"";
            default -> {
                String err = "{\"code\":-32601,\"message\":\"Method not found\"}";
                reply(ex, v2 ? 200 : 404, "{\"result\":null,\"error\":" + err + ",\"id\":" + id + "}");
                return;
            }
        }
        if (result == null) {
            String err = method.equals("getblocktemplate")
                    ? "{\"code\":-8,\"message\":\"getblocktemplate must be called with the segwit rule set (call it with {\\\"rules\\\": [\\\"segwit\\\"]})\"}"
                    : "{\"code\":-8,\"message\":\"Block height out of range\"}";
            reply(ex, v2 ? 200 : 500, "{\"result\":null,\"error\":" + err + ",\"id\":" + id + "}");
            return;
        }
        if (method.equals("twopointoh")) {
            // Core 28+ 2.0 shape: no "error" member on success
            reply(ex, 200, "{\"jsonrpc\":\"2.0\",\"result\":" + result + ",\"id\":" + id + "}");
        } else {
            reply(ex, 200, "{\"result\":" + result + ",\"error\":null,\"id\":" + id + "}");
        }
    }

    private BitcoinRpcClient clientFor(String path, Duration requestTimeout) {
        return new BitcoinRpcClient("http://" + base + path, RpcCredentials.basic("alice", "secret"),
                Duration.ofSeconds(2), requestTimeout);
    }

    @Test
    void convenienceMethodsAndRequestShape() {
        assertThat(client.getBlockCount()).isEqualTo(101);
        assertThat(client.getBestBlockHash()).isEqualTo("0f9188f13cb7b2c71f2a335e3a4fc328bf5beb436012afca590b1a11466e2206");
        assertThat(client.getBlockHash(0)).startsWith("0f9188f1");
        JsonNode gbt = client.getBlockTemplate();
        assertThat(gbt.path("height").asInt()).isEqualTo(102);
        assertThat(client.submitBlock("00")).isNull();
        assertThat(client.submitBlock("0000")).isEqualTo("high-hash");
        assertThat(client.validateAddress("bcrt1qw508d6qejxtdg4y5r3zarvary0c5xw7kygt080").path("scriptPubKey").asText())
                .isEqualTo("0014751e76e8199196d454941c45d1b3a323f1433bd6");
        assertThat(client.getAddressInfo("x").path("ismine").asBoolean(true)).isFalse();
        assertThat(client.getBlockchainInfo().path("chain").asText()).isEqualTo("regtest");
        assertThat(client.call("twopointoh").asText()).isEqualTo("ok");

        JsonNode gbtRequest = requests.stream().filter(r -> r.path("method").asText().equals("getblocktemplate"))
                .findFirst().orElseThrow();
        assertThat(gbtRequest.path("jsonrpc").asText()).isEqualTo("1.0");
        assertThat(gbtRequest.path("params").toString()).isEqualTo("[{\"rules\":[\"segwit\"]}]");
        assertThat(requests).allSatisfy(r -> assertThat(r.has("id")).isTrue());
        assertThat(authHeaders).containsOnly(basic("alice", "secret"));
        // all calls went over one kept-alive connection
        assertThat(clientPorts).hasSize(1);
    }

    @Test
    void rpcErrorsFrom500And404BodiesAreParsed() {
        RpcException e = catchThrowableOfType(() -> client.getBlockHash(5), RpcException.class);
        assertThat(e.kind()).isEqualTo(RpcException.Kind.RPC_ERROR);
        assertThat(e.method()).isEqualTo("getblockhash");
        assertThat(e.code()).isEqualTo(-8);
        assertThat(e.httpStatus()).isEqualTo(500);
        assertThat(e.rpcMessage()).isEqualTo("Block height out of range");
        assertThat(e.isTransportFailure()).isFalse();
        assertThat(e).hasMessageContaining("getblockhash").hasMessageContaining("-8");

        RpcException m = catchThrowableOfType(() -> client.call("nosuchmethod"), RpcException.class);
        assertThat(m.code()).isEqualTo(-32601);
        assertThat(m.httpStatus()).isEqualTo(404);

        RpcException g = catchThrowableOfType(() -> client.getBlockTemplate(List.of()), RpcException.class);
        assertThat(g.code()).isEqualTo(-8);
        assertThat(g.rpcMessage()).contains("segwit rule set");
    }

    @Test
    void jsonRpc2ErrorWithHttp200IsAnError() throws Exception {
        // send a 2.0 request by hand-building params: the fake node answers 2.0 errors with HTTP 200
        HttpServer s2 = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        s2.createContext("/", ex -> reply(ex, 200,
                "{\"jsonrpc\":\"2.0\",\"error\":{\"code\":-5,\"message\":\"Invalid address\"},\"id\":1}"));
        s2.start();
        try (BitcoinRpcClient c = new BitcoinRpcClient("127.0.0.1:" + s2.getAddress().getPort(),
                RpcCredentials.basic("a", "b"))) {
            RpcException e = catchThrowableOfType(() -> c.validateAddress("zz"), RpcException.class);
            assertThat(e.kind()).isEqualTo(RpcException.Kind.RPC_ERROR);
            assertThat(e.code()).isEqualTo(-5);
            assertThat(e.httpStatus()).isEqualTo(200);
        } finally {
            s2.stop(0);
        }
    }

    @Test
    void badCredentialsGive401AuthError() {
        try (BitcoinRpcClient bad = new BitcoinRpcClient(base, RpcCredentials.basic("alice", "wrong"))) {
            RpcException e = catchThrowableOfType(bad::getBlockCount, RpcException.class);
            assertThat(e.kind()).isEqualTo(RpcException.Kind.AUTH);
            assertThat(e.httpStatus()).isEqualTo(401);
            assertThat(e.method()).isEqualTo("getblockcount");
            assertThat(e.isTransportFailure()).isTrue();
        }
        try (BitcoinRpcClient c = clientFor("/forbidden", Duration.ofSeconds(3))) {
            RpcException e = catchThrowableOfType(c::getBlockCount, RpcException.class);
            assertThat(e.kind()).isEqualTo(RpcException.Kind.AUTH);
            assertThat(e.httpStatus()).isEqualTo(403);
        }
    }

    @Test
    void cookieFileIsReadAndReReadAfter401() throws IOException {
        Path dir = Files.createTempDirectory("jckpool-rpc");
        Path cookie = dir.resolve(".cookie");
        Files.writeString(cookie, "__cookie__:first\n");
        expectedAuth.set(basic("__cookie__", "first"));
        try (BitcoinRpcClient c = new BitcoinRpcClient(base, RpcCredentials.fromConfig("__cookie__", cookie.toString()))) {
            assertThat(c.getBlockCount()).isEqualTo(101);
            // node restarted with a new cookie
            Files.writeString(cookie, "__cookie__:second");
            expectedAuth.set(basic("__cookie__", "second"));
            assertThat(c.getBlockCount()).isEqualTo(101);
            assertThat(authHeaders).endsWith(basic("__cookie__", "first"), basic("__cookie__", "second"));
            Files.delete(cookie);
            expectedAuth.set(basic("__cookie__", "third"));
            RpcException e = catchThrowableOfType(c::getBlockCount, RpcException.class);
            assertThat(e.kind()).isEqualTo(RpcException.Kind.AUTH);
            assertThat(e).hasMessageContaining("cookie");
        } finally {
            Files.deleteIfExists(cookie);
            Files.deleteIfExists(dir);
        }
        assertThat(RpcCredentials.fromConfig("__cookie__", "not-a-file").usesCookieFile()).isFalse();
    }

    @Test
    void garbageAndNonRpcRepliesAreBadReply() {
        for (String path : List.of("/garbage", "/empty", "/notrpc", "/wrongid")) {
            try (BitcoinRpcClient c = clientFor(path, Duration.ofSeconds(3))) {
                RpcException e = catchThrowableOfType(c::getBlockCount, RpcException.class);
                assertThat(e).as(path).isNotNull();
                assertThat(e.kind()).as(path).isEqualTo(RpcException.Kind.BAD_REPLY);
            }
        }
        try (BitcoinRpcClient c = clientFor("/html500", Duration.ofSeconds(3))) {
            RpcException e = catchThrowableOfType(c::getBlockCount, RpcException.class);
            assertThat(e.kind()).isEqualTo(RpcException.Kind.HTTP_ERROR);
            assertThat(e.httpStatus()).isEqualTo(500);
            assertThat(e.rpcMessage()).contains("Internal Server Error");
        }
    }

    @Test
    void resultOfTheWrongShapeIsBadReply() {
        try (BitcoinRpcClient c = clientFor("/wrongshape", Duration.ofSeconds(3))) {
            for (Runnable call : List.<Runnable>of(c::getBlockCount, c::getBestBlockHash, c::getBlockchainInfo)) {
                RpcException e = catchThrowableOfType(call::run, RpcException.class);
                assertThat(e.kind()).isEqualTo(RpcException.Kind.BAD_REPLY);
                assertThat(e.rpcMessage()).startsWith("expected ");
            }
        }
    }

    @Test
    void hangingNodeTimesOut() {
        for (String path : List.of("/hang", "/slowbody")) {
            try (BitcoinRpcClient c = clientFor(path, Duration.ofMillis(700))) {
                long t0 = System.nanoTime();
                RpcException e = catchThrowableOfType(c::getBestBlockHash, RpcException.class);
                long ms = (System.nanoTime() - t0) / 1_000_000;
                assertThat(e).as(path).isNotNull();
                assertThat(e.kind()).as(path).isEqualTo(RpcException.Kind.TIMEOUT);
                // not before the 700 ms timeout; the upper bound only tells the timeout from a hang
                assertThat(ms).as(path).isBetween(600L, 15_000L);
            }
        }
    }

    @Test
    void refusedConnectionIsConnectionError() throws IOException {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        try (BitcoinRpcClient c = new BitcoinRpcClient("127.0.0.1:" + port, RpcCredentials.basic("a", "b"),
                Duration.ofSeconds(2), Duration.ofSeconds(3))) {
            RpcException e = catchThrowableOfType(c::getBlockCount, RpcException.class);
            assertThat(e.kind()).isEqualTo(RpcException.Kind.CONNECTION);
            assertThat(e.method()).isEqualTo("getblockcount");
        }
    }

    @Test
    void closedClientFailsCleanly() {
        BitcoinRpcClient c = new BitcoinRpcClient(base, RpcCredentials.basic("alice", "secret"));
        assertThat(c.getBlockCount()).isEqualTo(101);
        c.close();
        long t0 = System.nanoTime();
        assertThatThrownBy(c::getBlockCount).isInstanceOf(RpcException.class);
        assertThat((System.nanoTime() - t0) / 1_000_000).as("fails rather than waiting out a timeout")
                .isLessThan(15_000);
    }

    @Test
    void urlForms() {
        assertThat(BitcoinRpcClient.parseUrl("127.0.0.1:8332").toString()).isEqualTo("http://127.0.0.1:8332/");
        assertThat(BitcoinRpcClient.parseUrl("http://[::1]:18443").getHost()).isEqualTo("[::1]");
        assertThat(BitcoinRpcClient.parseUrl("http://127.0.0.1:8332/wallet/x").getPath()).isEqualTo("/wallet/x");
        assertThatThrownBy(() -> BitcoinRpcClient.parseUrl("")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> BitcoinRpcClient.parseUrl("ftp://x:1")).isInstanceOf(IllegalArgumentException.class);
    }
}
