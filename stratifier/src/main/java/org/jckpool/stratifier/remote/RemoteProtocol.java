package org.jckpool.stratifier.remote;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.jckpool.libpool.json.Json;

/**
 * The lines between a trusted remote and its upstream pool, in ckpool's forms: the remote opens with
 * {@code {"method":"mining.remote","params":["<package>/<version>"]}} and needs {@code {"result": true}} back; it
 * then sends objects whose {@code "method"} is one of ckpool's stratum message names ({@link #SHARE},
 * {@link #SHAREERR}, {@link #WORKINFO}, {@link #BLOCK}, {@link #WORKERSTATS}, {@link #WORKERS}) with ckpool's ckdb
 * fields, and {@code {"method":"ping"}}, answered {@code {"method":"pong"}}.
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
