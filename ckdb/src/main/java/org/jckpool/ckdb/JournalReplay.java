package org.jckpool.ckdb;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.jckpool.libpool.log.Log;

/**
 * Rebuilds what ckdb missed while it was down from the pools' journal files ({@code *.ckdb.journal} in ckpool's
 * log directory, written by {@code CkdbClient}, each after its compacted older part {@code *.ckdb.journal.prev}). Every line goes through the normal path, so messages ckdb already
 * has are dropped as duplicates by their sequence numbers.
 */
public final class JournalReplay {
    private static final int BATCH = 2000;

    private JournalReplay() {
    }

    /** @return messages newly accepted */
    public static long replay(CkdbService svc, Path logDir) throws IOException {
        long accepted = 0;
        List<Path> journals = new ArrayList<>();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(logDir, "*.ckdb.journal")) {
            ds.forEach(journals::add);
        }
        journals.sort(null);
        // a compacted journal's older part (.prev) goes first: its seqs come before the current file's
        List<Path> files = new ArrayList<>();
        for (Path j : journals) {
            Path prev = j.resolveSibling(j.getFileName() + ".prev");
            if (Files.exists(prev)) {
                files.add(prev);
            }
            files.add(j);
        }
        for (Path f : files) {
            String base = f.getFileName().toString();
            base = base.substring(0, base.indexOf(".ckdb.journal"));
            Path idFile = f.resolveSibling(base + ".ckdb.id");
            if (!Files.exists(idFile)) {
                Log.warning("%s has no id file, skipped", f);
                continue;
            }
            String source = Files.readString(idFile).trim();
            long fileAccepted = 0;
            try (BufferedReader r = Files.newBufferedReader(f, StandardCharsets.UTF_8)) {
                List<String> lines = new ArrayList<>(BATCH);
                String line;
                while ((line = r.readLine()) != null) {
                    if (!line.startsWith("{") || !line.endsWith("}")) {
                        Log.warning("skipping an incomplete line in %s", f);
                        continue;
                    }
                    lines.add(line);
                    if (lines.size() == BATCH) {
                        fileAccepted += send(svc, source, lines);
                        lines.clear();
                    }
                }
                fileAccepted += send(svc, source, lines);
            }
            Log.notice("rebuilt %d messages of %s from %s", fileAccepted, source, f);
            accepted += fileAccepted;
        }
        return accepted;
    }

    private static long send(CkdbService svc, String source, List<String> lines) throws IOException {
        if (lines.isEmpty()) {
            return 0;
        }
        String reply = svc.handle("{\"method\":\"batch\",\"id\":\"replay\",\"params\":{\"source\":\"" + source
                + "\",\"messages\":[" + String.join(",", lines) + "]}}");
        var r = org.jckpool.libpool.json.Json.parseOrNull(reply);
        if (r == null || !r.path("result").isObject()) {
            throw new IOException("replay batch refused: " + reply);
        }
        return r.path("result").path("accepted").asLong();
    }
}
