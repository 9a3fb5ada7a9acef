package org.jckpool.ckdb.client;

import java.io.BufferedOutputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;

/**
 * The pool-side message log: one JSON message per line, line n holding sequence number n. It is both the spool
 * (what ckdb has not confirmed is re-read from it) and the log ckdb can rebuild from ({@code ckdb -r}).
 * The acknowledged position is kept in {@code <base>.ack} as "seq offset".
 *
 * <p>The journal is bounded: once the acknowledged part (committed by ckdb) passes a limit, {@link #compact}
 * starts a new file holding only the unacknowledged tail, and the old file stays as {@code <base>.prev} (one
 * generation) for {@code ckdb -r}. A crash between the file swap and the ack update is repaired at start, where
 * the offset is checked against the sequence numbers in the lines themselves.
 */
final class CkdbJournal {
    private final Path journal;
    private final Path ackFile;
    private OutputStream out;
    private long lastSeq;
    private long ackedSeq;
    private long ackedOffset;

    CkdbJournal(Path journal) throws IOException {
        this.journal = journal;
        this.ackFile = journal.resolveSibling(journal.getFileName() + ".ack");
        if (Files.exists(ackFile)) {
            String[] parts = Files.readString(ackFile).trim().split(" ");
            ackedSeq = Long.parseLong(parts[0]);
            ackedOffset = Long.parseLong(parts[1]);
        }
        long size = Files.exists(journal) ? Files.size(journal) : 0;
        if (!ackMatchesJournal(size)) {
            long found = offsetAfterSeq(ackedSeq);
            org.jckpool.libpool.log.Log.warning("%s", "journal " + journal + ": acknowledged offset " + ackedOffset + " does not follow seq " + ackedSeq
                    + " (interrupted compaction?); using offset " + found);
            ackedOffset = found;
        }
        lastSeq = ackedSeq;
        long goodEnd = ackedOffset;
        if (size > ackedOffset) {
            try (RandomAccessFile raf = new RandomAccessFile(journal.toFile(), "rw")) {
                raf.seek(ackedOffset);
                byte[] buf = new byte[1 << 16];
                long pos = ackedOffset;
                int n;
                while ((n = raf.read(buf)) > 0) {
                    for (int i = 0; i < n; i++) {
                        if (buf[i] == '\n') {
                            lastSeq++;
                            goodEnd = pos + i + 1;
                        }
                    }
                    pos += n;
                }
                // a line cut short by a crash is dropped; it never got a sequence number anybody saw
                raf.setLength(goodEnd);
            }
        }
        out = new BufferedOutputStream(new FileOutputStream(journal.toFile(), true), 1 << 16);
    }

    /** Whether the line ending at the acknowledged offset is the acknowledged seq (or the file starts after it). */
    private boolean ackMatchesJournal(long size) throws IOException {
        if (ackedOffset > size) {
            return false;
        }
        if (size == 0) {
            return true;
        }
        try (RandomAccessFile raf = new RandomAccessFile(journal.toFile(), "r")) {
            if (ackedOffset == 0) {
                long first = seqOf(lineAt(raf, 0, size));
                return first < 0 || first > ackedSeq;
            }
            int back = (int) Math.min(ackedOffset, 1 << 16);
            byte[] buf = new byte[back];
            raf.seek(ackedOffset - back);
            raf.readFully(buf);
            if (buf[back - 1] != '\n') {
                return false;
            }
            int start = back - 2;
            while (start >= 0 && buf[start] != '\n') {
                start--;
            }
            if (start < 0 && back < ackedOffset) {
                return false;
            }
            return seqOf(new String(buf, start + 1, back - 2 - start, StandardCharsets.UTF_8)) == ackedSeq;
        }
    }

    private static String lineAt(RandomAccessFile raf, long offset, long size) throws IOException {
        int len = (int) Math.min(size - offset, 1 << 16);
        byte[] buf = new byte[len];
        raf.seek(offset);
        raf.readFully(buf);
        int end = 0;
        while (end < len && buf[end] != '\n') {
            end++;
        }
        return new String(buf, 0, end, StandardCharsets.UTF_8);
    }

    /** Offset just after the last complete line whose seq is at most {@code seq} (scans the file). */
    private long offsetAfterSeq(long seq) throws IOException {
        if (!Files.exists(journal)) {
            return 0;
        }
        long offset = 0;
        long pos = 0;
        try (var r = Files.newInputStream(journal)) {
            java.io.ByteArrayOutputStream line = new java.io.ByteArrayOutputStream();
            int b;
            var in = new java.io.BufferedInputStream(r, 1 << 16);
            while ((b = in.read()) >= 0) {
                pos++;
                if (b == '\n') {
                    long s = seqOf(line.toString(StandardCharsets.UTF_8));
                    if (s >= 0 && s <= seq) {
                        offset = pos;
                    }
                    line.reset();
                } else {
                    line.write(b);
                }
            }
        }
        return offset;
    }

    /** The seq of a journal line ({@code params.seq}), or -1 when unreadable. */
    static long seqOf(String line) {
        try {
            return org.jckpool.libpool.json.Json.MAPPER.readTree(line).path("params").path("seq").asLong(-1);
        } catch (IOException e) {
            return -1;
        }
    }

    Path path() {
        return journal;
    }

    synchronized long append(String line) throws IOException {
        out.write(line.getBytes(StandardCharsets.UTF_8));
        out.write('\n');
        return ++lastSeq;
    }

    synchronized long nextSeq() {
        return lastSeq + 1;
    }

    synchronized long lastSeq() {
        return lastSeq;
    }

    synchronized void flush() throws IOException {
        out.flush();
    }

    synchronized long ackedSeq() {
        return ackedSeq;
    }

    synchronized long ackedOffset() {
        return ackedOffset;
    }

    synchronized void ack(long seq, long offset) throws IOException {
        if (seq <= ackedSeq) {
            return;
        }
        ackedSeq = seq;
        ackedOffset = offset;
        writeAck();
    }

    private void writeAck() throws IOException {
        long seq = ackedSeq;
        long offset = ackedOffset;
        Path tmp = ackFile.resolveSibling(ackFile.getFileName() + ".tmp");
        Files.writeString(tmp, seq + " " + offset + "\n");
        Files.move(tmp, ackFile, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    /** Complete lines from {@code offset}, at most maxLines / about maxBytes. */
    List<String> read(long offset, int maxLines, int maxBytes, long[] endOffset) throws IOException {
        flush();
        List<String> lines = new ArrayList<>();
        endOffset[0] = offset;
        try (RandomAccessFile raf = new RandomAccessFile(journal.toFile(), "r")) {
            long size = raf.length();
            if (size <= offset) {
                return lines;
            }
            int len = (int) Math.min(size - offset, maxBytes);
            byte[] buf = new byte[len];
            raf.seek(offset);
            raf.readFully(buf);
            int start = 0;
            for (int i = 0; i < len && lines.size() < maxLines; i++) {
                if (buf[i] == '\n') {
                    lines.add(new String(buf, start, i - start, StandardCharsets.UTF_8));
                    start = i + 1;
                }
            }
            if (lines.isEmpty() && len == maxBytes && size - offset > maxBytes) {
                throw new IOException("journal line longer than " + maxBytes + " bytes at offset " + offset);
            }
            endOffset[0] = offset + start;
        }
        return lines;
    }

    /**
     * When the acknowledged part of the journal is at least {@code limitBytes}: moves the unacknowledged tail into
     * a fresh journal, keeps the old file as {@code .prev} and resets the acknowledged offset to 0.
     * @return bytes removed from the front (offsets into the journal shrink by this much), 0 when nothing was done
     */
    synchronized long compact(long limitBytes) throws IOException {
        if (ackedOffset < limitBytes) {
            return 0;
        }
        out.flush();
        Path tmp = journal.resolveSibling(journal.getFileName() + ".tmp");
        Path prev = journal.resolveSibling(journal.getFileName() + ".prev");
        try (java.nio.channels.FileChannel src = java.nio.channels.FileChannel.open(journal);
             java.nio.channels.FileChannel dst = java.nio.channels.FileChannel.open(tmp,
                     java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.WRITE,
                     java.nio.file.StandardOpenOption.TRUNCATE_EXISTING)) {
            long size = src.size();
            long pos = ackedOffset;
            while (pos < size) {
                pos += src.transferTo(pos, size - pos, dst);
            }
            dst.force(true);
        }
        Files.deleteIfExists(prev);
        try {
            Files.createLink(prev, journal);
        } catch (UnsupportedOperationException | IOException e) {
            Files.copy(journal, prev);
        }
        out.close();
        Files.move(tmp, journal, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        out = new BufferedOutputStream(new FileOutputStream(journal.toFile(), true), 1 << 16);
        long removed = ackedOffset;
        ackedOffset = 0;
        writeAck();
        return removed;
    }

    synchronized void close() throws IOException {
        out.close();
    }
}
