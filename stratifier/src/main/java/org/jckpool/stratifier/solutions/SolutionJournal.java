package org.jckpool.stratifier.solutions;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.jckpool.libpool.json.Json;
import org.jckpool.libpool.log.Log;
import org.jckpool.stratifier.share.BlockSolution;
import org.jckpool.stratifier.share.SolutionOutcome;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The solutions journal ({@code <logdir>/<name>.solutions}): every block solution the pool submits is appended
 * here and forced to disk before the miner is answered or anyone else hears of it, so a solution survives the
 * stratifier's death at any point after that. One JSON object a line:
 * <pre>
 * {"type":"solution","hash":H,"height":N,"prevhash":P,"time":T,"hex":BLOCK}
 * {"type":"outcome","hash":H,"outcome":"accepted|rejected|lost|stale","time":T}
 * </pre>
 * A solution is unresolved while it has no outcome or its last one is {@code lost} (no node answered: worth
 * another try while its tip is current). Opening the journal reads it, drops lines that do not parse (a line
 * torn by a crash is always the last one) and rewrites the file with only the unresolved solutions, so it stays
 * as small as the number of blocks in doubt. Thread-safe.
 */
public final class SolutionJournal implements AutoCloseable {
    private final Path file;
    private final Map<String, JournaledSolution> unresolved;
    private final int linesSkipped;
    private final FileChannel channel;

    private SolutionJournal(Path file, Map<String, JournaledSolution> unresolved, int linesSkipped)
            throws IOException {
        this.file = file;
        this.unresolved = unresolved;
        this.linesSkipped = linesSkipped;
        this.channel = FileChannel.open(file, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
    }

    /** Reads the journal (a missing file is an empty one), compacts it and opens it for appending. */
    public static SolutionJournal open(Path file) throws IOException {
        Map<String, JournaledSolution> unresolved = new LinkedHashMap<>();
        int skipped = read(file, unresolved);
        if (skipped > 0) {
            Log.warning("Solutions journal %s: %d unreadable line(s) skipped (torn by a crash?)", file, skipped);
        }
        rewrite(file, unresolved.values());
        return new SolutionJournal(file, unresolved, skipped);
    }

    private static int read(Path file, Map<String, JournaledSolution> unresolved) throws IOException {
        int skipped = 0;
        try (BufferedReader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            String line;
            while ((line = r.readLine()) != null) {
                if (!line.isBlank() && !apply(Json.parseOrNull(line), unresolved)) {
                    skipped++;
                }
            }
        } catch (NoSuchFileException e) {
            return 0;
        }
        return skipped;
    }

    /** @return false for a line that is not a journal record */
    private static boolean apply(JsonNode n, Map<String, JournaledSolution> unresolved) {
        if (n == null || !n.isObject()) {
            return false;
        }
        String hash = Json.text(n, "hash");
        if (hash == null) {
            return false;
        }
        String type = Json.text(n, "type");
        if ("solution".equals(type)) {
            String prev = Json.text(n, "prevhash");
            String hex = Json.text(n, "hex");
            if (prev == null || hex == null || !n.path("height").canConvertToLong()) {
                return false;
            }
            unresolved.put(hash, new JournaledSolution(hash, n.path("height").asLong(), prev, hex,
                    n.path("time").asLong()));
            return true;
        }
        if ("outcome".equals(type)) {
            SolutionOutcome o;
            try {
                o = SolutionOutcome.of(String.valueOf(Json.text(n, "outcome")));
            } catch (IllegalArgumentException e) {
                return false;
            }
            if (resolves(o)) {
                unresolved.remove(hash);
            }
            return true;
        }
        return false;
    }

    private static boolean resolves(SolutionOutcome o) {
        return o.isFinal() && o != SolutionOutcome.LOST;
    }

    /** Writes the unresolved solutions to a new file and moves it over the journal, each step forced to disk. */
    private static void rewrite(Path file, Iterable<JournaledSolution> keep) throws IOException {
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            for (JournaledSolution s : keep) {
                writeFully(ch, solutionLine(s));
            }
            ch.force(true);
        }
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        forceDirectory(file.toAbsolutePath().getParent());
    }

    /** Makes a rename or a new file itself durable (Linux: fsync on the directory). */
    private static void forceDirectory(Path dir) {
        try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
            d.force(true);
        } catch (IOException e) {
            Log.debug("fsync of directory %s: %s", dir, e.getMessage());
        }
    }

    /**
     * Appends a solution and forces it to disk; a solution already in the journal unresolved is not written
     * again. @return false when it could not be written (logged: the block is still submitted)
     */
    public synchronized boolean solved(BlockSolution s, long timeSeconds) {
        if (unresolved.containsKey(s.hash())) {
            return true;
        }
        JournaledSolution j = JournaledSolution.of(s, timeSeconds);
        if (!append(solutionLine(j), "solution " + s.hash())) {
            return false;
        }
        unresolved.put(s.hash(), j);
        return true;
    }

    /**
     * Appends the outcome of a journaled solution (ignored for one the journal does not hold). Every outcome but
     * {@code lost} resolves it.
     */
    public synchronized void outcome(String hash, SolutionOutcome outcome, long timeSeconds) {
        if (!outcome.isFinal() || !unresolved.containsKey(hash)) {
            return;
        }
        ObjectNode o = Json.object();
        o.put("type", "outcome");
        o.put("hash", hash);
        o.put("outcome", outcome.label());
        o.put("time", timeSeconds);
        append(line(o), "outcome of " + hash);
        if (resolves(outcome)) {
            unresolved.remove(hash);
        }
    }

    /** The unresolved solutions, oldest first. */
    public synchronized List<JournaledSolution> unresolved() {
        return new ArrayList<>(unresolved.values());
    }

    public synchronized int unresolvedCount() {
        return unresolved.size();
    }

    /** Lines that did not parse when the journal was opened. */
    public int linesSkipped() {
        return linesSkipped;
    }

    public Path file() {
        return file;
    }

    private boolean append(byte[] line, String what) {
        try {
            writeFully(channel, line);
            channel.force(false);
            return true;
        } catch (IOException e) {
            Log.crit("Solutions journal %s: could not write the %s: %s", file, what, e.getMessage());
            return false;
        }
    }

    private static void writeFully(FileChannel ch, byte[] bytes) throws IOException {
        ByteBuffer b = ByteBuffer.wrap(bytes);
        while (b.hasRemaining()) {
            ch.write(b);
        }
    }

    private static byte[] solutionLine(JournaledSolution s) {
        ObjectNode o = Json.object();
        o.put("type", "solution");
        o.put("hash", s.hash());
        o.put("height", s.height());
        o.put("prevhash", s.prevHash());
        o.put("time", s.time());
        o.put("hex", s.hex());
        return line(o);
    }

    private static byte[] line(ObjectNode o) {
        return (Json.write(o) + "\n").getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public synchronized void close() {
        try {
            channel.close();
        } catch (IOException e) {
            Log.warning("Solutions journal %s: close: %s", file, e.getMessage());
        }
    }
}
