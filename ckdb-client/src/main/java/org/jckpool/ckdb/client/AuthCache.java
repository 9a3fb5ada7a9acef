package org.jckpool.ckdb.client;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.jckpool.libpool.log.Log;

/**
 * The user.worker names ckdb authorised, with their last known default difficulty, so that they are still accepted
 * while ckdb cannot be reached. Kept in an append-only file of {@code user TAB worker TAB difficulty} lines (the
 * last line of a name wins). Keys are {@code user TAB worker}.
 */
final class AuthCache {
    private final Path file;
    private final Map<String, Double> byWorker = new ConcurrentHashMap<>();

    private AuthCache(Path file) {
        this.file = file;
    }

    static AuthCache load(Path file) throws IOException {
        AuthCache c = new AuthCache(file);
        if (!Files.exists(file)) {
            return c;
        }
        for (String line : Files.readAllLines(file)) {
            String[] f = line.split("\t");
            if (f.length == 3) {
                try {
                    c.byWorker.put(f[0] + "\t" + f[1], Double.parseDouble(f[2]));
                } catch (NumberFormatException e) {
                    Log.warning("ckdb auth cache: skipping bad line");
                }
            }
        }
        return c;
    }

    Double get(String key) {
        return byWorker.get(key);
    }

    /** ckdb authorised it with this difficulty; written to the file when new or changed. */
    void remember(String key, double diff) {
        Double old = byWorker.put(key, diff);
        if (old == null || old != diff) {
            append(key, diff);
        }
    }

    void forget(String key) {
        byWorker.remove(key);
    }

    /** A difficulty change ckdb pushed: kept in memory for a worker already known (as before, not written). */
    void updateIfKnown(String key, double diff) {
        byWorker.computeIfPresent(key, (k, v) -> diff);
    }

    private synchronized void append(String key, double diff) {
        try {
            Files.writeString(file, key + "\t" + diff + "\n", StandardCharsets.UTF_8,
                    StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            Log.warning("ckdb auth cache: cannot write %s: %s", file, e.getMessage());
        }
    }
}
