package org.jckpool.webapi.http;

import com.sun.net.httpserver.HttpExchange;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

/**
 * The admin token check of the admin endpoints ({@code /api/clients}, POST {@code /api/schedule}): a
 * {@code Bearer} token compared in constant time; with no {@code admintoken} configured they are off (403).
 */
final class AdminAuth {
    private final byte[] tokenBytes;

    AdminAuth(String adminToken) {
        this.tokenBytes = adminToken == null ? null : adminToken.getBytes(StandardCharsets.UTF_8);
    }

    void require(HttpExchange exchange) throws HttpError {
        if (tokenBytes == null) {
            throw new HttpError(403, "admin endpoints are off: set \"admintoken\" in the config");
        }
        String header = exchange.getRequestHeaders().getFirst("Authorization");
        if (header == null || !header.regionMatches(true, 0, "Bearer ", 0, 7)) {
            throw new HttpError(401, "admin token required: send \"Authorization: Bearer <admintoken>\"");
        }
        byte[] offered = header.substring(7).trim().getBytes(StandardCharsets.UTF_8);
        if (!MessageDigest.isEqual(offered, tokenBytes)) {
            throw new HttpError(401, "wrong admin token");
        }
    }
}
