package org.jckpool.stratifier.ckdb;

import com.fasterxml.jackson.databind.JsonNode;
import org.jckpool.suite.config.ConfigException;
import org.jckpool.suite.config.PoolConfig;

import java.nio.file.Path;
import java.util.Optional;

/**
 * How the stratifier finds ckdb, from ckpool.conf (ckpool took these as its -d / -S command line flags):
 * {@code "ckdbname"} (default "ckdb") and {@code "ckdbsockdir"} (default {@code /tmp/<ckdbname>}, ckdb's own
 * default); ckdb listens on {@code <ckdbsockdir>/listener}. Neither key present: no ckdb, the pool runs as before.
 *
 * @param socket    ckdb's socket
 * @param spoolDir  where the journal (spool), its ack and the auth cache live: the pool's logdir, which is where
 *                  {@code ckdb -r} looks for journals
 * @param source    the journal's name: the pool instance name, so that each named pool has its own sequence
 */
public record CkdbSettings(Path socket, Path spoolDir, String source) {
    public static final String KEY_NAME = "ckdbname";
    public static final String KEY_SOCKDIR = "ckdbsockdir";
    static final String SOCKET_NAME = "listener";

    /** As {@link #from}, for the stratifier's start: a bad value is an IllegalArgumentException naming the key. */
    public static Optional<CkdbSettings> of(PoolConfig cfg, String poolName) {
        try {
            return from(cfg.raw(), Path.of(cfg.logdir()), poolName);
        } catch (ConfigException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
    }

    /** Empty when the config names no ckdb. */
    public static Optional<CkdbSettings> from(JsonNode conf, Path logdir, String poolName) throws ConfigException {
        JsonNode nameNode = conf == null ? null : conf.get(KEY_NAME);
        JsonNode dirNode = conf == null ? null : conf.get(KEY_SOCKDIR);
        if (isAbsent(nameNode) && isAbsent(dirNode)) {
            return Optional.empty();
        }
        String name = "ckdb";
        if (!isAbsent(nameNode)) {
            if (!nameNode.isTextual() || !nameNode.asText().matches("[A-Za-z0-9_\\-.]{1,64}")) {
                throw new ConfigException(KEY_NAME, nameNode.toString(), "must be 1-64 of A-Z a-z 0-9 _ - .");
            }
            name = nameNode.asText();
        }
        Path dir = Path.of("/tmp", name);
        if (!isAbsent(dirNode)) {
            if (!dirNode.isTextual() || dirNode.asText().isBlank()) {
                throw new ConfigException(KEY_SOCKDIR, dirNode.toString(), "must be a directory path");
            }
            dir = Path.of(dirNode.asText());
        }
        return Optional.of(new CkdbSettings(dir.resolve(SOCKET_NAME), logdir, sourceName(poolName)));
    }

    /** The CkdbClient accepts [A-Za-z0-9_-]; a pool name with anything else is mapped onto that. */
    static String sourceName(String poolName) {
        String s = poolName == null || poolName.isEmpty() ? "ckpool" : poolName.replaceAll("[^A-Za-z0-9_\\-]", "_");
        return s.length() > 64 ? s.substring(0, 64) : s;
    }

    private static boolean isAbsent(JsonNode n) {
        return n == null || n.isNull();
    }
}
