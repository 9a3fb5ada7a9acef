package org.jckpool.stratifier.status;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.jckpool.libpool.json.Json;
import org.jckpool.libpool.log.Log;
import org.jckpool.stratifier.session.ClientSession;
import org.jckpool.stratifier.share.ShareResult;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;

/**
 * The -L share log: one JSON object per judged share, appended to {@code <logdir>/shares/<yyyy-MM-dd>.log}
 * (UTC date; a new file each day). Fields: {@code ts} (ISO instant), {@code client}, {@code address},
 * {@code worker}, {@code job}, {@code diff} (the difficulty the share was judged at), {@code sdiff} (what it
 * achieved), {@code accepted}, {@code reject} (ckpool's reject-reason, absent when accepted), {@code block}
 * (hash, only when it solved a block). Buffered; {@link #flush} runs every second from the timer.
 */
public final class ShareLog implements AutoCloseable {
    private final Path dir;
    private LocalDate day;
    private BufferedWriter out;
    private boolean failed;

    public ShareLog(Path logdir) {
        this.dir = logdir.resolve("shares");
    }

    public Path fileFor(LocalDate date) {
        return dir.resolve(date + ".log");
    }

    public void record(ClientSession s, ShareResult r, long nowMillis) {
        ObjectNode o = Json.object();
        o.put("ts", Instant.ofEpochMilli(nowMillis).toString());
        o.put("client", s.clientId);
        o.put("address", s.address);
        o.put("worker", s.workerName());
        o.put("job", r.job() == null ? null : r.job().idHex());
        o.put("diff", r.assignedDiff());
        o.put("sdiff", r.shareDiff());
        o.put("accepted", r.accepted());
        if (!r.accepted()) {
            o.put("reject", r.reason().rejectReason);
        }
        if (r.blockHash() != null) {
            o.put("block", r.blockHash());
        }
        append(Json.write(o), nowMillis);
    }

    private synchronized void append(String line, long nowMillis) {
        LocalDate today = Instant.ofEpochMilli(nowMillis).atZone(ZoneOffset.UTC).toLocalDate();
        try {
            if (out == null || !today.equals(day)) {
                closeWriter();
                Files.createDirectories(dir);
                out = Files.newBufferedWriter(fileFor(today), StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                        StandardOpenOption.APPEND);
                day = today;
            }
            out.write(line);
            out.write('\n');
            failed = false;
        } catch (IOException e) {
            if (!failed) {
                Log.err("Share log %s: %s", dir, e);
                failed = true;
            }
            closeWriter();
        }
    }

    public synchronized void flush() {
        if (out != null) {
            try {
                out.flush();
            } catch (IOException e) {
                Log.err("Share log flush: %s", e);
                closeWriter();
            }
        }
    }

    private void closeWriter() {
        if (out != null) {
            try {
                out.close();
            } catch (IOException e) {
                // already reported by the write that failed
            }
            out = null;
        }
    }

    @Override
    public synchronized void close() {
        flush();
        closeWriter();
    }
}
