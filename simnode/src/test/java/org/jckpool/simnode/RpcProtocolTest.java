package org.jckpool.simnode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.jckpool.simnode.rpc.FailureMode;
import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.jckpool.testkit.Await;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** HTTP, auth and JSON-RPC envelope behaviour as bitcoind's, plus the simulated failure modes. */
class RpcProtocolTest {
    private SimNode node;
    private RpcTestClient rpc;

    private void start(SimNodeOptions o) throws Exception {
        o.authFailureDelayMillis = 10;
        node = new SimNode(o);
        node.start();
    }

    private void startWithPassword() throws Exception {
        SimNodeOptions o = new SimNodeOptions();
        o.rpcUser = "alice";
        o.rpcPassword = "secret";
        start(o);
        rpc = new RpcTestClient(node.url(), "alice", "secret");
    }

    @AfterEach
    void stop() {
        if (node != null) {
            node.close();
        }
    }

    @Test
    void wrongOrMissingCredentialsGet401() throws Exception {
        startWithPassword();
        RpcTestClient wrong = new RpcTestClient(node.url(), "alice", "nope");
        RpcTestClient.Response r = wrong.post("{\"id\":1,\"method\":\"getblockcount\",\"params\":[]}");
        assertThat(r.status()).isEqualTo(401);
        assertThat(r.body()).isEmpty();

        HttpResponse<String> anonymous = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(node.url()))
                .POST(HttpRequest.BodyPublishers.ofString("{}")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(anonymous.statusCode()).isEqualTo(401);
        assertThat(anonymous.headers().firstValue("WWW-Authenticate")).contains("Basic realm=\"jsonrpc\"");
        assertThat(rpc.call("getblockcount").asLong()).isZero();
    }

    @Test
    void cookieAuthWritesCoreStyleCookieAndRemovesItOnStop(@TempDir Path dir) throws Exception {
        SimNodeOptions o = new SimNodeOptions();
        o.dataDir = dir;
        start(o);
        Path cookie = dir.resolve("regtest").resolve(".cookie");
        assertThat(node.cookieFile()).isEqualTo(cookie);
        String content = Files.readString(cookie);
        assertThat(content).matches("__cookie__:[0-9a-f]{64}");
        String[] parts = content.split(":", 2);
        assertThat(new RpcTestClient(node.url(), parts[0], parts[1]).call("getblockcount").asLong()).isZero();
        assertThat(new RpcTestClient(node.url(), parts[0], "x").post("{}").status()).isEqualTo(401);
        node.close();
        assertThat(cookie).doesNotExist();
    }

    @Test
    void legacyErrorsUseCoreStatusCodes() throws Exception {
        startWithPassword();
        RpcTestClient.Response missing = rpc.post("{\"id\":7,\"method\":\"nosuchmethod\",\"params\":[]}");
        assertThat(missing.status()).isEqualTo(404);
        JsonNode body = missing.json();
        assertThat(body.get("result").isNull()).isTrue();
        assertThat(body.get("error").get("code").asInt()).isEqualTo(-32601);
        assertThat(body.get("error").get("message").asText()).isEqualTo("Method not found");
        assertThat(body.get("id").asInt()).isEqualTo(7);

        RpcTestClient.Response outOfRange = rpc.post("{\"id\":\"x\",\"method\":\"getblockhash\",\"params\":[5]}");
        assertThat(outOfRange.status()).isEqualTo(500);
        assertThat(outOfRange.json().get("error").get("code").asInt()).isEqualTo(-8);
        assertThat(outOfRange.json().get("error").get("message").asText()).isEqualTo("Block height out of range");

        RpcTestClient.Response notFound = rpc.post(
                "{\"id\":1,\"method\":\"getblock\",\"params\":[\"" + "ab".repeat(32) + "\"]}");
        assertThat(notFound.json().get("error").get("code").asInt()).isEqualTo(-5);
        RpcTestClient.Response badHash = rpc.post("{\"id\":1,\"method\":\"getblock\",\"params\":[\"abc\"]}");
        assertThat(badHash.json().get("error").get("code").asInt()).isEqualTo(-8);
        RpcTestClient.Response wrongType = rpc.post("{\"id\":1,\"method\":\"getblockhash\",\"params\":[\"0\"]}");
        assertThat(wrongType.json().get("error").get("code").asInt()).isEqualTo(-3);

        RpcTestClient.Response parse = rpc.post("{not json");
        assertThat(parse.status()).isEqualTo(500);
        assertThat(parse.json().get("error").get("code").asInt()).isEqualTo(-32700);

        RpcTestClient.Response noMethod = rpc.post("{\"id\":1}");
        assertThat(noMethod.status()).isEqualTo(400);
        assertThat(noMethod.json().get("error").get("code").asInt()).isEqualTo(-32600);
    }

    @Test
    void jsonRpc2BatchesAndNamedParams() throws Exception {
        startWithPassword();
        RpcTestClient.Response v2 = rpc.post("{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":\"getblockcount\"}");
        assertThat(v2.status()).isEqualTo(200);
        assertThat(v2.json().get("jsonrpc").asText()).isEqualTo("2.0");
        assertThat(v2.json().get("result").asInt()).isZero();
        assertThat(v2.json().has("error")).isFalse();

        RpcTestClient.Response v2Error = rpc.post("{\"jsonrpc\":\"2.0\",\"id\":4,\"method\":\"bogus\"}");
        assertThat(v2Error.status()).isEqualTo(200);
        assertThat(v2Error.json().get("error").get("code").asInt()).isEqualTo(-32601);
        assertThat(v2Error.json().has("result")).isFalse();

        RpcTestClient.Response notification = rpc.post("{\"jsonrpc\":\"2.0\",\"method\":\"getblockcount\"}");
        assertThat(notification.status()).isEqualTo(204);

        RpcTestClient.Response batch = rpc.post("[{\"id\":1,\"method\":\"getblockcount\"},"
                + "{\"id\":2,\"method\":\"bogus\"},{\"id\":3,\"method\":\"getblockhash\",\"params\":{\"height\":0}}]");
        assertThat(batch.status()).isEqualTo(200);
        JsonNode replies = batch.json();
        assertThat(replies).hasSize(3);
        assertThat(replies.get(0).get("result").asInt()).isZero();
        assertThat(replies.get(1).get("error").get("code").asInt()).isEqualTo(-32601);
        assertThat(replies.get(2).get("result").asText()).startsWith("0f9188f1");
    }

    /** What ckpool's json_rpc_call writes: header lines ending in a bare LF, a JSON-RPC 1.0 body without an id. */
    private static String ckpoolRequest(int port, String body) {
        return "POST / HTTP/1.1\n"
                + "Authorization: Basic YWxpY2U6c2VjcmV0\n"
                + "Host: 127.0.0.1:" + port + "\n"
                + "Content-type: application/json\n"
                + "Content-Length: " + body.length() + "\n\n" + body;
    }

    /** Reads one response: the status line, then the body by Content-Length. */
    private static String[] readResponse(java.io.InputStream in) throws java.io.IOException {
        String status = null;
        int length = 0;
        StringBuilder line = new StringBuilder();
        for (int b = in.read(); b >= 0; b = in.read()) {
            if (b != '\n') {
                line.append((char) b);
                continue;
            }
            String l = line.toString().strip();
            line.setLength(0);
            if (status == null) {
                status = l;
            } else if (l.toLowerCase(java.util.Locale.ROOT).startsWith("content-length:")) {
                length = Integer.parseInt(l.substring(15).trim());
            } else if (l.isEmpty()) {
                return new String[] {status, new String(in.readNBytes(length), java.nio.charset.StandardCharsets.UTF_8)};
            }
        }
        return new String[] {status, null};
    }

    @Test
    void ckpoolsBareLineFeedRequestsAreServedOnOneKeptAliveConnection() throws Exception {
        startWithPassword();
        int port = URI.create(node.url()).getPort();
        try (java.net.Socket s = new java.net.Socket("127.0.0.1", port)) {
            s.setSoTimeout(10_000);
            var out = s.getOutputStream();
            var in = new java.io.BufferedInputStream(s.getInputStream());
            out.write(ckpoolRequest(port, "{\"method\": \"getblockcount\"}").getBytes());
            String[] first = readResponse(in);
            // ckpool checks the first 15 characters of the status line, then reads the line starting with '{'
            assertThat(first[0]).startsWith("HTTP/1.1 200 OK");
            assertThat(first[1]).isEqualTo("{\"result\":0,\"error\":null,\"id\":null}\n");
            out.write(ckpoolRequest(port, "{\"method\": \"getbestblockhash\"}").getBytes());
            String[] second = readResponse(in);
            assertThat(second[0]).startsWith("HTTP/1.1 200 OK");
            assertThat(second[1]).startsWith("{\"result\":\"0f9188f1");
            // a chunked body, as an HTTP/1.1 client may send it
            out.write(("POST / HTTP/1.1\r\nAuthorization: Basic YWxpY2U6c2VjcmV0\r\nTransfer-Encoding: chunked\r\n\r\n"
                    + "10\r\n{\"method\": \"getb\r\n13\r\nlockcount\", \"id\":7}\r\n0\r\n\r\n").getBytes());
            assertThat(readResponse(in)[1]).isEqualTo("{\"result\":0,\"error\":null,\"id\":7}\n");
            // a request line that is not HTTP: 400, and the connection ends
            out.write("NONSENSE\n\n".getBytes());
            assertThat(readResponse(in)[0]).startsWith("HTTP/1.1 400");
            assertThat(in.read()).isEqualTo(-1);
        }
    }

    @Test
    void onlyPostIsServed() throws Exception {
        startWithPassword();
        HttpResponse<String> get = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(node.url()))
                .header("Authorization", "Basic YWxpY2U6c2VjcmV0").GET().build(), HttpResponse.BodyHandlers.ofString());
        assertThat(get.statusCode()).isEqualTo(405);
    }

    @Test
    void failureModesAndTheirAdminSwitch() throws Exception {
        startWithPassword();
        String call = "{\"id\":1,\"method\":\"getblockcount\",\"params\":[]}";

        assertThat(rpc.call("simnode.setmode", "http500").asText()).isEqualTo("http500");
        RpcTestClient.Response r500 = rpc.post(call);
        assertThat(r500.status()).isEqualTo(500);
        assertThat(r500.body()).doesNotContain("\"result\"");

        rpc.call("simnode.setmode", "garbage");
        RpcTestClient.Response garbage = rpc.post(call);
        assertThat(garbage.status()).isEqualTo(200);
        assertThatThrownBy(garbage::json).isInstanceOf(AssertionError.class);

        rpc.call("simnode.setmode", "hang");
        assertThat(rpc.call("simnode.getmode").asText()).isEqualTo("hang");
        assertThatThrownBy(() -> rpc.post(call, Duration.ofMillis(400))).isInstanceOf(HttpTimeoutException.class);
        CompletableFuture<RpcTestClient.Response> waiting = CompletableFuture.supplyAsync(() -> {
            try {
                return rpc.post(call, Duration.ofSeconds(10));
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        assertThat(Await.holdsFor(200, () -> !waiting.isDone())).as("held while the node is busy").isTrue();
        node.setMode(FailureMode.OK);
        assertThat(waiting.get(5, TimeUnit.SECONDS).json().get("result").asInt()).isZero();

        assertThat(rpc.callRaw("simnode.setmode", "sideways").get("error").get("code").asInt()).isEqualTo(-8);
        assertThat(rpc.call("getblockcount").asInt()).isZero();
    }

    @Test
    void startsInAFailureModeFromOptions() throws Exception {
        SimNodeOptions o = new SimNodeOptions();
        o.rpcUser = "u";
        o.rpcPassword = "p";
        o.mode = FailureMode.HTTP500;
        start(o);
        rpc = new RpcTestClient(node.url(), "u", "p");
        assertThat(rpc.post("{\"id\":1,\"method\":\"getblockcount\"}").status()).isEqualTo(500);
        assertThat(rpc.call("simnode.setmode", "ok").asText()).isEqualTo("ok");
        assertThat(rpc.call("getblockcount").asInt()).isZero();
    }
}
