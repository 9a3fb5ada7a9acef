package org.jckpool.simnode;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;

/** A raw HTTP JSON-RPC client for the tests: exposes status codes and bodies as they are on the wire. */
final class RpcTestClient {
    static final ObjectMapper MAPPER = new ObjectMapper();

    record Response(int status, String body) {
        JsonNode json() {
            try {
                return MAPPER.readTree(body);
            } catch (Exception e) {
                throw new AssertionError("not JSON (" + status + "): " + body, e);
            }
        }
    }

    /** One client for all tests: building an HttpClient is slow on a cold JVM. */
    private static final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    private final String url;
    private final String authHeader;
    private int nextId = 1;

    RpcTestClient(String url, String user, String password) {
        this.url = url;
        this.authHeader = "Basic " + Base64.getEncoder()
                .encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    Response post(String body, Duration timeout) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create(url + "/")).timeout(timeout)
                .header("Authorization", authHeader).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build();
        HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
        return new Response(response.statusCode(), response.body());
    }

    Response post(String body) throws Exception {
        return post(body, Duration.ofSeconds(10));
    }

    /** A JSON-RPC 1.0 call; returns the whole reply object. */
    JsonNode callRaw(String method, Object... params) throws Exception {
        ObjectNode request = MAPPER.createObjectNode();
        request.put("id", nextId++);
        request.put("method", method);
        ArrayNode array = request.putArray("params");
        for (Object p : params) {
            array.add(MAPPER.valueToTree(p));
        }
        return post(MAPPER.writeValueAsString(request)).json();
    }

    /** A call that must succeed; returns "result". */
    JsonNode call(String method, Object... params) throws Exception {
        JsonNode reply = callRaw(method, params);
        if (!reply.get("error").isNull()) {
            throw new AssertionError(method + " failed: " + reply.get("error"));
        }
        return reply.get("result");
    }
}
