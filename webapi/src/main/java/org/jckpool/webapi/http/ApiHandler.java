package org.jckpool.webapi.http;

import static org.jckpool.webapi.http.RequestParams.MAX_LIMIT;
import static org.jckpool.webapi.http.RequestParams.limit;
import static org.jckpool.webapi.http.RequestParams.name;
import static org.jckpool.webapi.http.RequestParams.parseQuery;
import static org.jckpool.webapi.http.RequestParams.truncate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.jckpool.webapi.metrics.Metrics;
import org.jckpool.webapi.view.PoolSummary;
import org.jckpool.webapi.view.Hashrates;
import org.jckpool.webapi.view.PoolView;
import org.jckpool.webapi.view.UserSummary;
import org.jckpool.webapi.view.WorkerSummary;

/**
 * Every request of the web server goes through here: JSON API under /api/, /health, /metrics and the dashboard
 * files; the proxy endpoints are answered by {@link ProxyEndpoints}. Refusals are JSON {@code {"error": …, "status": …}} with the right 4xx code; unexpected failures are
 * logged and answered with a bare 500, never a stack trace.
 */
final class ApiHandler implements HttpHandler {

    private static final System.Logger LOG = System.getLogger("org.jckpool.webapi");
    static final int MAX_URI = 2048;
    static final int DEFAULT_BLOCK_LIMIT = 50;
    private static final String HTML_CSP = "default-src 'self'; img-src 'self' data:; style-src 'self'; "
            + "script-src 'self'; connect-src 'self'; frame-ancestors 'none'";

    private record Response(int status, String contentType, byte[] body, Map<String, String> headers) {
    }

    private final PoolView view;
    private final Metrics metrics;
    private final WebApiConfig config;
    private final HealthCheck health;
    private final HashrateHistory history;
    private final StaticAssets assets;
    private final Clock clock;
    private final AdminAuth admin;
    private final ProxyEndpoints proxy;

    ApiHandler(PoolView view, Metrics metrics, WebApiConfig config, HashrateHistory history, StaticAssets assets,
            Clock clock) {
        this.view = view;
        this.metrics = metrics;
        this.config = config;
        this.health = new HealthCheck(config.healthMaxAge());
        this.history = history;
        this.assets = assets;
        this.clock = clock;
        this.admin = new AdminAuth(config.adminToken());
        this.proxy = new ProxyEndpoints(view, admin);
    }

    @Override
    public void handle(HttpExchange exchange) {
        try {
            Response response;
            try {
                response = route(exchange);
            } catch (HttpError e) {
                response = error(e.status, e.getMessage());
                if (e.status == 401) {
                    response.headers.put("WWW-Authenticate", "Bearer realm=\"jckpool\"");
                } else if (e.status == 405) {
                    response.headers.put("Allow", "GET, HEAD" + (exchange.getRequestURI().getRawPath()
                            .startsWith("/api/schedule") ? ", POST" : ""));
                }
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.ERROR, "web API request " + exchange.getRequestMethod() + " "
                        + truncate(exchange.getRequestURI().getRawPath(), 200) + " failed", e);
                response = error(500, "internal error");
            }
            metrics.httpRequest(response.status);
            send(exchange, response);
        } catch (IOException e) {
            // The client went away mid-response; nothing to tell it.
            LOG.log(System.Logger.Level.DEBUG, "web API client gone: " + e.getMessage());
        } finally {
            exchange.close();
        }
    }

    private Response route(HttpExchange exchange) throws HttpError, IOException {
        String rawPath = exchange.getRequestURI().getRawPath();
        String rawQuery = exchange.getRequestURI().getRawQuery();
        if (rawPath == null || rawPath.length() > MAX_URI || (rawQuery != null && rawQuery.length() > MAX_URI)) {
            throw new HttpError(414, "URI too long (limit " + MAX_URI + " characters)");
        }
        String method = exchange.getRequestMethod();
        if (method.equals("POST") && ProxyEndpoints.isSchedulePath(rawPath)) {
            return json(200, proxy.setSchedule(exchange));
        }
        if (!method.equals("GET") && !method.equals("HEAD")) {
            throw new HttpError(405, "method " + truncate(method, 20) + " not allowed; use GET");
        }
        if (rawPath.equals("/health")) {
            return health();
        }
        if (rawPath.equals("/metrics")) {
            return metrics();
        }
        if (rawPath.equals("/api") || rawPath.startsWith("/api/")) {
            return api(exchange, rawPath, parseQuery(rawQuery));
        }
        return assets.forPath(rawPath)
                .map(a -> withHeaders(new Response(200, a.contentType(), a.body(), new HashMap<>()), a.contentType()))
                .orElseThrow(() -> HttpError.notFound("no such page: " + truncate(rawPath, 200)));
    }

    private Response api(HttpExchange exchange, String rawPath, Map<String, String> query) throws HttpError {
        String rest = rawPath.length() > 5 ? rawPath.substring(5) : "";
        if (rest.endsWith("/")) {
            rest = rest.substring(0, rest.length() - 1);
        }
        String[] parts = rest.isEmpty() ? new String[0] : rest.split("/", -1);
        if (parts.length == 0) {
            throw HttpError.notFound("no such endpoint; see /api/pool, /api/users, /api/workers/{name}, "
                    + "/api/clients, /api/blocks");
        }
        switch (parts[0]) {
            case "pool":
                if (parts.length == 1) {
                    return json(200, poolJson(view.pool()));
                }
                if (parts.length == 2 && parts[1].equals("history")) {
                    return json(200, historyJson());
                }
                break;
            case "users":
                if (parts.length == 1) {
                    List<UserSummary> users = view.users();
                    int limit = limit(query, MAX_LIMIT);
                    ObjectNode body = ApiJson.MAPPER.createObjectNode();
                    body.put("count", users.size());
                    body.set("users", ApiJson.MAPPER.valueToTree(users.subList(0, Math.min(limit, users.size()))));
                    return json(200, body);
                }
                if (parts.length == 2) {
                    String name = name(parts[1], "user");
                    return json(200, ApiJson.MAPPER.valueToTree(view.user(name)
                            .orElseThrow(() -> HttpError.notFound("unknown user: " + truncate(name, 100)))));
                }
                break;
            case "workers":
                if (parts.length == 1) {
                    List<WorkerSummary> workers = new ArrayList<>();
                    view.users().forEach(u -> workers.addAll(u.workers()));
                    int limit = limit(query, MAX_LIMIT);
                    ObjectNode body = ApiJson.MAPPER.createObjectNode();
                    body.put("count", workers.size());
                    body.set("workers",
                            ApiJson.MAPPER.valueToTree(workers.subList(0, Math.min(limit, workers.size()))));
                    return json(200, body);
                }
                if (parts.length == 2) {
                    String name = name(parts[1], "worker");
                    return json(200, ApiJson.MAPPER.valueToTree(view.worker(name)
                            .orElseThrow(() -> HttpError.notFound("unknown worker: " + truncate(name, 100)))));
                }
                break;
            case "clients":
                if (parts.length == 1) {
                    admin.require(exchange);
                    ObjectNode body = ApiJson.MAPPER.createObjectNode();
                    List<?> clients = view.clients();
                    body.put("count", clients.size());
                    body.set("clients", ApiJson.MAPPER.valueToTree(clients));
                    return json(200, body);
                }
                break;
            case "upstreams":
                if (parts.length == 1) {
                    return json(200, proxy.upstreams());
                }
                break;
            case "passthrough":
                if (parts.length == 1) {
                    return json(200, proxy.passthrough());
                }
                break;
            case "schedule":
                if (parts.length == 1) {
                    return json(200, proxy.schedule());
                }
                break;
            case "blocks":
                if (parts.length == 1) {
                    int limit = limit(query, DEFAULT_BLOCK_LIMIT);
                    List<?> blocks = view.blocks();
                    ObjectNode body = ApiJson.MAPPER.createObjectNode();
                    body.put("count", blocks.size());
                    body.set("blocks", ApiJson.MAPPER.valueToTree(blocks.subList(0, Math.min(limit, blocks.size()))));
                    return json(200, body);
                }
                break;
            default:
                break;
        }
        throw HttpError.notFound("no such endpoint: " + truncate(rawPath, 200));
    }

    private ObjectNode poolJson(PoolSummary summary) {
        ObjectNode body = ApiJson.MAPPER.valueToTree(summary);
        Instant now = clock.instant();
        body.put("time", now.getEpochSecond());
        body.put("uptime", summary.startedAt() == null ? 0
                : Math.max(0, Duration.between(summary.startedAt(), now).toSeconds()));
        Instant templateTime = summary.network().templateTime();
        ((ObjectNode) body.get("network")).put("templateAge", templateTime == null ? null
                : Duration.between(templateTime, now).toMillis() / 1000.0);
        body.put("healthy", health.judge(summary, now).healthy());
        return body;
    }

    private ObjectNode historyJson() {
        ObjectNode body = ApiJson.MAPPER.createObjectNode();
        body.put("interval", config.historyInterval().toMillis() / 1000.0);
        ArrayNode points = body.putArray("points");
        for (HashrateHistory.Sample sample : history.samples()) {
            putPoint(points.addObject(), sample.time(), sample.hashrate());
        }
        // The rates as the cards show them now: the chart ends on them instead of on the last minute's sample
        // (in the first minute that sample is the start's 0 H/s).
        putPoint(body.putObject("current"), clock.instant(), view.pool().hashrate());
        return body;
    }

    private static void putPoint(ObjectNode point, Instant time, Hashrates rates) {
        point.put("t", time.toEpochMilli() / 1000.0);
        point.put("1m", rates.m1());
        point.put("5m", rates.m5());
        point.put("1h", rates.h1());
        point.put("1d", rates.d1());
    }

    private Response health() {
        HealthCheck.Verdict verdict = health.judge(view.pool(), clock.instant());
        ObjectNode body = ApiJson.MAPPER.createObjectNode();
        body.put("status", verdict.healthy() ? "ok" : "unavailable");
        if (!verdict.healthy()) {
            body.put("reason", verdict.reason());
        }
        body.put("node", verdict.node());
        body.put("templateAge", verdict.templateAgeSeconds());
        return json(verdict.healthy() ? 200 : 503, body);
    }

    private Response metrics() throws IOException {
        metrics.updateFrom(view.pool());
        ByteArrayOutputStream out = new ByteArrayOutputStream(16 * 1024);
        metrics.writeText(out);
        return new Response(200, metrics.textContentType(), out.toByteArray(), new HashMap<>());
    }

    private static Response json(int status, JsonNode body) {
        try {
            return new Response(status, "application/json; charset=utf-8",
                    ApiJson.MAPPER.writeValueAsBytes(body), new HashMap<>());
        } catch (IOException e) {
            throw new IllegalStateException("cannot serialise API response", e);
        }
    }

    private static Response error(int status, String message) {
        ObjectNode body = ApiJson.MAPPER.createObjectNode();
        body.put("error", message);
        body.put("status", status);
        return json(status, body);
    }

    private static Response withHeaders(Response response, String contentType) {
        if (contentType.startsWith("text/html")) {
            response.headers.put("Content-Security-Policy", HTML_CSP);
            response.headers.put("X-Frame-Options", "DENY");
        }
        return response;
    }

    private static void send(HttpExchange exchange, Response response) throws IOException {
        var headers = exchange.getResponseHeaders();
        headers.set("Content-Type", response.contentType);
        headers.set("Cache-Control", "no-store");
        headers.set("X-Content-Type-Options", "nosniff");
        headers.set("Referrer-Policy", "no-referrer");
        response.headers.forEach(headers::set);
        if (exchange.getRequestMethod().equals("HEAD")) {
            exchange.sendResponseHeaders(response.status, -1);
            return;
        }
        exchange.sendResponseHeaders(response.status, response.body.length == 0 ? -1 : response.body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(response.body);
        }
    }
}
