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
