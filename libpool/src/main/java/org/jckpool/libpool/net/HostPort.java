package org.jckpool.libpool.net;

/** A host and port as written in the config ({@code host:port}, {@code [v6]:port}). */
public record HostPort(String host, int port) {
    /** ckpool's rule: a server port above 4000 is a high-difficulty port. */
    public static final int HIGHDIFF_PORT_ABOVE = 4000;

    public boolean highDiff() {
        return port > HIGHDIFF_PORT_ABOVE;
    }

    @Override
    public String toString() {
        return (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
    }

    /** Parses {@code host:port}, with an optional {@code scheme://} prefix and a trailing slash. Null when invalid. */
    public static HostPort parse(String text) {
        if (text == null) {
            return null;
        }
        String s = text.strip();
        int scheme = s.indexOf("://");
        if (scheme >= 0) {
            s = s.substring(scheme + 3);
        }
        if (s.endsWith("/")) {
            s = s.substring(0, s.length() - 1);
        }
        String host;
        String port;
        if (s.startsWith("[")) {
            int close = s.indexOf("]:");
            if (close < 0) {
                return null;
            }
            host = s.substring(1, close);
            port = s.substring(close + 2);
        } else {
            int colon = s.lastIndexOf(':');
            if (colon <= 0 || s.indexOf(':') != colon) {
                return null;
            }
            host = s.substring(0, colon);
            port = s.substring(colon + 1);
        }
        if (host.isEmpty() || host.chars().anyMatch(c -> Character.isWhitespace(c) || c == '/')) {
            return null;
        }
        try {
            int p = Integer.parseInt(port);
            return p >= 1 && p <= 65535 ? new HostPort(host, p) : null;
        } catch (NumberFormatException e) {
            return null;
        }
    }
}
