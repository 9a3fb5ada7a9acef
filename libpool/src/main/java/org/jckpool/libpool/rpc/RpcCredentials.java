package org.jckpool.libpool.rpc;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Objects;

/**
 * HTTP basic credentials for bitcoind: a fixed user/password, or Core's cookie file ({@code __cookie__:<pw>}),
 * which is re-read when the node rejects it (bitcoind writes a new cookie at every start).
 */
public final class RpcCredentials {
    /** The user name bitcoind puts in its cookie file. */
    public static final String COOKIE_USER = "__cookie__";

    private final String user;
    private final String pass;
    private final Path cookieFile;
    private volatile String header;

    private RpcCredentials(String user, String pass, Path cookieFile) {
        this.user = user;
        this.pass = pass;
        this.cookieFile = cookieFile;
    }

    public static RpcCredentials basic(String user, String pass) {
        return new RpcCredentials(Objects.requireNonNull(user, "user"), Objects.requireNonNull(pass, "pass"), null);
    }

    public static RpcCredentials cookieFile(Path file) {
        return new RpcCredentials(null, null, Objects.requireNonNull(file, "cookie file"));
    }

    /**
     * From ckpool's {@code btcd} entry: {@code auth} and {@code pass}. When {@code auth} is {@code __cookie__}
     * and {@code pass} names an existing file, that file is the cookie; otherwise both are used literally.
     */
    public static RpcCredentials fromConfig(String auth, String pass) {
        if (COOKIE_USER.equals(auth) && pass != null && !pass.isEmpty()) {
            try {
                Path p = Path.of(pass);
                if (Files.isRegularFile(p)) {
                    return cookieFile(p);
                }
            } catch (java.nio.file.InvalidPathException e) {
                // not a path: a literal cookie password
            }
        }
        return basic(auth == null ? "" : auth, pass == null ? "" : pass);
    }

    public boolean usesCookieFile() {
        return cookieFile != null;
    }

    /** The {@code Authorization} header value; reads the cookie file on first use. */
    String authorizationHeader() throws IOException {
        String h = header;
        if (h == null) {
            h = build();
            header = h;
        }
        return h;
    }

    /** Forgets a cached cookie so the next call reads the file again; false when there is nothing to reload. */
    boolean reload() {
        if (cookieFile == null) {
            return false;
        }
        header = null;
        return true;
    }

    private String build() throws IOException {
        String userPass;
        if (cookieFile != null) {
            String content = Files.readString(cookieFile, StandardCharsets.UTF_8).trim();
            if (content.indexOf(':') < 0) {
                throw new IOException("cookie file " + cookieFile + " is not in user:password form");
            }
            userPass = content;
        } else {
            userPass = user + ":" + pass;
        }
        return "Basic " + Base64.getEncoder().encodeToString(userPass.getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public String toString() {
        return cookieFile != null ? "cookie file " + cookieFile : "user " + user;
    }
}
