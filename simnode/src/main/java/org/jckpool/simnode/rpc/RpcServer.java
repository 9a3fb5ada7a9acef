package org.jckpool.simnode.rpc;

import org.jckpool.libpool.log.Log;
import org.jckpool.libpool.retry.Pause;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.jckpool.simnode.rpc.FailureMode;

/**
 * bitcoind's HTTP JSON-RPC front end on {@link RpcHttpServer} (HTTP/1.1 keep-alive, LF or CRLF header lines as
 * Core's libevent server reads them): basic auth, JSON-RPC 1.0
 * ("legacy") and 2.0 request forms, batches, Core's status codes and error shapes, plus the simulated
 * failure modes. Methods named {@code simnode.*} are admin calls and bypass the failure mode.
 */
public final class RpcServer {
    /** Core rejects HTTP bodies above 32 MB (MAX_SIZE). */
    static final int MAX_BODY = 32 * 1024 * 1024;
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private final ObjectMapper mapper;
    private final RpcDispatcher dispatcher;
    private final RpcAuth auth;
    private final long authFailureDelayMillis;
    private final RpcWorkQueue workQueue;
    private final long templateDelayMillis;
    private final java.util.Map<String, java.util.concurrent.atomic.LongAdder> calls =
            new java.util.concurrent.ConcurrentHashMap<>();
    private final Object modeLock = new Object();
    private FailureMode mode;
    private boolean stopping;
    private RpcHttpServer server;
    private ExecutorService executor;

    public RpcServer(ObjectMapper mapper, RpcDispatcher dispatcher, RpcAuth auth, FailureMode mode,
                     long authFailureDelayMillis) {
        this(mapper, dispatcher, auth, mode, authFailureDelayMillis,
                new RpcWorkQueue(RpcWorkQueue.DEFAULT_THREADS, RpcWorkQueue.DEFAULT_DEPTH), 0);
    }

    /**
     * @param workQueue           Core's -rpcthreads/-rpcworkqueue admission (503 when full)
     * @param templateDelayMillis time each getblocktemplate takes, as a loaded node's does
     */
    public RpcServer(ObjectMapper mapper, RpcDispatcher dispatcher, RpcAuth auth, FailureMode mode,
                     long authFailureDelayMillis, RpcWorkQueue workQueue, long templateDelayMillis) {
        this.workQueue = workQueue;
        this.templateDelayMillis = templateDelayMillis;
        this.mapper = mapper;
        this.dispatcher = dispatcher;
        this.auth = auth;
        this.mode = mode;
        this.authFailureDelayMillis = authFailureDelayMillis;
    }

    /** Binds and starts serving; returns the bound port. */
    public int start(String host, int port) throws IOException {
        AtomicInteger threadCount = new AtomicInteger();
        executor = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "simnode-http-" + threadCount.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        server = new RpcHttpServer(this::handle, executor, MAX_BODY);
        return server.start(host, port, 64);
    }

    public void stop() {
        synchronized (modeLock) {
            stopping = true;
            modeLock.notifyAll();
        }
        if (server != null) {
            server.stop();
            executor.shutdownNow();
        }
    }

    public RpcWorkQueue workQueue() {
        return workQueue;
    }

    /** Calls served per method (simnode.* admin calls not counted; unknown methods are). */
    public java.util.Map<String, Long> calls() {
        java.util.Map<String, Long> m = new java.util.TreeMap<>();
        calls.forEach((k, v) -> m.put(k, v.sum()));
        return m;
    }

    public FailureMode mode() {
        synchronized (modeLock) {
            return mode;
        }
    }

    public void setMode(FailureMode newMode) {
        synchronized (modeLock) {
            mode = newMode;
            modeLock.notifyAll();
        }
    }

    private void handle(RpcHttpExchange exchange) throws IOException {
        try (exchange) {
            if (!"POST".equals(exchange.method())) {
                send(exchange, 405, "text/html", "JSONRPC server handles only POST requests");
                return;
            }
            if (!auth.accepts(exchange.header("Authorization"))) {
                Log.warning("incorrect RPC password from %s", exchange.remoteAddress());
                Pause.quietly(authFailureDelayMillis);
                exchange.setHeader("WWW-Authenticate", "Basic realm=\"jsonrpc\"");
                send(exchange, 401, null, "");
                return;
            }
            byte[] body = exchange.body();
            if (body == null) {
                send(exchange, 413, "text/plain", "request body too large");
                return;
            }
            JsonNode request;
            try {
                request = mapper.readTree(body);
            } catch (JsonProcessingException e) {
                request = null;
            }
            if (request == null || request.isMissingNode()) {
                sendJson(exchange, 500, legacyError(RpcCodes.PARSE_ERROR, "Parse error", NODES.nullNode()));
                return;
            }
            if (isAdminCall(request)) {
                serve(exchange, request);
                return;
            }
            if (!workQueue.enter()) {
                send(exchange, 503, "text/html; charset=ISO-8859-1", RpcWorkQueue.FULL_MESSAGE);
                return;
            }
            try {
                if (applyFailureMode(exchange)) {
                    serve(exchange, request);
                }
            } finally {
                workQueue.leave();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException e) {
            Log.debug("client went away: %s", e.getMessage());
        } catch (RuntimeException e) {
            Log.err("RPC handler failed: %s", e);
        }
    }

    /** Answers one request (object or batch). */
    private void serve(RpcHttpExchange exchange, JsonNode request) throws IOException {
        if (request.isObject()) {
            handleSingle(exchange, request);
        } else if (request.isArray()) {
            ArrayNode replies = NODES.arrayNode();
            for (JsonNode element : request) {
                Reply reply = execute(element);
                if (reply.body() != null) {
                    replies.add(reply.body());
                }
            }
            sendJson(exchange, 200, replies);
        } else {
            sendJson(exchange, 500, legacyError(RpcCodes.PARSE_ERROR, "Top-level object parse error",
                    NODES.nullNode()));
        }
    }

    private void handleSingle(RpcHttpExchange exchange, JsonNode request) throws IOException {
        Reply reply = execute(request);
        if (reply.body() == null) {
            send(exchange, 204, null, "");
        } else {
            sendJson(exchange, reply.status(), reply.body());
        }
    }

    /** One parsed request: reply body (null for a JSON-RPC 2.0 notification) and the HTTP status it alone would get. */
    private record Reply(JsonNode body, int status) {
    }

    private Reply execute(JsonNode request) {
        JsonNode id = NODES.nullNode();
        boolean v2 = false;
        boolean notification = false;
        try {
            if (!request.isObject()) {
                throw new CoreRpcException(RpcCodes.INVALID_REQUEST, "Invalid Request object");
            }
            if (request.has("id")) {
                id = request.get("id");
            }
            JsonNode version = request.get("jsonrpc");
            if (version != null && !version.isNull()) {
                if (!version.isTextual()) {
                    throw new CoreRpcException(RpcCodes.INVALID_REQUEST, "jsonrpc field must be a string");
                }
                switch (version.asText()) {
                    case "2.0" -> v2 = true;
                    case "1.0", "1.1" -> v2 = false;
                    default -> throw new CoreRpcException(RpcCodes.INVALID_REQUEST, "JSON-RPC version not supported");
                }
            }
            notification = v2 && !request.has("id");
            JsonNode method = request.get("method");
            if (method == null || method.isNull()) {
                throw new CoreRpcException(RpcCodes.INVALID_REQUEST, "Missing method");
            }
            if (!method.isTextual()) {
                throw new CoreRpcException(RpcCodes.INVALID_REQUEST, "Method must be a string");
            }
            JsonNode params = request.get("params");
            if (params != null && !params.isNull() && !params.isArray() && !params.isObject()) {
                throw new CoreRpcException(RpcCodes.INVALID_REQUEST, "Params must be an array or object");
            }
            if (templateDelayMillis > 0 && method.asText().equals("getblocktemplate")) {
                Pause.quietly(templateDelayMillis);
            }
            if (!method.asText().startsWith("simnode.")) {
                calls.computeIfAbsent(method.asText(), m -> new java.util.concurrent.atomic.LongAdder()).increment();
            }
            JsonNode result = dispatcher.call(method.asText(), params);
            if (notification) {
                return new Reply(null, 204);
            }
            return new Reply(success(v2, result == null ? NODES.nullNode() : result, id), 200);
        } catch (CoreRpcException e) {
            if (notification) {
                return new Reply(null, 204);
            }
            return errorReply(v2, e.code(), e.getMessage(), id);
        } catch (RuntimeException e) {
            Log.err("internal error in RPC call: %s", e);
            return errorReply(v2, RpcCodes.INTERNAL_ERROR, "Internal error: " + e, id);
        }
    }

    private Reply errorReply(boolean v2, int code, String message, JsonNode id) {
        if (v2) {
            ObjectNode reply = NODES.objectNode();
            reply.put("jsonrpc", "2.0");
            reply.set("error", errorObject(code, message));
            reply.set("id", id);
            return new Reply(reply, 200);
        }
        int status = switch (code) {
            case RpcCodes.INVALID_REQUEST -> 400;
            case RpcCodes.METHOD_NOT_FOUND -> 404;
            default -> 500;
        };
        return new Reply(legacyError(code, message, id), status);
    }

    private static ObjectNode success(boolean v2, JsonNode result, JsonNode id) {
        ObjectNode reply = NODES.objectNode();
        if (v2) {
            reply.put("jsonrpc", "2.0");
            reply.set("result", result);
        } else {
            reply.set("result", result);
            reply.putNull("error");
        }
        reply.set("id", id);
        return reply;
    }

    private static ObjectNode legacyError(int code, String message, JsonNode id) {
        ObjectNode reply = NODES.objectNode();
        reply.putNull("result");
        reply.set("error", errorObject(code, message));
        reply.set("id", id);
        return reply;
    }

    private static ObjectNode errorObject(int code, String message) {
        ObjectNode error = NODES.objectNode();
        error.put("code", code);
        error.put("message", message);
        return error;
    }

    private static boolean isAdminCall(JsonNode request) {
        JsonNode method = request.isObject() ? request.get("method") : null;
        return method != null && method.isTextual() && method.asText().startsWith("simnode.");
    }

    /** Returns true when the request should be served normally. */
    private boolean applyFailureMode(RpcHttpExchange exchange) throws IOException {
        FailureMode current;
        synchronized (modeLock) {
            while (mode == FailureMode.HANG && !stopping) {
                try {
                    modeLock.wait();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return false;
                }
            }
            if (stopping) {
                return false;
            }
            current = mode;
        }
        switch (current) {
            case HTTP500 -> {
                send(exchange, 500, "text/plain", "simnode: simulated internal server error");
                return false;
            }
            case BUSY -> {
                send(exchange, 503, "text/html; charset=ISO-8859-1", RpcWorkQueue.FULL_MESSAGE);
                return false;
            }
            case GARBAGE -> {
                send(exchange, 200, "application/json", "\u0000\u00ffnot json {{{" + System.nanoTime());
                return false;
            }
            default -> {
                return true;
            }
        }
    }

    private void sendJson(RpcHttpExchange exchange, int status, JsonNode body) throws IOException {
        send(exchange, status, "application/json", mapper.writeValueAsString(body) + "\n");
    }

    private static void send(RpcHttpExchange exchange, int status, String contentType, String body) throws IOException {
        if (contentType != null) {
            exchange.setHeader("Content-Type", contentType);
        }
        exchange.respond(status, body.getBytes(StandardCharsets.UTF_8));
    }

}
