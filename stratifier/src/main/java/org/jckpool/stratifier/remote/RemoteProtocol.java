package org.jckpool.stratifier.remote;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.jckpool.libpool.json.Json;

/**
 * The lines between a trusted remote and its upstream pool, in ckpool's forms: the remote opens with
 * {@code {"method":"mining.remote","params":["<package>/<version>"]}} and needs {@code {"result": true}} back; it
 * then sends objects whose {@code "method"} is one of ckpool's stratum message names ({@link #SHARE},
 * {@link #SHAREERR}, {@link #WORKINFO}, {@link #BLOCK}, {@link #WORKERSTATS}, {@link #WORKERS}) with ckpool's ckdb
 * fields, and {@code {"method":"ping"}}, answered {@code {"method":"pong"}}. A miner's {@code mining.authorize}
 * goes up as {@link #auth} and the upstream pool decides it, answering {@link #authResult}.
 *
 * <p>jckpool's additions, which ckpool ignores: the remote's second {@code mining.remote} param is its id (kept
 * in its outbox directory), each message carries {@code "seq"}, and the upstream answers with
 * {@code {"method":"ack","seq":N}} once everything up to N is accounted (also right after the handshake, with what
 * it had before).
 */
public final class RemoteProtocol {
    public static final String REMOTE = "mining.remote";
    public static final String ACCEPTED = "{\"result\": true}";
    public static final String SHARE = "share";
    public static final String SHAREERR = "shareerr";
    public static final String WORKINFO = "workinfo";
    public static final String BLOCK = "block";
    public static final String WORKERSTATS = "workerstats";
    public static final String WORKERS = "workers";
    public static final String PING = "ping";
    public static final String PONG = "{\"method\":\"pong\"}";
    public static final String ACK = "ack";
    public static final String AUTH = "auth";
    public static final String AUTH_RESULT = "auth.result";

    private RemoteProtocol() {
    }

    public static String hello(String agent, String remoteId) {
        ObjectNode n = Json.object();
        n.put("method", REMOTE);
        n.putArray("params").add(agent).add(remoteId);
        return n.toString();
    }

    public static String ack(long seq) {
        return "{\"method\":\"ack\",\"seq\":" + seq + "}";
    }

    /**
     * ckpool's {@code auth} request from a remote: the miner's authorize {@code params} and {@code id} as it sent
     * them, its user agent, extranonce1 and IP, and {@code clientid}, the remote's own id for the miner (32 bits:
     * a ckpool upstream keeps it as the low half of a sub-client id).
     */
    public static ObjectNode auth(JsonNode params, JsonNode id, String userAgent, String enonce1, String address,
                                  long clientId) {
        ObjectNode n = Json.object();
        n.set("params", params == null ? Json.MAPPER.createArrayNode() : params.deepCopy());
        n.set("id", id == null ? NullNode.getInstance() : id.deepCopy());
        n.put("method", AUTH);
        n.put("useragent", userAgent == null ? "" : userAgent);
        n.put("enonce1", enonce1 == null ? "" : enonce1);
        n.put("address", address == null ? "" : address);
        n.put("clientid", clientId);
        return n;
    }

    /**
     * The upstream's answer to {@link #auth}, as a ckpool upstream writes it: the authorize reply
     * ({@code result}, {@code error}, the miner's {@code id}) with {@code "method":"auth.result"} and the remote's
     * {@code client_id} added.
     */
    public static String authResult(JsonNode id, long clientId, boolean allowed, String error) {
        ObjectNode n = Json.object();
        n.put("result", allowed);
        if (error == null) {
            n.putNull("error");
        } else {
            n.put("error", error);
        }
        n.set("id", id == null ? NullNode.getInstance() : id);
        n.put("method", AUTH_RESULT);
        n.put("client_id", clientId);
        return n.toString();
    }

    /** The refusal a connection gets for mining.remote on a server that is not trusted. */
    public static String refused(String idJson) {
        return "{\"id\":" + idJson + ",\"result\":false,\"error\":\"mining.remote only on a trusted server\"}";
    }

    /** {@code msg} with {@code "method"} set to the ckpool message name (put first, as ckpool's readers log it). */
    public static ObjectNode typed(String method, ObjectNode msg) {
        ObjectNode n = Json.object();
        n.put("method", method);
        n.setAll(msg);
        return n;
    }
}
