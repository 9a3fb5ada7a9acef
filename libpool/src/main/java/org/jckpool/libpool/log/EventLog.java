package org.jckpool.libpool.log;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Machine-readable event log: one JSON object per line in {@code <logdir>/<process>.events.jsonl}, beside the
 * human log, for tools (jq, Loki, Elasticsearch) to pick up. Each line carries the event type, a UTC
 * timestamp with milliseconds, the process name, and the event's own fields:
 * <pre>{"ts":"2026-11-26T05:01:02.345Z","event":"share_rejected","process":"stratifier","worker":"alice.rig1","reason":"stale"}</pre>
 * Turned on by the config key {@code "logjson": true}; when off, {@link #disabled()} swallows events at no
 * cost. Writing never throws to the caller: an I/O failure is reported once on stderr and counted in
 * {@link #dropped()}. Thread-safe; each line is written and flushed whole.
 *
 * <p>{@link #forConfig} (what the processes use) returns an asynchronous log: {@link #event} only copies the
 * fields and offers them to a bounded queue that one daemon thread encodes and writes, so a hot thread (the
 * connector's I/O loop, the share path) never waits on the disk. When the queue is full the event is dropped
 * and counted in {@link #queueDropped()} instead of blocking. Each process installs its log with
 * {@link #setGlobal} so call sites stay one-liners: {@code EventLog.global().event(...)}.
 */
public final class EventLog implements Closeable {

    public static final String CLIENT_CONNECT = "client_connect";
    public static final String CLIENT_DISCONNECT = "client_disconnect";
    public static final String CLIENT_AUTHORISE = "client_authorise";
    public static final String SHARE_REJECTED = "share_rejected";
    public static final String BLOCK_FOUND = "block_found";
    public static final String BLOCK_ACCEPTED = "block_accepted";
    public static final String BLOCK_REJECTED = "block_rejected";
    public static final String BLOCK_SUBMITTED = "block_submitted";
    public static final String NEW_BLOCK = "new_block";
    public static final String VARDIFF = "vardiff";
    public static final String NODE_STATUS = "node_status";
    public static final String NODE_DOWN = "node_down";
    public static final String NODE_UP = "node_up";
    public static final String NODE_FAILOVER = "node_failover";
    public static final String CHILD_START = "child_start";
    public static final String CHILD_EXIT = "child_exit";
    public static final String CHILD_RESTART = "child_restart";
    public static final String PROCESS_START = "process_start";
    public static final String PROCESS_STOP = "process_stop";
    public static final String UPSTREAM_UP = "upstream_up";
    public static final String UPSTREAM_DOWN = "upstream_down";
    public static final String UPSTREAM_SWITCHED = "upstream_switched";
    public static final String SHARE_FORWARDED = "share_forwarded";
    public static final String SHARE_RESULT = "share_result";
    public static final String POOL_SWITCHED = "pool_switched";
    public static final String JOB_FORWARDED = "job_forwarded";

    /** File name suffix after the process name. */
    public static final String SUFFIX = ".events.jsonl";

    private static final DateTimeFormatter TIMESTAMP =
            DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final JsonFactory FACTORY = MAPPER.getFactory();

    private final String process;
    private final OutputStream out;
    private final Path file;
    private final Clock clock;
    private final AtomicLong dropped = new AtomicLong();
    private final AtomicLong queueDropped = new AtomicLong();
    private volatile boolean failed;
    /** Pending events of an asynchronous log, else null. */
    private BlockingQueue<Pending> queue;
    private Thread writer;
    private volatile boolean closed;

    /** Default capacity of the asynchronous queue. */
    public static final int DEFAULT_QUEUE = 8192;

    private static volatile EventLog global = disabled();

    private record Pending(Instant ts, String type, Map<String, ?> fields) {
    }

    private static final Pending END = new Pending(Instant.EPOCH, "", Map.of());

    /** The process's event log (disabled until {@link #setGlobal} is called). */
    public static EventLog global() {
        return global;
    }

    /** Installs the process's event log for {@link #global()}. */
    public static void setGlobal(EventLog log) {
        global = log == null ? disabled() : log;
    }

    private EventLog(String process, OutputStream out, Path file, Clock clock) {
        this.process = process;
        this.out = out;
        this.file = file;
        this.clock = clock;
    }

    /** An event log that drops everything (logjson off). */
    public static EventLog disabled() {
        return new EventLog("", null, null, Clock.systemUTC());
    }

    /** Opens (appending, creating the directory if needed) {@code <logDir>/<process>.events.jsonl}. */
    public static EventLog open(Path logDir, String process) throws IOException {
        return open(logDir, process, Clock.systemUTC());
    }

    public static EventLog open(Path logDir, String process, Clock clock) throws IOException {
        if (process == null || process.isEmpty() || process.contains("/") || process.contains("\\")) {
            throw new IllegalArgumentException("event log process name must be a plain file name part: " + process);
        }
        Files.createDirectories(logDir);
        Path file = logDir.resolve(process + SUFFIX);
        OutputStream stream = new BufferedOutputStream(Files.newOutputStream(file, StandardOpenOption.CREATE,
                StandardOpenOption.APPEND, StandardOpenOption.WRITE), 8192);
        return new EventLog(process, stream, file, clock);
    }

    /** An asynchronous log (see the class comment) over {@link #open}, with a queue of {@code capacity} events. */
    public static EventLog openAsync(Path logDir, String process, int capacity) throws IOException {
        return open(logDir, process).startWriter(capacity);
    }

    /** {@link #openAsync} when {@code enabled} (the "logjson" key), else {@link #disabled()}. */
    public static EventLog forConfig(boolean enabled, Path logDir, String process) throws IOException {
        return enabled ? openAsync(logDir, process, DEFAULT_QUEUE) : disabled();
    }

    /** An asynchronous log over any stream (tests use a stream that stalls like a hung disk). */
    static EventLog asyncOver(OutputStream out, String process, int capacity) {
        return new EventLog(process, out, null, Clock.systemUTC()).startWriter(capacity);
    }

    private EventLog startWriter(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("event queue capacity must be positive: " + capacity);
        }
        queue = new ArrayBlockingQueue<>(capacity);
        writer = new Thread(this::drain, process + "-events");
        writer.setDaemon(true);
        writer.start();
        return this;
    }

    private void drain() {
        try {
            while (true) {
                Pending p = queue.take();
                if (p == END) {
                    return;
                }
                write(p.ts(), p.type(), p.fields());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** True when events are queued and written by a background thread. */
    public boolean asynchronous() {
        return queue != null;
    }

    /** Events dropped because the asynchronous queue was full (the caller was never made to wait). */
    public long queueDropped() {
        return queueDropped.get();
    }

    public boolean enabled() {
        return out != null;
    }

    /** The file written, or null when disabled. */
    public Path file() {
        return file;
    }

    /** Events lost to I/O errors. */
    public long dropped() {
        return dropped.get();
    }

    /**
     * Logs one event with alternating field names and values, e.g.
     * {@code event(SHARE_REJECTED, "worker", name, "reason", "stale", "diff", 42.0)}. Values may be strings,
     * numbers, booleans, null, maps, lists or records (written as JSON by Jackson).
     */
    public void event(String type, Object... namesAndValues) {
        if (out == null) {
            return;
        }
        if (namesAndValues.length % 2 != 0) {
            throw new IllegalArgumentException("event fields must come in name/value pairs, got "
                    + namesAndValues.length + " items");
        }
        Map<String, Object> fields = new LinkedHashMap<>();
        for (int i = 0; i < namesAndValues.length; i += 2) {
            fields.put(String.valueOf(namesAndValues[i]), namesAndValues[i + 1]);
        }
        submit(type, fields);
    }

    /** Logs one event with the given fields (reserved names ts, event and process are ignored in it). */
    public void event(String type, Map<String, ?> fields) {
        if (out == null) {
            return;
        }
        submit(type, queue == null ? fields : new LinkedHashMap<>(fields)); // the caller may change its map later
    }

    /** Queues (asynchronous log) or writes an event whose field map nobody else holds. */
    private void submit(String type, Map<String, ?> fields) {
        BlockingQueue<Pending> q = queue;
        if (q != null) {
            if (closed || !q.offer(new Pending(clock.instant(), type, fields))) {
                queueDropped.incrementAndGet();
            }
            return;
        }
        write(clock.instant(), type, fields);
    }

    private void write(Instant now, String type, Map<String, ?> fields) {
        byte[] line;
        try {
            line = encode(now, type, fields);
        } catch (IOException | RuntimeException e) {
            // A field Jackson cannot write: keep the event, with the field as text.
            Map<String, Object> asText = new LinkedHashMap<>();
            fields.forEach((k, v) -> asText.put(k, String.valueOf(v)));
            try {
                line = encode(now, type, asText);
            } catch (IOException e2) {
                dropped.incrementAndGet();
                return;
            }
        }
        synchronized (this) {
            try {
                out.write(line);
                out.flush();
            } catch (IOException e) {
                dropped.incrementAndGet();
                if (!failed) {
                    failed = true;
                    System.err.println("event log " + file + ": cannot write (" + e.getMessage()
                            + "); further events are dropped until it works again");
                }
                return;
            }
            failed = false;
        }
    }

    private byte[] encode(Instant now, String type, Map<String, ?> fields) throws IOException {
        ByteArrayOutputStream buffer = new ByteArrayOutputStream(160);
        try (JsonGenerator gen = FACTORY.createGenerator(buffer, JsonEncoding.UTF8)) {
            gen.setCodec(MAPPER);
            gen.writeStartObject();
            gen.writeStringField("ts", TIMESTAMP.format(now));
            gen.writeStringField("event", type);
            gen.writeStringField("process", process);
            for (Map.Entry<String, ?> field : fields.entrySet()) {
                String name = field.getKey();
                if (name.equals("ts") || name.equals("event") || name.equals("process")) {
                    continue;
                }
                gen.writeFieldName(name);
                Object value = field.getValue();
                if (value instanceof Instant instant) {
                    gen.writeString(TIMESTAMP.format(instant));
                } else {
                    gen.writeObject(value);
                }
            }
            gen.writeEndObject();
        }
        buffer.write('\n');
        return buffer.toByteArray();
    }

    /** Writes what is queued (waiting up to a second for an asynchronous log), then closes the file. */
    @Override
    public void close() {
        if (out == null) {
            return;
        }
        if (queue != null && !closed) {
            closed = true;
            try {
                if (queue.offer(END, 1, TimeUnit.SECONDS)) {
                    writer.join(1_000);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        closed = true;
        closeFile();
    }

    private synchronized void closeFile() {
        try {
            out.close();
        } catch (IOException e) {
            System.err.println("event log " + file + ": close failed: " + e.getMessage());
        }
    }
}
