package org.jckpool.simnode.rpc;

import org.jckpool.libpool.log.Log;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;

/**
 * The HTTP/1.1 side of the RPC port, reading requests the way bitcoind's libevent server does: a header line ends
 * in CRLF or in a bare LF (ckpool's generator writes its requests with LF only, which the JDK's HTTP server never
 * sees the end of), the body comes by Content-Length or chunked, connections stay open (HTTP/1.1 keep-alive)
 * until the client closes, asks {@code Connection: close}, or sits idle for {@link #IDLE_TIMEOUT_MS} (Core's
 * rpcservertimeout). A request head that cannot be read gets 400 and the connection is closed.
 */
final class RpcHttpServer {
    /** Handles one request; must call {@link RpcHttpExchange#respond} once. */
    interface Handler {
        void handle(RpcHttpExchange exchange) throws IOException;
    }

    static final int IDLE_TIMEOUT_MS = 30_000;
    /** libevent's default limits on a request head. */
    static final int MAX_HEADER_LINE = 8192;
    static final int MAX_HEADERS = 100;

    private final Handler handler;
    private final ExecutorService executor;
    private final int maxBody;
    private final Set<Socket> open = ConcurrentHashMap.newKeySet();
    private ServerSocket listener;
    private volatile boolean running;

    RpcHttpServer(Handler handler, ExecutorService executor, int maxBody) {
        this.handler = handler;
        this.executor = executor;
        this.maxBody = maxBody;
    }

    /** Binds and starts accepting; returns the bound port. */
    int start(String host, int port, int backlog) throws IOException {
        listener = new ServerSocket();
        listener.setReuseAddress(true);
        listener.bind(new InetSocketAddress(InetAddress.getByName(host), port), backlog);
        running = true;
        executor.execute(this::acceptLoop);
        return listener.getLocalPort();
    }

    void stop() {
        running = false;
        try {
            if (listener != null) {
                listener.close();
            }
        } catch (IOException e) {
            Log.debug("closing the RPC listener: %s", e.getMessage());
        }
        for (Socket s : open) {
            closeQuietly(s);
        }
    }

    private void acceptLoop() {
        while (running) {
            Socket s;
            try {
                s = listener.accept();
            } catch (IOException e) {
                if (running) {
                    Log.warning("RPC accept failed: %s", e.getMessage());
                }
                continue;
            }
            open.add(s);
            try {
                executor.execute(() -> serve(s));
            } catch (RuntimeException e) { // executor shut down
                closeQuietly(s);
            }
        }
    }

    private void serve(Socket socket) {
        String remote = String.valueOf(socket.getRemoteSocketAddress());
        try (socket) {
            socket.setSoTimeout(IDLE_TIMEOUT_MS);
            socket.setTcpNoDelay(true);
            InputStream in = new BufferedInputStream(socket.getInputStream());
            OutputStream out = socket.getOutputStream();
            while (running) {
                RpcHttpExchange exchange;
                try {
                    exchange = readRequest(in, out, remote);
                } catch (BadRequest e) {
                    Log.info("Bad HTTP request from %s: %s", remote, e.getMessage());
                    RpcHttpExchange.writeResponse(out, 400, "text/plain", null, new byte[0], true);
                    return;
                }
                if (exchange == null) {
                    return; // the client closed between requests
                }
                try {
                    handler.handle(exchange);
                } finally {
                    exchange.close();
                }
                if (exchange.closesConnection()) {
                    return;
                }
            }
        } catch (SocketTimeoutException | SocketException e) {
            Log.debug("RPC connection %s ended: %s", remote, e.getMessage());
        } catch (IOException e) {
            Log.debug("RPC connection %s failed: %s", remote, e.getMessage());
        } finally {
            open.remove(socket);
        }
    }

    /** One request from the stream, or null at a clean end of stream before its first byte. */
    private RpcHttpExchange readRequest(InputStream in, OutputStream out, String remote) throws IOException {
        String requestLine;
        do { // RFC 9112 2.2: a server should ignore empty lines before the request line
            requestLine = readLine(in, true);
            if (requestLine == null) {
                return null;
            }
        } while (requestLine.isEmpty());
        String[] parts = requestLine.split(" ");
        if (parts.length != 3 || !parts[2].startsWith("HTTP/1.")) {
            throw new BadRequest("request line '" + abbreviate(requestLine) + "'");
        }
        RpcHttpExchange.Headers headers = new RpcHttpExchange.Headers();
        for (int n = 0; ; n++) {
            String line = readLine(in, false);
            if (line.isEmpty()) {
                break;
            }
            if (n >= MAX_HEADERS) {
                throw new BadRequest("more than " + MAX_HEADERS + " header lines");
            }
            int colon = line.indexOf(':');
            if (colon <= 0) {
                throw new BadRequest("header line '" + abbreviate(line) + "'");
            }
            headers.add(line.substring(0, colon).trim(), line.substring(colon + 1).trim());
        }
        boolean http10 = parts[2].equals("HTTP/1.0");
        String connection = headers.first("Connection");
        boolean close = connection != null && connection.equalsIgnoreCase("close")
                || http10 && (connection == null || !connection.equalsIgnoreCase("keep-alive"));
        byte[] body;
        String chunked = headers.first("Transfer-Encoding");
        if (chunked != null && chunked.toLowerCase().contains("chunked")) {
            body = readChunked(in);
        } else {
            body = readFixed(in, headers.first("Content-Length"));
        }
        if (body == null) {
            close = true; // the rest of an oversized body is not read
        }
        return new RpcHttpExchange(parts[0], headers, remote, body, out, close);
    }

    private byte[] readFixed(InputStream in, String contentLength) throws IOException {
        if (contentLength == null) {
            return new byte[0];
        }
        long length;
        try {
            length = Long.parseLong(contentLength.trim());
        } catch (NumberFormatException e) {
            throw new BadRequest("Content-Length '" + abbreviate(contentLength) + "'");
        }
        if (length < 0) {
            throw new BadRequest("negative Content-Length");
        }
        if (length > maxBody) {
            return null;
        }
        byte[] body = in.readNBytes((int) length);
        if (body.length < length) {
            throw new IOException("the client closed inside a request body");
        }
        return body;
    }

    private byte[] readChunked(InputStream in) throws IOException {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        while (true) {
            String sizeLine = readLine(in, false);
            int semi = sizeLine.indexOf(';');
            int size;
            try {
                size = Integer.parseInt((semi < 0 ? sizeLine : sizeLine.substring(0, semi)).trim(), 16);
            } catch (NumberFormatException e) {
                throw new BadRequest("chunk size '" + abbreviate(sizeLine) + "'");
            }
            if (size == 0) {
                while (!readLine(in, false).isEmpty()) {
                    // trailer fields are ignored
                }
                return body.toByteArray();
            }
            if (size < 0 || body.size() + (long) size > maxBody) {
                return null;
            }
            byte[] chunk = in.readNBytes(size);
            if (chunk.length < size) {
                throw new IOException("the client closed inside a chunk");
            }
            body.write(chunk);
            readLine(in, false); // the CRLF (or LF) after the chunk
        }
    }

    /**
     * A line ending in LF, with a CR before it dropped (libevent's EVBUFFER_EOL_CRLF). At end of stream: null when
     * {@code eofAllowed} and nothing was read, else an error.
     */
    private static String readLine(InputStream in, boolean eofAllowed) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream(128);
        while (true) {
            int b = in.read();
            if (b < 0) {
                if (eofAllowed && line.size() == 0) {
                    return null;
                }
                throw new IOException("the client closed inside a request head");
            }
            if (b == '\n') {
                byte[] bytes = line.toByteArray();
                int len = bytes.length > 0 && bytes[bytes.length - 1] == '\r' ? bytes.length - 1 : bytes.length;
                return new String(bytes, 0, len, StandardCharsets.ISO_8859_1);
            }
            if (line.size() >= MAX_HEADER_LINE) {
                throw new BadRequest("a line longer than " + MAX_HEADER_LINE + " bytes");
            }
            line.write(b);
        }
    }

    private static String abbreviate(String s) {
        return s.length() <= 60 ? s : s.substring(0, 60) + "…";
    }

    private static void closeQuietly(Socket s) {
        try {
            s.close();
        } catch (IOException e) {
            Log.debug("closing an RPC connection: %s", e.getMessage());
        }
    }

    private static final class BadRequest extends IOException {
        BadRequest(String message) {
            super(message);
        }
    }
}
