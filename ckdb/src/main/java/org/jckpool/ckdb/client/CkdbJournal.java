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
 */
final class CkdbJournal {
    private final Path journal;
    private final Path ackFile;
    private final OutputStream out;
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
        if (ackedOffset > size) {
            throw new IOException("journal " + journal + " is shorter than its acknowledged offset " + ackedOffset);
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

    synchronized void close() throws IOException {
        out.close();
    }
}
