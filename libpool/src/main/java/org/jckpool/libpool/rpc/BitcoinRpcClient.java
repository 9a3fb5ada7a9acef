package org.jckpool.libpool.rpc;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;
import org.jckpool.libpool.log.Log;

/**
 * JSON-RPC client for bitcoind over HTTP/1.1 with basic auth (user/password or cookie file) and a small fixed
 * pool of persistent connections ({@link HttpPoster}: each call runs on the caller's thread; submitblock is first
 * in line for a free connection). Requests use JSON-RPC 1.0, which every Core version accepts;
 * replies in both the 1.0 and the 2.0 shape are understood. Every failure, including timeouts, refused
 * connections, HTTP errors and garbage replies, is an {@link RpcException}; a call never waits longer than the
 * request timeout. Thread-safe.
 */
public final class BitcoinRpcClient implements AutoCloseable {
    public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(5);
    public static final Duration DEFAULT_REQUEST_TIMEOUT = Duration.ofSeconds(30);
    /** Calls on the wire to one node at once, by default (ckpool.conf {@code rpcconnections}). */
    public static final int DEFAULT_CONNECTIONS = 4;
    /** Cap on a reply body; a full getblocktemplate is a few MB. */
    public static final long MAX_REPLY_BYTES = 64L << 20;

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private final URI uri;
    private final RpcCredentials credentials;
    private final Duration requestTimeout;
    private final HttpPoster http;
    private final AtomicLong nextId = new AtomicLong(1);

    public BitcoinRpcClient(String url, RpcCredentials credentials) {
        this(url, credentials, DEFAULT_CONNECT_TIMEOUT, DEFAULT_REQUEST_TIMEOUT);
    }

    /**
     * @param url {@code host:port} (ckpool style) or {@code http://host:port[/path]}
     */
    public BitcoinRpcClient(String url, RpcCredentials credentials, Duration connectTimeout, Duration requestTimeout) {
        this(url, credentials, connectTimeout, requestTimeout, DEFAULT_CONNECTIONS);
    }

    /**
     * @param maxConnections calls on the wire at once (more wait for a free connection; submitblock goes first)
     */
    public BitcoinRpcClient(String url, RpcCredentials credentials, Duration connectTimeout, Duration requestTimeout,
                            int maxConnections) {
        this.uri = parseUrl(url);
        this.credentials = Objects.requireNonNull(credentials, "credentials");
        this.requestTimeout = Objects.requireNonNull(requestTimeout, "requestTimeout");
        this.http = new HttpPoster(uri, Objects.requireNonNull(connectTimeout, "connectTimeout"), MAX_REPLY_BYTES,
                maxConnections);
    }

    private BitcoinRpcClient(BitcoinRpcClient shared, Duration requestTimeout) {
        this.uri = shared.uri;
        this.credentials = shared.credentials;
        this.requestTimeout = Objects.requireNonNull(requestTimeout, "requestTimeout");
        this.http = shared.http;
    }

    /**
     * The same node over the same connections (and the same limit on them), with another request timeout: how
     * short checks and long template fetches share one small pool.
     */
    public BitcoinRpcClient withRequestTimeout(Duration requestTimeout) {
        return new BitcoinRpcClient(this, requestTimeout);
    }

    /** Accepts {@code host:port}, {@code [::1]:port} or a full http(s) URL. */
    static URI parseUrl(String url) {
        if (url == null || url.isBlank()) {
            throw new IllegalArgumentException("bitcoind url is empty");
        }
        String u = url.trim();
        if (!u.contains("://")) {
            u = "http://" + u;
        }
        URI parsed;
        try {
            parsed = URI.create(u);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("bad bitcoind url \"" + url + "\": " + e.getMessage(), e);
        }
        if (parsed.getHost() == null || !(parsed.getScheme().equals("http") || parsed.getScheme().equals("https"))) {
            throw new IllegalArgumentException("bad bitcoind url \"" + url + "\": need host:port or http://host:port");
        }
        if (parsed.getPath() == null || parsed.getPath().isEmpty()) {
            parsed = parsed.resolve("/");
        }
        return parsed;
    }

    public URI uri() {
        return uri;
    }

    /** Calls {@code method} with positional parameters (each converted to JSON) and returns the result node. */
    public JsonNode call(String method, Object... params) {
        ArrayNode array = MAPPER.createArrayNode();
        for (Object p : params) {
            array.add(p instanceof JsonNode node ? node : MAPPER.valueToTree(p));
        }
        return callWithParams(method, array);
    }

    /** Calls {@code method} with a ready JSON params array (or an object, for named parameters). */
    public JsonNode callWithParams(String method, JsonNode params) {
        long id = nextId.getAndIncrement();
        ObjectNode request = MAPPER.createObjectNode();
        request.put("jsonrpc", "1.0");
        request.put("id", id);
        request.put("method", method);
        request.set("params", params == null ? MAPPER.createArrayNode() : params);
        byte[] body;
        try {
            body = MAPPER.writeValueAsBytes(request);
        } catch (JsonProcessingException e) {
            throw new RpcException(method, RpcException.Kind.BAD_REPLY, RpcException.NO_RPC_CODE, 0,
                    "cannot encode request: " + e.getMessage(), e);
        }
        HttpPoster.Reply response = send(method, body);
        if ((response.status() == 401 || response.status() == 403) && credentials.reload()) {
            Log.debug("bitcoind rejected the cookie, re-reading it and retrying");
            response = send(method, body);
        }
        return interpret(method, id, response);
    }

    private HttpPoster.Reply send(String method, byte[] body) {
        String auth;
        try {
            auth = credentials.authorizationHeader();
        } catch (IOException e) {
            throw new RpcException(method, RpcException.Kind.AUTH, RpcException.NO_RPC_CODE, 0,
                    "cannot read credentials (" + credentials + "): " + e.getMessage(), e);
        }
        try {
            return http.post(body, auth, System.nanoTime() + requestTimeout.toNanos(), method.equals("submitblock"));
        } catch (HttpPoster.Timeout e) {
            throw new RpcException(method, RpcException.Kind.TIMEOUT, RpcException.NO_RPC_CODE, 0,
                    e.connecting ? e.getMessage()
                            : "no complete reply from " + uri + " within " + requestTimeout.toMillis() + " ms", e);
        } catch (HttpPoster.TooLarge e) {
            throw new RpcException(method, RpcException.Kind.BAD_REPLY, RpcException.NO_RPC_CODE, 0,
                    e.getMessage(), e);
        } catch (ConnectException e) {
            throw new RpcException(method, RpcException.Kind.CONNECTION, RpcException.NO_RPC_CODE, 0,
                    "cannot connect to " + uri + ": " + e.getMessage(), e);
        } catch (IOException | RuntimeException e) {
            String detail = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
            throw new RpcException(method, RpcException.Kind.CONNECTION, RpcException.NO_RPC_CODE, 0,
                    "request to " + uri + " failed: " + detail, e);
        }
    }

    private static RpcException.Kind statusKind(int status) {
        return status == 401 || status == 403 ? RpcException.Kind.AUTH : RpcException.Kind.HTTP_ERROR;
    }

    /**
     * Reads a reply. Core answers JSON-RPC 1.0 errors with HTTP 4xx/5xx and a JSON body, and 2.0 errors with
     * HTTP 200; the JSON body decides whenever there is one.
     */
    private JsonNode interpret(String method, long id, HttpPoster.Reply response) {
        int status = response.status();
        byte[] body = response.body();
        JsonNode reply = null;
        if (body != null && body.length > 0) {
            try {
                reply = MAPPER.readTree(body);
            } catch (IOException e) {
                reply = null;
            }
        }
        if (reply == null || !reply.isObject() || !(reply.has("result") || reply.has("error"))) {
            String snippet = body == null ? "" : snippet(body);
            if (status != 200) {
                String why = status == 401 ? "unauthorized (check rpc user/password or cookie)"
                        : status == 403 ? "forbidden (check rpcallowip)" : "unexpected HTTP status";
                throw new RpcException(method, statusKind(status), RpcException.NO_RPC_CODE, status,
                        why + (snippet.isEmpty() ? "" : ": " + snippet), null);
            }
            throw new RpcException(method, RpcException.Kind.BAD_REPLY, RpcException.NO_RPC_CODE, status,
                    "not a JSON-RPC reply: " + (snippet.isEmpty() ? "(empty body)" : snippet), null);
        }
        JsonNode error = reply.get("error");
        if (error != null && !error.isNull()) {
            int code = RpcException.NO_RPC_CODE;
            String message;
            if (error.isObject()) {
                code = error.path("code").asInt(RpcException.NO_RPC_CODE);
                message = error.path("message").asText(error.toString());
            } else {
                message = error.isTextual() ? error.asText() : error.toString();
            }
            throw new RpcException(method, RpcException.Kind.RPC_ERROR, code, status, message, null);
        }
        if (status != 200) {
            throw new RpcException(method, statusKind(status), RpcException.NO_RPC_CODE, status,
                    "HTTP status without an error: " + snippet(body), null);
        }
        JsonNode replyId = reply.get("id");
        if (replyId != null && !replyId.isNull() && !(replyId.canConvertToLong() && replyId.asLong() == id)) {
            throw new RpcException(method, RpcException.Kind.BAD_REPLY, RpcException.NO_RPC_CODE, status,
                    "reply id " + replyId + " does not match request id " + id, null);
        }
        JsonNode result = reply.get("result");
        return result == null ? MAPPER.nullNode() : result;
    }

    private static String snippet(byte[] body) {
        String s = new String(body, 0, Math.min(body.length, 200), StandardCharsets.UTF_8).strip();
        return body.length > 200 ? s + "…" : s;
    }

    // ---- convenience methods ----

    /** {@code getblocktemplate {"rules":["segwit"]}}. */
    public JsonNode getBlockTemplate() {
        return getBlockTemplate(List.of("segwit"));
    }

    /** getblocktemplate with the given rules (signet needs "signet" as well as "segwit"). */
    public JsonNode getBlockTemplate(List<String> rules) {
        ObjectNode req = MAPPER.createObjectNode();
        ArrayNode r = req.putArray("rules");
        rules.forEach(r::add);
        return call("getblocktemplate", req);
    }

    /** Long-poll getblocktemplate; the client's request timeout must exceed the node's long-poll wait. */
    public JsonNode getBlockTemplate(List<String> rules, String longPollId) {
        ObjectNode req = MAPPER.createObjectNode();
        ArrayNode r = req.putArray("rules");
        rules.forEach(r::add);
        req.put("longpollid", longPollId);
        return call("getblocktemplate", req);
    }

    /** Submits a block; null when accepted, otherwise the node's reason ("duplicate", "high-hash", …). */
    public String submitBlock(String blockHex) {
        JsonNode result = call("submitblock", blockHex);
        return result == null || result.isNull() ? null : result.asText();
    }

    /** Best block hash in RPC order (hex). */
    public String getBestBlockHash() {
        return requireText("getbestblockhash", call("getbestblockhash"));
    }

    public long getBlockCount() {
        JsonNode r = call("getblockcount");
        if (!r.canConvertToLong() || !r.isIntegralNumber()) {
            throw badShape("getblockcount", "an integer", r);
        }
        return r.asLong();
    }

    public String getBlockHash(long height) {
        return requireText("getblockhash", call("getblockhash", height));
    }

    /** validateaddress (no wallet needed): isvalid, scriptPubKey, iswitness, … or error. */
    public JsonNode validateAddress(String address) {
        return requireObject("validateaddress", call("validateaddress", address));
    }

    /** getaddressinfo (a wallet RPC). */
    public JsonNode getAddressInfo(String address) {
        return requireObject("getaddressinfo", call("getaddressinfo", address));
    }

    /** getblockchaininfo: chain ("main", "test", "testnet4", "signet", "regtest"), blocks, bestblockhash, … */
    public JsonNode getBlockchainInfo() {
        return requireObject("getblockchaininfo", call("getblockchaininfo"));
    }

    private static String requireText(String method, JsonNode r) {
        if (!r.isTextual()) {
            throw badShape(method, "a string", r);
        }
        return r.asText();
    }

    private static JsonNode requireObject(String method, JsonNode r) {
        if (!r.isObject()) {
            throw badShape(method, "an object", r);
        }
        return r;
    }

    private static RpcException badShape(String method, String expected, JsonNode got) {
        String s = got.toString();
        return new RpcException(method, RpcException.Kind.BAD_REPLY, RpcException.NO_RPC_CODE, 200,
                "expected " + expected + " as result, got " + (s.length() > 100 ? s.substring(0, 100) + "…" : s),
                null);
    }

    /** Closes the client's connections; pending and later calls fail. */
    @Override
    public void close() {
        http.close();
    }

    @Override
    public String toString() {
        return "BitcoinRpcClient[" + uri + ", " + credentials + "]";
    }
}
