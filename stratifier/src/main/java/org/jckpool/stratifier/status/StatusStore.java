package org.jckpool.stratifier.status;

import org.jckpool.libpool.log.Log;
import org.jckpool.stratifier.engine.StratumEngine;
import org.jckpool.stratifier.stats.UserStats;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.HashMap;
import java.util.Map;

/**
 * ckpool's status files: {@code <logdir>/pool/pool.status} and {@code <logdir>/users/<user>}, written every
 * minute and on shutdown (via a temporary file and a rename, so a reader never sees half a file) and read back at
 * start so hashrates and best shares survive a restart.
 */
public final class StatusStore {
    private final Path poolFile;
    private final Path usersDir;

    public StatusStore(Path logdir) {
        this.poolFile = logdir.resolve("pool").resolve("pool.status");
        this.usersDir = logdir.resolve("users");
    }

    public Path poolFile() {
        return poolFile;
    }

    public Path usersDir() {
        return usersDir;
    }

    /** Restores what an earlier run wrote; missing files are simply a first start. */
    public void restore(StratumEngine engine) {
        String pool = null;
        Map<String, String> users = new HashMap<>();
        try {
            if (Files.isRegularFile(poolFile)) {
                pool = Files.readString(poolFile, StandardCharsets.UTF_8);
            }
            if (Files.isDirectory(usersDir)) {
                try (DirectoryStream<Path> ds = Files.newDirectoryStream(usersDir)) {
                    for (Path p : ds) {
                        String name = p.getFileName().toString();
                        if (Files.isRegularFile(p) && !name.startsWith(".")) {
                            users.put(name, Files.readString(p, StandardCharsets.UTF_8));
                        }
                    }
                }
            }
        } catch (IOException | RuntimeException e) {
            Log.warning("Could not read the status files in %s: %s", poolFile.getParent().getParent(), e);
        }
        if (pool != null || !users.isEmpty()) {
            engine.restoreStats(pool, users);
            Log.notice("Restored pool statistics and %d users from %s", users.size(), poolFile.getParent().getParent());
        }
    }

    /** Writes pool.status and every user's file; returns false (logged) on an I/O error. */
    public boolean write(StratumEngine engine) {
        try {
            writeAtomically(poolFile, engine.poolStatus());
            for (UserStats u : engine.stats().users()) {
                String name = u.name();
                if (!safeFileName(name)) {
                    continue;
                }
                String text = engine.userStatus(name);
                if (text != null) {
                    writeAtomically(usersDir.resolve(name), text);
                }
            }
            return true;
        } catch (IOException | RuntimeException e) {
            Log.err("Could not write the status files: %s", e);
            return false;
        }
    }

    static boolean safeFileName(String name) {
        return name != null && !name.isEmpty() && name.length() <= 200 && !name.startsWith(".")
                && name.indexOf('/') < 0 && name.indexOf('\\') < 0 && name.indexOf('\0') < 0;
    }

    private static void writeAtomically(Path file, String text) throws IOException {
        Files.createDirectories(file.getParent());
        Path tmp = file.resolveSibling("." + file.getFileName() + ".tmp");
        Files.writeString(tmp, text, StandardCharsets.UTF_8);
        try {
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
        }
    }
}
