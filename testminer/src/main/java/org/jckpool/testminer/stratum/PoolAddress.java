package org.jckpool.testminer.stratum;

/** host:port of a pool, parsed from {@code stratum+tcp://host:port}, {@code tcp://host:port} or {@code host:port}. */
public record PoolAddress(String host, int port) {

    public static PoolAddress parse(String url) {
        String s = url.trim();
        int scheme = s.indexOf("://");
        if (scheme >= 0) {
            String name = s.substring(0, scheme);
            if (!name.equals("stratum+tcp") && !name.equals("tcp") && !name.equals("stratum")) {
                throw new IllegalArgumentException("unsupported scheme \"" + name + "\" in " + url
                        + " (use stratum+tcp://host:port)");
            }
            s = s.substring(scheme + 3);
        }
        int slash = s.indexOf('/');
        if (slash >= 0) {
            s = s.substring(0, slash);
        }
        String host;
        String portText;
        if (s.startsWith("[")) {
            int close = s.indexOf(']');
            if (close < 0 || close + 1 >= s.length() || s.charAt(close + 1) != ':') {
                throw new IllegalArgumentException("expected [ipv6]:port in " + url);
            }
            host = s.substring(1, close);
            portText = s.substring(close + 2);
        } else {
            int colon = s.lastIndexOf(':');
            if (colon <= 0) {
                throw new IllegalArgumentException("missing port in " + url);
            }
            host = s.substring(0, colon);
            portText = s.substring(colon + 1);
        }
        int port;
        try {
            port = Integer.parseInt(portText);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("bad port \"" + portText + "\" in " + url);
        }
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("port out of range in " + url);
        }
        return new PoolAddress(host, port);
    }

    @Override
    public String toString() {
        return (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
    }
}
