package org.jckpool.webapi.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.jckpool.testkit.Await;
import org.jckpool.webapi.InMemoryPoolView;
import org.jckpool.webapi.metrics.Metrics;
import org.jckpool.webapi.view.NodeStatus;
import org.jckpool.webapi.view.PoolSummary;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class WebApiServerTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String TOKEN = "s3cret-admin-token-0123";
    private static final Instant NOW = Instant.parse("2026-11-26T05:00:00Z");

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private MutableClock clock;
    private InMemoryPoolView view;
    private Metrics metrics;
    private WebApiServer server;

    @BeforeEach
    void start() throws IOException {
        clock = new MutableClock(NOW);
        view = InMemoryPoolView.sample(NOW);
        metrics = Metrics.withoutJvm(clock);
        server = WebApiServer.start(config().withAdminToken(TOKEN), view, metrics, clock);
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private static WebApiConfig config() {
        return WebApiConfig.defaults(new InetSocketAddress("127.0.0.1", 0));
    }

    private HttpResponse<String> get(String path, String... headers) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(server.uri().resolve(path)).timeout(Duration.ofSeconds(5));
        if (headers.length > 0) {
            request.headers(headers);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static JsonNode json(HttpResponse<String> response) throws IOException {
        assertThat(response.headers().firstValue("Content-Type")).hasValue("application/json; charset=utf-8");
        return JSON.readTree(response.body());
    }

    private static void assertError(HttpResponse<String> response, int status, String messagePart) throws IOException {
        assertThat(response.statusCode()).isEqualTo(status);
        JsonNode body = json(response);
        assertThat(body.get("status").asInt()).isEqualTo(status);
        assertThat(body.get("error").asText()).contains(messagePart);
        assertThat(response.body()).doesNotContain("Exception").doesNotContain("\tat ");
    }

    @Test
    void poolSummaryCarriesEveryFigure() throws Exception {
        HttpResponse<String> response = get("/api/pool");
        assertThat(response.statusCode()).isEqualTo(200);
        JsonNode pool = json(response);
        assertThat(pool.at("/hashrate/1m").asDouble()).isEqualTo(1.6e13);
        assertThat(pool.at("/hashrate/7d").asDouble()).isEqualTo(1.6e13);
        assertThat(pool.get("users").asInt()).isEqualTo(2);
        assertThat(pool.get("workers").asInt()).isEqualTo(3);
        assertThat(pool.at("/shares/accepted").asLong()).isEqualTo(1000);
        assertThat(pool.at("/shares/rejected").asLong()).isEqualTo(7);
        assertThat(pool.at("/shares/rejectedByReason/stale").asLong()).isEqualTo(5);
        assertThat(pool.get("bestShare").asDouble()).isEqualTo(9.87e9);
        assertThat(pool.at("/network/height").asLong()).isEqualTo(871234);
        assertThat(pool.at("/network/templateTime").asLong()).isEqualTo(NOW.getEpochSecond() - 5);
        assertThat(pool.at("/network/templateAge").asDouble()).isEqualTo(5.0);
        assertThat(pool.at("/nodes/1/url").asText()).isEqualTo("http://127.0.0.1:18332");
        assertThat(pool.at("/nodes/1/active").asBoolean()).isTrue();
        assertThat(pool.at("/nodes/0/alive").asBoolean()).isFalse();
        assertThat(pool.get("uptime").asLong()).isEqualTo(3 * 86400 + 3600);
        assertThat(pool.get("time").asLong()).isEqualTo(NOW.getEpochSecond());
        assertThat(pool.get("blocksFound").asLong()).isEqualTo(2);
        assertThat(pool.get("healthy").asBoolean()).isTrue();
    }

    @Test
    void usersListAndOneUser() throws Exception {
        JsonNode users = json(get("/api/users"));
        assertThat(users.get("count").asInt()).isEqualTo(2);
        assertThat(users.at("/users/0/name").asText()).isEqualTo("alice");
        assertThat(users.at("/users/0/workers/1/name").asText()).isEqualTo("alice.rig2");
        assertThat(json(get("/api/users?limit=1")).get("users")).hasSize(1);

        HttpResponse<String> alice = get("/api/users/alice");
        assertThat(alice.statusCode()).isEqualTo(200);
        JsonNode user = json(alice);
        assertThat(user.get("hashrate").get("1m").asDouble()).isEqualTo(2.0e12);
        assertThat(user.get("workers")).hasSize(2);
        assertThat(user.at("/workers/0/lastShare").asLong()).isEqualTo(NOW.getEpochSecond() - 3);

        assertError(get("/api/users/nobody"), 404, "unknown user: nobody");
        assertError(get("/api/users/" + "x".repeat(300)), 400, "longer than 256");
        assertThat(rawStatus("GET /api/users/bad%ZZ HTTP/1.1\r\nHost: x\r\n\r\n")).isEqualTo(400);
        assertError(get("/api/users/a%01b"), 400, "control characters");
        assertError(get("/api/users/a/b"), 404, "no such endpoint");
    }

    @Test
    void workerByFullName() throws Exception {
        JsonNode worker = json(get("/api/workers/alice.rig1"));
        assertThat(worker.get("name").asText()).isEqualTo("alice.rig1");
        assertThat(worker.get("user").asText()).isEqualTo("alice");
        assertThat(worker.at("/hashrate/1h").asDouble()).isEqualTo(1.5e12);
        assertThat(worker.get("accepted").asLong()).isEqualTo(500);
        assertThat(json(get("/api/workers")).get("count").asInt()).isEqualTo(3);
        assertError(get("/api/workers/alice.ghost"), 404, "unknown worker");
        assertError(get("/api/workers/%20%7F"), 400, "control characters");
    }

    @Test
    void blocksNewestFirstWithLimit() throws Exception {
        JsonNode blocks = json(get("/api/blocks"));
        assertThat(blocks.get("count").asInt()).isEqualTo(2);
        assertThat(blocks.at("/blocks/0/height").asLong()).isEqualTo(871233);
        assertThat(blocks.at("/blocks/0/status").asText()).isEqualTo("accepted");
        assertThat(blocks.at("/blocks/0/worker").asText()).isEqualTo("bob.s9");
        assertThat(blocks.at("/blocks/1/status").asText()).isEqualTo("orphaned");
        assertThat(json(get("/api/blocks?limit=1")).get("blocks")).hasSize(1);
        assertError(get("/api/blocks?limit=abc"), 400, "limit must be an integer");
        assertError(get("/api/blocks?limit=0"), 400, "limit must be an integer");
        assertError(get("/api/blocks?limit=1001"), 400, "limit must be an integer");
    }

    @Test
    void clientsNeedTheAdminToken() throws Exception {
        HttpResponse<String> anonymous = get("/api/clients");
        assertError(anonymous, 401, "admin token required");
        assertThat(anonymous.headers().firstValue("WWW-Authenticate")).hasValueSatisfying(v -> assertThat(v).startsWith("Bearer"));
        assertError(get("/api/clients", "Authorization", "Bearer wrong-token-wrong-token"), 401, "wrong admin token");
        assertError(get("/api/clients", "Authorization", "Basic " + TOKEN), 401, "admin token required");

        HttpResponse<String> admin = get("/api/clients", "Authorization", "Bearer " + TOKEN);
        assertThat(admin.statusCode()).isEqualTo(200);
        JsonNode clients = json(admin);
        assertThat(clients.get("count").asInt()).isEqualTo(2);
        assertThat(clients.at("/clients/0/address").asText()).isEqualTo("127.0.0.1:50001");
        assertThat(clients.at("/clients/0/userAgent").asText()).isEqualTo("cgminer/4.12");
        assertThat(clients.at("/clients/1/worker").isNull()).isTrue();
    }

    private HttpResponse<String> post(String path, String body, String... headers) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(server.uri().resolve(path)).timeout(Duration.ofSeconds(5))
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (headers.length > 0) {
            request.headers(headers);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void scheduleIsReadByAnyoneAndSetWithTheAdminToken() throws Exception {
        assertError(get("/api/schedule"), 404, "not a scheduling proxy");
        view.schedule = JSON.createObjectNode().put("current", 0).put("switches", 3);
        assertThat(json(get("/api/schedule")).get("switches").asInt()).isEqualTo(3);

        String weights = "{\"weights\":{\"alpha\":50,\"beta\":50}}";
        assertError(post("/api/schedule", weights), 401, "admin token required");
        assertError(post("/api/schedule", weights, "Authorization", "Bearer wrong-token-wrong-token"), 401,
                "wrong admin token");
        assertThat(view.weightRequests).isEmpty();
        String auth = "Bearer " + TOKEN;
        assertError(post("/api/schedule", "not json", "Authorization", auth), 400, "not JSON");
        assertError(post("/api/schedule", "{\"x\":1}", "Authorization", auth), 400, "weights");
        assertError(post("/api/schedule", "{\"weights\":7}", "Authorization", auth), 400, "an object");
        assertError(post("/api/schedule", "{\"weights\":[" + "1,".repeat(3000) + "1]}", "Authorization", auth),
                413, "longer than");
        HttpResponse<String> ok = post("/api/schedule", weights, "Authorization", auth);
        assertThat(ok.statusCode()).isEqualTo(200);
        assertThat(json(ok).at("/weights_set/alpha").asInt()).isEqualTo(50);
        assertThat(view.weightRequests).hasSize(1);
        // auto-balance inputs go the same way
        HttpResponse<String> prices = post("/api/schedule", "{\"prices\":{\"alpha\":1.2},\"auto\":true}",
                "Authorization", auth);
        assertThat(prices.statusCode()).isEqualTo(200);
        assertThat(view.weightRequests).hasSize(2);
        assertThat(view.weightRequests.get(1).at("/prices/alpha").asDouble()).isEqualTo(1.2);
        HttpResponse<String> elsewhere = post("/api/pool", weights, "Authorization", auth);
        assertError(elsewhere, 405, "not allowed");
    }

    @Test
    void clientsAreOffWithoutAConfiguredToken() throws Exception {
        server.close();
        server = WebApiServer.start(config(), view, metrics, clock);
        assertError(get("/api/clients", "Authorization", "Bearer " + TOKEN), 403, "admintoken");
    }

    @Test
    void healthFollowsNodeAndWorkFreshness() throws Exception {
        HttpResponse<String> ok = get("/health");
        assertThat(ok.statusCode()).isEqualTo(200);
        assertThat(json(ok).get("status").asText()).isEqualTo("ok");
        assertThat(json(ok).get("node").asText()).isEqualTo("http://127.0.0.1:18332");

        clock.advance(Duration.ofSeconds(600));
        HttpResponse<String> stale = get("/health");
        assertThat(stale.statusCode()).isEqualTo(503);
        assertThat(json(stale).get("reason").asText()).contains("work is stale");

        PoolSummary s = view.summary;
        view.summary = new PoolSummary(s.startedAt(), s.hashrate(), s.users(), s.workers(), s.clients(), s.shares(),
                s.bestShare(), s.network(), List.of(new NodeStatus("http://127.0.0.1:8332", false, true)),
                s.blocksFound());
        HttpResponse<String> down = get("/health");
        assertThat(down.statusCode()).isEqualTo(503);
        assertThat(json(down).get("reason").asText()).isEqualTo("no live node");

        view.summary = InMemoryPoolView.summary(NOW, null, 0, 0, 0, 0);
        HttpResponse<String> noWork = get("/health");
        assertThat(noWork.statusCode()).isEqualTo(503);
        assertThat(json(noWork).get("reason").asText()).isEqualTo("no work yet");
    }

    @Test
    void wrongMethodsAndUnknownPaths() throws Exception {
        HttpResponse<String> post = http.send(HttpRequest.newBuilder(server.uri().resolve("/api/pool"))
                .POST(HttpRequest.BodyPublishers.ofString("{}")).build(), HttpResponse.BodyHandlers.ofString());
        assertError(post, 405, "not allowed");
        assertThat(post.headers().firstValue("Allow")).hasValue("GET, HEAD");
        HttpResponse<String> delete = http.send(HttpRequest.newBuilder(server.uri().resolve("/api/users/alice"))
                .DELETE().build(), HttpResponse.BodyHandlers.ofString());
        assertError(delete, 405, "not allowed");

        assertError(get("/api"), 404, "no such endpoint");
        assertError(get("/api/nope"), 404, "no such endpoint");
        assertError(get("/api/pool/nope"), 404, "no such endpoint");
        assertError(get("/nope.html"), 404, "no such page");
        assertError(get("/../../etc/passwd"), 404, "no such page");
        assertError(get("/org/jckpool/webapi/static/index.html"), 404, "no such page");

        HttpResponse<Void> head = http.send(HttpRequest.newBuilder(server.uri().resolve("/health"))
                .method("HEAD", HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.discarding());
        assertThat(head.statusCode()).isEqualTo(200);
    }

    @Test
    void hugeUrlsAndHeadersAreRefusedAndTheServerKeepsServing() throws Exception {
        assertError(get("/api/users/" + "a".repeat(5000)), 414, "URI too long");
        assertError(get("/api/blocks?limit=" + "1".repeat(5000)), 414, "URI too long");

        String hugeLine = "GET /" + "a".repeat(200_000) + " HTTP/1.1\r\nHost: x\r\n\r\n";
        assertThat(rawStatus(hugeLine)).isIn(-1, 400, 413, 414, 431);
        String hugeHeader = "GET /api/pool HTTP/1.1\r\nHost: x\r\nX-Big: " + "b".repeat(300_000) + "\r\n\r\n";
        assertThat(rawStatus(hugeHeader)).isIn(-1, 400, 413, 431);
        StringBuilder many = new StringBuilder("GET /api/pool HTTP/1.1\r\nHost: x\r\n");
        for (int i = 0; i < 500; i++) {
            many.append("X-H").append(i).append(": v\r\n");
        }
        assertThat(rawStatus(many.append("\r\n").toString())).isIn(-1, 400, 413, 431);
        assertThat(rawStatus("NONSENSE\r\n\r\n")).isIn(-1, 400);

        assertThat(get("/api/pool").statusCode()).isEqualTo(200);
    }

    /** Sends raw bytes, returns the response status or -1 when the server just closed the connection. */
    private int rawStatus(String request) throws IOException {
        try (Socket socket = new Socket()) {
            socket.connect(server.address(), 5000);
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            try {
                out.write(request.getBytes(StandardCharsets.ISO_8859_1));
                out.flush();
            } catch (IOException e) {
                return -1; // the server closed while we were still sending
            }
            InputStream in = socket.getInputStream();
            byte[] head = new byte[12];
            int n = 0;
            try {
                while (n < 12) {
                    int r = in.read(head, n, 12 - n);
                    if (r < 0) {
                        break;
                    }
                    n += r;
                }
            } catch (IOException e) {
                return -1;
            }
            if (n < 12) {
                return -1;
            }
            return Integer.parseInt(new String(head, 9, 3, StandardCharsets.ISO_8859_1));
        }
    }

    @Test
    void dashboardFilesAreServedWithSafeHeaders() throws Exception {
        HttpResponse<String> index = get("/");
        assertThat(index.statusCode()).isEqualTo(200);
        assertThat(index.headers().firstValue("Content-Type")).hasValue("text/html; charset=utf-8");
        assertThat(index.headers().firstValue("Content-Security-Policy")).hasValueSatisfying(
                csp -> assertThat(csp).contains("default-src 'self'"));
        assertThat(index.body()).contains("<script src=\"dashboard.js\"></script>").doesNotContain("http://", "https://");
        assertThat(get("/index.html").body()).isEqualTo(index.body());
        assertThat(get("/user.html").body()).contains("data-page=\"user\"");
        HttpResponse<String> js = get("/dashboard.js");
        assertThat(js.headers().firstValue("Content-Type")).hasValue("text/javascript; charset=utf-8");
        assertThat(js.body()).contains("/api/pool");
        // The panel scripts load after the shared helpers and before dashboard.js, which starts the page.
        assertThat(index.body()).containsSubsequence("<script src=\"dashboard-common.js\"></script>",
                "<script src=\"dashboard-passthrough.js\"></script>", "<script src=\"dashboard-schedule.js\"></script>",
                "<script src=\"dashboard.js\"></script>");
        assertThat(get("/user.html").body()).containsSubsequence("<script src=\"dashboard-common.js\"></script>",
                "<script src=\"dashboard.js\"></script>");
        for (String part : new String[] {"common", "passthrough", "schedule"}) {
            HttpResponse<String> partJs = get("/dashboard-" + part + ".js");
            assertThat(partJs.statusCode()).isEqualTo(200);
            assertThat(partJs.headers().firstValue("Content-Type")).hasValue("text/javascript; charset=utf-8");
            assertThat(partJs.body()).contains("window.jckpool");
        }
        assertThat(get("/dashboard.css").headers().firstValue("Content-Type")).hasValue("text/css; charset=utf-8");
        assertThat(get("/favicon.svg").statusCode()).isEqualTo(200);
    }

    @Test
    void historyIsSampledFromThePool() throws Exception {
        JsonNode history = json(get("/api/pool/history"));
        assertThat(history.get("interval").asDouble()).isEqualTo(60.0);
        // the rates of now, as the cards show them, whatever the samples (in the first minute only the start's)
        assertThat(history.at("/current/1m").asDouble()).isEqualTo(1.6e13);
        assertThat(history.at("/current/t").asDouble()).isEqualTo(NOW.getEpochSecond());
        // The sampler takes its first sample at start.
        Await.until("the sampler's first sample", 1_000, () -> !json(get("/api/pool/history")).get("points").isEmpty());
        history = json(get("/api/pool/history"));
        assertThat(history.at("/points/0/1m").asDouble()).isEqualTo(1.6e13);
        assertThat(history.at("/points/0/t").asDouble()).isEqualTo(NOW.getEpochSecond());
    }

    @Test
    void aTakenPortIsAClearError() throws Exception {
        WebApiConfig same = WebApiConfig.defaults(server.address());
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> WebApiServer.start(same, view, metrics, clock))
                .isInstanceOf(IOException.class).hasMessageContaining("cannot listen for HTTP on");
    }

    @Test
    void aFailingViewGivesA500WithoutDetails() throws Exception {
        view.summary = null;
        HttpResponse<String> response = get("/api/pool");
        assertError(response, 500, "internal error");
        assertThat(get("/api/users").statusCode()).isEqualTo(200);
    }

    @Test
    void passthroughStatusIsServedAsGivenAnd404WithoutOne() throws Exception {
        assertError(get("/api/passthrough"), 404, "no passthrough status");
        view.passthrough = JSON.readTree("{\"mode\":\"pool\",\"downstream\":[{\"id\":7,\"address\":\"10.0.0.9:4000\","
                + "\"server\":0,\"clients\":12,\"since\":1700000000}]}");
        HttpResponse<String> r = get("/api/passthrough");
        assertThat(r.statusCode()).isEqualTo(200);
        JsonNode body = json(r);
        assertThat(body.path("mode").asText()).isEqualTo("pool");
        assertThat(body.path("downstream").path(0).path("clients").asInt()).isEqualTo(12);
        assertError(get("/api/passthrough/x"), 404, "no such endpoint");
    }
}
