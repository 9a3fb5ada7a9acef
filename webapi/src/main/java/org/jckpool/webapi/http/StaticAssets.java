package org.jckpool.webapi.http;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.Optional;

/** The dashboard's files, bundled as classpath resources and loaded once; only these names are served. */
final class StaticAssets {

    record Asset(byte[] body, String contentType) {
    }

    private static final String BASE = "/org/jckpool/webapi/static/";
    private static final Map<String, String> TYPES = Map.of(
            "index.html", "text/html; charset=utf-8",
            "user.html", "text/html; charset=utf-8",
            "dashboard.css", "text/css; charset=utf-8",
            "dashboard-common.js", "text/javascript; charset=utf-8",
            "dashboard-passthrough.js", "text/javascript; charset=utf-8",
            "dashboard-schedule.js", "text/javascript; charset=utf-8",
            "dashboard.js", "text/javascript; charset=utf-8",
            "favicon.svg", "image/svg+xml");

    private final Map<String, Asset> assets;

    StaticAssets() {
        Map<String, Asset> loaded = new java.util.HashMap<>();
        TYPES.forEach((name, type) -> loaded.put(name, new Asset(load(name), type)));
        assets = Map.copyOf(loaded);
    }

    /** The asset for a request path such as "/" or "/user.html". */
    Optional<Asset> forPath(String path) {
        String name = path.equals("/") ? "index.html" : path.substring(1);
        return Optional.ofNullable(assets.get(name));
    }

    private static byte[] load(String name) {
        try (InputStream in = StaticAssets.class.getResourceAsStream(BASE + name)) {
            if (in == null) {
                throw new IllegalStateException("dashboard asset missing from the jar: " + BASE + name);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read dashboard asset " + name, e);
        }
    }
}
