package org.jckpool.simnode.rpc;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;
import org.jckpool.libpool.log.Log;

/**
 * HTTP basic authentication as bitcoind does it: either a configured rpcuser/rpcpassword, or, when no
 * password is configured, a random cookie {@code __cookie__:<64 hex>} written to {@code <datadir>/regtest/.cookie}
 * (temp file then rename, as Core does) and deleted on shutdown.
 */
public final class RpcAuth {
    public static final String COOKIE_USER = "__cookie__";

    private final byte[] expected;
    private final Path cookieFile;

    private RpcAuth(String user, String password, Path cookieFile) {
        this.expected = (user + ":" + password).getBytes(StandardCharsets.UTF_8);
        this.cookieFile = cookieFile;
    }

    /** Fixed credentials; like Core, an empty user is allowed (the header then carries ":password"). */
    public static RpcAuth password(String user, String password) {
        if (user == null || user.contains(":")) {
            throw new IllegalArgumentException("rpcuser must not contain ':'");
        }
        return new RpcAuth(user, password, null);
    }

    /** Generates and writes a cookie below {@code dataDir}. */
    public static RpcAuth cookie(Path dataDir) throws IOException {
        byte[] secret = new byte[32];
        new SecureRandom().nextBytes(secret);
        String password = HexFormat.of().formatHex(secret);
        Path netDir = dataDir.resolve("regtest");
        Files.createDirectories(netDir);
        Path file = netDir.resolve(".cookie");
        Path tmp = netDir.resolve(".cookie.tmp");
        Files.writeString(tmp, COOKIE_USER + ":" + password, StandardCharsets.US_ASCII);
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        return new RpcAuth(COOKIE_USER, password, file);
    }

    /** Path of the cookie file, or null with fixed credentials. */
    public Path cookieFile() {
        return cookieFile;
    }

    /** Checks an {@code Authorization} header value; constant-time comparison of the credentials. */
    public boolean accepts(String authorizationHeader) {
        if (authorizationHeader == null || !authorizationHeader.regionMatches(true, 0, "Basic ", 0, 6)) {
            return false;
        }
        byte[] given;
        try {
            given = Base64.getDecoder().decode(authorizationHeader.substring(6).trim());
        } catch (IllegalArgumentException e) {
            return false;
        }
        return MessageDigest.isEqual(given, expected);
    }

    /** Removes the cookie file, as bitcoind does on shutdown. */
    public void close() {
        if (cookieFile != null) {
            try {
                Files.deleteIfExists(cookieFile);
            } catch (IOException e) {
                Log.warning("cannot delete cookie %s: %s", cookieFile, e);
            }
        }
    }
}
