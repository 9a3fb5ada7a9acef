package org.jckpool.simnode.rpc;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** One HTTP request read by {@link RpcHttpServer} and the one response it gets. */
final class RpcHttpExchange implements AutoCloseable {
    /** Request header fields by name, case-insensitively, in the order they came. */
    static final class Headers {
        private final List<String[]> fields = new ArrayList<>();

        void add(String name, String value) {
            fields.add(new String[] {name, value});
        }

        String first(String name) {
            for (String[] f : fields) {
                if (f[0].equalsIgnoreCase(name)) {
                    return f[1];
                }
            }
            return null;
        }
    }

    private final String method;
    private final Headers headers;
    private final String remote;
    private final byte[] body;
    private final OutputStream out;
    private final Map<String, String> responseHeaders = new LinkedHashMap<>();
    private boolean close;
    private boolean responded;

    RpcHttpExchange(String method, Headers headers, String remote, byte[] body, OutputStream out, boolean close) {
        this.method = method;
        this.headers = headers;
        this.remote = remote;
        this.body = body;
        this.out = out;
        this.close = close;
    }

    String method() {
        return method;
    }

    /** The first value of a request header, or null. */
    String header(String name) {
        return headers.first(name);
    }

    String remoteAddress() {
        return remote;
    }

    /** The request body, or null when it was larger than the server takes (the connection then closes). */
    byte[] body() {
        return body;
    }

    void setHeader(String name, String value) {
        responseHeaders.put(name, value);
    }

    boolean closesConnection() {
        return close;
    }

    /** Sends the response: status, the headers set, Content-Length (none for 204) and the body. */
    void respond(int status, byte[] content) throws IOException {
        if (responded) {
            throw new IllegalStateException("already responded");
        }
        responded = true;
        writeResponse(out, status, null, responseHeaders, content, close);
    }

    /** A handler that gave no response: 500, and the connection closes. */
    @Override
    public void close() throws IOException {
        if (!responded) {
            close = true;
            respond(500, new byte[0]);
        }
    }

    private static final DateTimeFormatter HTTP_DATE =
            DateTimeFormatter.ofPattern("EEE, dd MMM yyyy HH:mm:ss 'GMT'", Locale.US);

    static void writeResponse(OutputStream out, int status, String contentType, Map<String, String> extra,
                              byte[] content, boolean close) throws IOException {
        StringBuilder head = new StringBuilder(160);
        head.append("HTTP/1.1 ").append(status).append(' ').append(reason(status)).append("\r\n");
        head.append("Date: ").append(HTTP_DATE.format(ZonedDateTime.now(ZoneOffset.UTC))).append("\r\n");
        if (contentType != null) {
            head.append("Content-Type: ").append(contentType).append("\r\n");
        }
        if (extra != null) {
            extra.forEach((k, v) -> head.append(k).append(": ").append(v).append("\r\n"));
        }
        if (status != 204) {
            head.append("Content-Length: ").append(content.length).append("\r\n");
        }
        if (close) {
            head.append("Connection: close\r\n");
        }
        head.append("\r\n");
        out.write(head.toString().getBytes(StandardCharsets.ISO_8859_1));
        if (status != 204) {
            out.write(content);
        }
        out.flush();
    }

    private static String reason(int status) {
        return switch (status) {
            case 200 -> "OK";
            case 204 -> "No Content";
            case 400 -> "Bad Request";
            case 401 -> "Unauthorized";
            case 403 -> "Forbidden";
            case 404 -> "Not Found";
            case 405 -> "Method Not Allowed";
            case 413 -> "Payload Too Large";
            case 500 -> "Internal Server Error";
            case 503 -> "Service Unavailable";
            default -> "Status";
        };
    }
}
