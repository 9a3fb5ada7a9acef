package org.jckpool.stratifier.passthrough;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.io.JsonStringEncoder;
import org.jckpool.libpool.json.Json;
import org.jckpool.libpool.net.HostPort;

import java.io.IOException;

/**
 * The lines of ckpool's passthrough link, downstream side (docs/PROTOCOL.md 1.1.1). A miner's line goes up with
 * {@code "client_id"}, {@code "address"} and {@code "server"} added; a line from upstream comes down with its
 * {@code "client_id"} taken out. Both edit the text and leave the rest of the line byte for byte as it was (a
 * re-serialised line could change how numbers such as a difficulty of 0.000001 are written).
 */
final class PassthroughLines {
    /** What ckpool's passthrough sends first on a new upstream connection (no id, its version as the param). */
    static final String PASSTHROUGH_REQUEST = "{\"method\":\"mining.passthrough\",\"params\":[\"jckpool/0.1\"]}";
    /** Sent to a miner whose upstream session is gone: reconnect to the same host and port. */
    static final String RECONNECT = "{\"id\":null,\"method\":\"client.reconnect\",\"params\":[]}";
    static final String CLIENT_ID = "client_id";

    /**
     * ckpool's redirector message: {@code client.reconnect} with the host, the port as a string and a wait of 0
     * seconds, written compact in this member order.
     */
    static String redirect(HostPort to) {
        return "{\"id\":null,\"method\":\"client.reconnect\",\"params\":[\""
                + new String(JsonStringEncoder.getInstance().quoteAsString(to.host())) + "\",\"" + to.port() + "\",0]}";
    }

    /** A line from upstream for one miner: the upstream's {@code client_id} and the line without it. */
    record Routed(long clientId, String line) {
    }

    private PassthroughLines() {
    }

    /**
     * The miner's line as it goes upstream. Throws {@link IllegalArgumentException} when the line is not one JSON
     * object or already carries a {@code client_id} (a miner has no business setting one).
     */
    static String upstream(String minerLine, int clientId, String address, int server) {
        int end = checkObject(minerLine);
        int close = minerLine.lastIndexOf('}', end);
        boolean empty = minerLine.substring(0, close).strip().endsWith("{");
        return minerLine.substring(0, close) + (empty ? "" : ",") + "\"client_id\":" + clientId + ",\"address\":\""
                + new String(JsonStringEncoder.getInstance().quoteAsString(address)) + "\",\"server\":" + server + "}";
    }

    /** ckpool's message for a miner that left: the upstream ends that sub-client. */
    static String term(int clientId, String address, int server) {
        return "{\"id\":42,\"client_id\":" + clientId + ",\"address\":\""
                + new String(JsonStringEncoder.getInstance().quoteAsString(address)) + "\",\"server\":" + server
                + ",\"method\":\"mining.term\",\"params\":[]}";
    }

    /** The upstream's line split into its client id and the line for the miner; null without a numeric client_id. */
    static Routed fromUpstream(String line) {
        try (JsonParser p = Json.MAPPER.getFactory().createParser(line)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                return null;
            }
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                int start = (int) p.currentTokenLocation().getCharOffset();
                JsonToken value = p.nextToken();
                if (CLIENT_ID.equals(name) && value == JsonToken.VALUE_NUMBER_INT) {
                    long id = p.getLongValue();
                    int end = (int) p.currentTokenLocation().getCharOffset() + p.getText().length();
                    return new Routed(id, cut(line, start, end));
                }
                p.skipChildren();
            }
            return null;
        } catch (IOException e) {
            return null;
        }
    }

    /** The line without the member [start, end) and the comma that separated it from a neighbour. */
    private static String cut(String line, int start, int end) {
        int after = end;
        while (after < line.length() && Character.isWhitespace(line.charAt(after))) {
            after++;
        }
        if (after < line.length() && line.charAt(after) == ',') {
            return line.substring(0, start) + line.substring(after + 1).stripLeading();
        }
        int before = start - 1;
        while (before >= 0 && Character.isWhitespace(line.charAt(before))) {
            before--;
        }
        if (before >= 0 && line.charAt(before) == ',') {
            return line.substring(0, before) + line.substring(end);
        }
        return line.substring(0, start) + line.substring(end);
    }

    /** Checks the line is exactly one JSON object without a top-level client_id; returns where the object ends. */
    private static int checkObject(String line) {
        try (JsonParser p = Json.MAPPER.getFactory().createParser(line)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw new IllegalArgumentException("not a JSON object");
            }
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                if (CLIENT_ID.equals(p.currentName())) {
                    throw new IllegalArgumentException("a miner's line with its own client_id");
                }
                p.nextToken();
                p.skipChildren();
            }
            int end = (int) p.currentTokenLocation().getCharOffset();
            if (p.nextToken() != null) {
                throw new IllegalArgumentException("more than one JSON value on the line");
            }
            return end;
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("not JSON: " + e.getOriginalMessage(), e);
        } catch (IOException e) {
            throw new IllegalArgumentException("not JSON: " + e.getMessage(), e);
        }
    }
}
