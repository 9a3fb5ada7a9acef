package org.jckpool.connector.net;

import java.net.InetSocketAddress;

/**
 * One {@code serverurl} entry: {@code host:port}, {@code [ipv6]:port}, or a host alone (port 3333, ckpool's
 * default). A bare IPv6 address without brackets is refused because its last colon is ambiguous.
 */
public record ListenAddress(String host, int port) {
    public static final int DEFAULT_PORT = 3333;

    public ListenAddress {
        if (host == null || host.isEmpty()) {
            throw new IllegalArgumentException("listen host is empty");
        }
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("listen port out of range: " + port);
        }
    }

    public static ListenAddress parse(String url) {
        String s = url == null ? "" : url.trim();
        if (s.isEmpty()) {
            throw new IllegalArgumentException("serverurl is empty");
        }
        if (s.startsWith("[")) {
            int close = s.indexOf(']');
            if (close < 0) {
                throw new IllegalArgumentException("serverurl \"" + url + "\": missing ']'");
            }
            String host = s.substring(1, close);
            String rest = s.substring(close + 1);
            if (rest.isEmpty()) {
                return new ListenAddress(host, DEFAULT_PORT);
            }
            if (!rest.startsWith(":")) {
                throw new IllegalArgumentException("serverurl \"" + url + "\": expected ':' after ']'");
            }
            return new ListenAddress(host, parsePort(url, rest.substring(1)));
        }
        int colon = s.lastIndexOf(':');
        if (colon < 0) {
            return new ListenAddress(s, DEFAULT_PORT);
        }
        if (s.indexOf(':') != colon) {
            throw new IllegalArgumentException("serverurl \"" + url + "\": write IPv6 addresses as [addr]:port");
        }
        return new ListenAddress(s.substring(0, colon), parsePort(url, s.substring(colon + 1)));
    }

    private static int parsePort(String url, String text) {
        try {
            int port = Integer.parseInt(text);
            if (port < 0 || port > 65535) {
                throw new IllegalArgumentException("serverurl \"" + url + "\": port out of range");
            }
            return port;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("serverurl \"" + url + "\": port \"" + text + "\" is not a number");
        }
    }

    /** The socket address to bind (resolves the host name). */
    public InetSocketAddress toSocketAddress() {
        return new InetSocketAddress(host, port);
    }

    @Override
    public String toString() {
        return host.indexOf(':') >= 0 ? "[" + host + "]:" + port : host + ":" + port;
    }
}
