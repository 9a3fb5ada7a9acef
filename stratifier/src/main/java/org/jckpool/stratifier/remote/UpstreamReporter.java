package org.jckpool.stratifier.remote;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.jckpool.libpool.json.Json;
import org.jckpool.libpool.log.Log;
import org.jckpool.libpool.net.HostPort;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.function.Consumer;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A trusted remote's one connection to its upstream pool (ckpool's {@code -t} with {@code upstream}). One thread
 * connects, says {@code mining.remote} with the remote's id, needs {@code {"result": true}} within
 * {@link #HANDSHAKE_MILLIS}, then sends the {@link RemoteOutbox}'s messages in seq order from the last acked one
 * on, and new ones as they are appended; a reader thread takes the upstream's acks into the outbox. When the
 * upstream is away or refuses, the pool keeps mining, the outbox keeps filling and the thread tries again every
 * {@link #RETRY_MILLIS}; on reconnect everything after the last ack is sent again (the upstream drops what it
 * already accounted by seq).
 */
public final class UpstreamReporter implements AutoCloseable {
    static final int HANDSHAKE_MILLIS = 10_000;
    static final long RETRY_MILLIS = 5_000;
    static final long PING_MILLIS = 30_000;
    private static final int BATCH = 512;

    private final HostPort upstream;
    private final String agent;
    private final String remoteId;
    private final RemoteOutbox outbox;
    private final long retryMillis;
    private final Thread thread;
    private final AtomicLong connects = new AtomicLong();
    private volatile boolean closed;
    private volatile Socket socket;
    private volatile boolean connected;
    /** Epoch seconds the current connection was accepted, 0 while not connected. */
    private volatile long connectedSince;
    private volatile String lastError = "";
    private volatile Runnable onConnected = () -> {
    };
    private volatile Consumer<JsonNode> authResults = n -> Log.info("auth.result with no authoriser: %s", n);

    public UpstreamReporter(HostPort upstream, String agent, String remoteId, RemoteOutbox outbox) {
        this(upstream, agent, remoteId, outbox, RETRY_MILLIS);
    }

    UpstreamReporter(HostPort upstream, String agent, String remoteId, RemoteOutbox outbox, long retryMillis) {
        this.retryMillis = retryMillis;
        this.upstream = upstream;
        this.agent = agent;
        this.remoteId = remoteId;
        this.outbox = outbox;
        this.thread = new Thread(this::run, "remote-upstream");
        thread.setDaemon(true);
    }

    public void start() {
        thread.start();
    }

    /**
     * A message to send now if the upstream is connected, not kept (statistics: a later one supersedes it; an
     * authorisation is decided here when it cannot go). False when it was not written.
     */
    public boolean sendIfConnected(ObjectNode msg) {
        Socket s = socket;
        if (s == null || !connected) {
            return false;
        }
        try {
            write(s, msg.toString());
            return true;
        } catch (IOException e) {
            lost(s, "write: " + e.getMessage());
            return false;
        }
    }

    /** Run on the reporter's thread each time the link is up, before the outbox is sent. */
    public void onConnected(Runnable r) {
        this.onConnected = r;
    }

    /** Who hears the upstream's {@code auth.result} lines. */
    public void authResults(Consumer<JsonNode> c) {
        this.authResults = c;
    }

    private void run() {
        while (!closed) {
            Socket s = null;
            try {
                s = connect();
                serve(s);
            } catch (IOException e) {
                if (!closed) {
                    lastError = e.getMessage();
                    Log.warning("Upstream pool %s: %s; mining on, %d messages kept in the outbox, retrying in %d s",
                            upstream, e.getMessage(), outbox.pendingCount(), retryMillis / 1000);
                }
            } catch (InterruptedException e) {
                return;
            } finally {
                connected = false;
                socket = null;
                if (s != null) {
                    closeQuietly(s);
                }
            }
            if (closed) {
                return;
            }
            try {
                Thread.sleep(retryMillis); // back-off between attempts, not a wait for a condition
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    private Socket connect() throws IOException {
        Socket s = new Socket();
        try {
            s.connect(new InetSocketAddress(upstream.host(), upstream.port()), HANDSHAKE_MILLIS);
            s.setTcpNoDelay(true);
            s.setKeepAlive(true);
            write(s, RemoteProtocol.hello(agent, remoteId));
            s.setSoTimeout(HANDSHAKE_MILLIS);
            BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8));
            String reply = in.readLine();
            JsonNode r = reply == null ? null : Json.parseOrNull(reply);
            if (r == null || !r.path("result").asBoolean(false)) {
                throw new IOException("denied the trusted connection (" + (reply == null ? "closed" : reply) + ")");
            }
            s.setSoTimeout(0);
            Thread reader = new Thread(() -> read(s, in), "remote-upstream-reader");
            reader.setDaemon(true);
            socket = s;
            connectedSince = System.currentTimeMillis() / 1000;
            connected = true;
            connects.incrementAndGet();
            lastError = "";
            Log.warning("Connected to upstream server %s as trusted remote %s; %d messages owed after seq %d",
                    upstream, remoteId, outbox.pendingCount(), outbox.acked());
            reader.start();
            onConnected.run();
            return s;
        } catch (IOException e) {
            closeQuietly(s);
            throw e;
        }
    }

    private void serve(Socket s) throws IOException, InterruptedException {
        long sent = outbox.acked();
        long lastWrite = System.currentTimeMillis();
        while (!closed && connected && socket == s) {
            List<RemoteOutbox.Entry> batch = outbox.after(sent, BATCH);
            if (batch.isEmpty()) {
                if (!outbox.awaitAfter(sent, 1_000) && System.currentTimeMillis() - lastWrite >= PING_MILLIS) {
                    write(s, "{\"method\":\"" + RemoteProtocol.PING + "\"}");
                    lastWrite = System.currentTimeMillis();
                }
                continue;
            }
            StringBuilder sb = new StringBuilder();
            for (RemoteOutbox.Entry e : batch) {
                sb.append(e.line()).append('\n');
            }
            synchronized (s) {
                OutputStream out = s.getOutputStream();
                out.write(sb.toString().getBytes(StandardCharsets.UTF_8));
                out.flush();
            }
            sent = batch.get(batch.size() - 1).seq();
            lastWrite = System.currentTimeMillis();
        }
        if (!closed) {
            throw new IOException("connection lost");
        }
    }

    private void read(Socket s, BufferedReader in) {
        try {
            String line;
            while ((line = in.readLine()) != null) {
                JsonNode n = Json.parseOrNull(line);
                String method = n == null ? "" : n.path("method").asText("");
                if (RemoteProtocol.ACK.equals(method) && n.path("seq").canConvertToLong()) {
                    outbox.ack(n.get("seq").asLong());
                } else if (RemoteProtocol.AUTH_RESULT.equals(method)) {
                    authResults.accept(n);
                } else if (!"pong".equals(method)) {
                    Log.info("Upstream pool %s sent '%s', ignored", upstream, line.length() > 200
                            ? line.substring(0, 200) + "..." : line);
                }
            }
            lost(s, "closed by the upstream");
        } catch (IOException e) {
            lost(s, e.getMessage());
        }
    }

    private void lost(Socket s, String why) {
        if (socket == s && connected) {
            connected = false;
            if (!closed) {
                Log.warning("Upstream pool %s failed (%s), caching messages until it is back", upstream, why);
            }
        }
        closeQuietly(s);
    }

    private static void write(Socket s, String line) throws IOException {
        synchronized (s) {
            OutputStream out = s.getOutputStream();
            out.write((line + "\n").getBytes(StandardCharsets.UTF_8));
            out.flush();
        }
    }

    private static void closeQuietly(Socket s) {
        try {
            s.close();
        } catch (IOException ignored) {
            // closing anyway
        }
    }

    public boolean connected() {
        return connected;
    }

    /** For stats: {upstream, id, connected, connected_since, connects, acked, last_seq, pending, dropped, error}. */
    public ObjectNode json() {
        ObjectNode n = Json.object();
        n.put("upstream", upstream.toString());
        n.put("id", remoteId);
        boolean on = connected;
        n.put("connected", on);
        n.put("connected_since", on ? connectedSince : 0);
        n.put("connects", connects.get());
        n.put("acked", outbox.acked());
        n.put("last_seq", outbox.lastSeq());
        n.put("pending", outbox.pendingCount());
        n.put("dropped", outbox.dropped());
        n.put("error", lastError);
        return n;
    }

    @Override
    public void close() {
        closed = true;
        Socket s = socket;
        if (s != null) {
            closeQuietly(s);
        }
        thread.interrupt();
        outbox.close();
    }
}
