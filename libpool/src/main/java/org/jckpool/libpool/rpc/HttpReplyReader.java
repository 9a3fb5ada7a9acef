package org.jckpool.libpool.rpc;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.util.Locale;

/**
 * Reads one HTTP/1.x reply from a connection of {@link HttpPoster}: status line, headers, and a Content-Length,
 * chunked or read-to-close body up to a size cap. Each read is bounded by the call's deadline.
 */
final class HttpReplyReader {
    private static final int MAX_HEADER_BYTES = 64 * 1024;

    private final Socket socket;
    private final InputStream in;
    private final URI uri;
    private final long maxBodyBytes;
    private final long deadlineNanos;
    private boolean keepAlive;

    HttpReplyReader(Socket socket, InputStream in, URI uri, long maxBodyBytes, long deadlineNanos) {
        this.socket = socket;
        this.in = in;
        this.uri = uri;
        this.maxBodyBytes = maxBodyBytes;
        this.deadlineNanos = deadlineNanos;
    }

    /** Status line, headers and body of one reply. */
    HttpPoster.Reply reply() throws IOException {
        String status = line();
        String[] parts = status.split(" ", 3);
        if (parts.length < 2 || !parts[0].startsWith("HTTP/1.")) {
            throw new IOException("not an HTTP reply: " + HttpPoster.snippet(status));
        }
        int code;
        try {
            code = Integer.parseInt(parts[1]);
        } catch (NumberFormatException e) {
            throw new IOException("bad HTTP status line: " + HttpPoster.snippet(status));
        }
        long length = -1;
        boolean chunked = false;
        keepAlive = parts[0].equals("HTTP/1.1");
        for (String line = line(); !line.isEmpty(); line = line()) {
            int colon = line.indexOf(':');
            if (colon <= 0) {
                continue;
            }
            String name = line.substring(0, colon).trim().toLowerCase(Locale.ROOT);
            String value = line.substring(colon + 1).trim();
            switch (name) {
                case "content-length" -> {
                    try {
                        length = Long.parseLong(value);
                    } catch (NumberFormatException e) {
                        throw new IOException("bad Content-Length: " + HttpPoster.snippet(value));
                    }
                }
                case "transfer-encoding" -> chunked = value.toLowerCase(Locale.ROOT).contains("chunked");
                case "connection" -> keepAlive = !value.equalsIgnoreCase("close")
                        && (keepAlive || value.equalsIgnoreCase("keep-alive"));
                default -> {
                    // other headers do not matter here
                }
            }
        }
        byte[] bodyBytes;
        if (code == 204 || code == 304 || code / 100 == 1) {
            bodyBytes = new byte[0];
        } else if (chunked) {
            bodyBytes = chunked();
        } else if (length >= 0) {
            if (length > maxBodyBytes) {
                throw new HttpPoster.TooLarge("reply larger than " + maxBodyBytes + " bytes");
            }
            bodyBytes = exactly((int) length);
        } else {
            bodyBytes = toEnd();
            keepAlive = false;
        }
        return new HttpPoster.Reply(code, bodyBytes);
    }

    /** After {@link #reply}: whether the connection may carry another request. */
    boolean keepAlive() {
        return keepAlive;
    }

    private void arm() throws IOException {
        long left = (deadlineNanos - System.nanoTime()) / 1_000_000;
        if (left <= 0) {
            throw new HttpPoster.Timeout("no complete reply from " + uri + " in time", false);
        }
        socket.setSoTimeout((int) Math.min(Integer.MAX_VALUE, left));
    }

    private int read() throws IOException {
        arm();
        try {
            return in.read();
        } catch (SocketTimeoutException e) {
            throw new HttpPoster.Timeout("no complete reply from " + uri + " in time", false);
        }
    }

    /** The next byte without taking it; -1 at end of stream. */
    int peek() throws IOException {
        in.mark(1);
        int b = read();
        in.reset();
        return b;
    }

    /** A header line without its CRLF. */
    String line() throws IOException {
        StringBuilder sb = new StringBuilder(64);
        int total = 0;
        while (true) {
            int b = read();
            if (b < 0) {
                throw new EOFException("connection closed by " + uri + " in the reply headers");
            }
            if (b == '\n') {
                int n = sb.length();
                if (n > 0 && sb.charAt(n - 1) == '\r') {
                    sb.setLength(n - 1);
                }
                return sb.toString();
            }
            if (++total > MAX_HEADER_BYTES) {
                throw new IOException("reply headers longer than " + MAX_HEADER_BYTES + " bytes");
            }
            sb.append((char) b);
        }
    }

    byte[] exactly(int n) throws IOException {
        byte[] out = new byte[n];
        int got = 0;
        while (got < n) {
            arm();
            int r;
            try {
                r = in.read(out, got, n - got);
            } catch (SocketTimeoutException e) {
                throw new HttpPoster.Timeout("no complete reply from " + uri + " in time", false);
            }
            if (r < 0) {
                throw new EOFException("connection closed by " + uri + " after " + got + " of " + n
                        + " reply bytes");
            }
            got += r;
        }
        return out;
    }

    byte[] chunked() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        while (true) {
            String sizeLine = line();
            int semicolon = sizeLine.indexOf(';');
            long size;
            try {
                size = Long.parseLong((semicolon >= 0 ? sizeLine.substring(0, semicolon) : sizeLine).trim(), 16);
            } catch (NumberFormatException e) {
                throw new IOException("bad chunk size: " + HttpPoster.snippet(sizeLine));
            }
            if (size == 0) {
                while (!line().isEmpty()) {
                    // trailers
                }
                return out.toByteArray();
            }
            if (size < 0 || out.size() + size > maxBodyBytes) {
                throw new HttpPoster.TooLarge("reply larger than " + maxBodyBytes + " bytes");
            }
            out.write(exactly((int) size));
            line(); // the CRLF after the chunk
        }
    }

    byte[] toEnd() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buf = new byte[8192];
        while (true) {
            arm();
            int r;
            try {
                r = in.read(buf);
            } catch (SocketTimeoutException e) {
                throw new HttpPoster.Timeout("no complete reply from " + uri + " in time", false);
            }
            if (r < 0) {
                return out.toByteArray();
            }
            if (out.size() + r > maxBodyBytes) {
                throw new HttpPoster.TooLarge("reply larger than " + maxBodyBytes + " bytes");
            }
            out.write(buf, 0, r);
        }
    }
}
