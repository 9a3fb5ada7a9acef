package org.jckpool.itests;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicInteger;

import com.fasterxml.jackson.databind.JsonNode;
import org.jckpool.libpool.json.Json;

/**
 * A miner as a pool sees one during a restart: subscribes, authorises, submits (fake shares: every submit gets an
 * answer) every {@code submitEveryMs}, and when the pool drops it reconnects at once and subscribes with its
 * session id (its extranonce1) to resume. Counts refused connects, remembers whether its extranonce1 changed, the
 * longest time without an answer, and when it was last subscribed again.
 */
final class ResumingMiner implements AutoCloseable {
    private final int port;
    private final String worker;
    private final int submitEveryMs;
    private final Thread thread;
    private volatile boolean running = true;
    private volatile Socket socket;

    volatile String firstExtranonce1;
    volatile String extranonce1;
    volatile boolean authorised;
    volatile long lastAnswerMillis;
    volatile long longestSilenceMillis;
    volatile long resubscribedMillis;
    final AtomicInteger refusedConnects = new AtomicInteger();
    final AtomicInteger failedConnects = new AtomicInteger();
    final AtomicInteger connections = new AtomicInteger();
    final AtomicInteger extranonceChanges = new AtomicInteger();

    ResumingMiner(int port, String worker, int submitEveryMs) {
        this.port = port;
        this.worker = worker;
        this.submitEveryMs = submitEveryMs;
        this.thread = new Thread(this::run, "miner-" + worker);
        this.thread.setDaemon(true);
        this.thread.start();
    }

    /** Forget the silences so far (call when the measured part starts). */
    void startMeasuring() {
        lastAnswerMillis = System.currentTimeMillis();
        longestSilenceMillis = 0;
    }

    /** The longest silence including the one going on now. */
    long longestSilence() {
        return Math.max(longestSilenceMillis, System.currentTimeMillis() - lastAnswerMillis);
    }

    private void run() {
        while (running) {
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", port), 5000);
                socket = s;
                connections.incrementAndGet();
                session(s);
            } catch (ConnectException e) {
                refusedConnects.incrementAndGet();
                pause(20);
            } catch (IOException e) {
                if (socket == null) {
                    failedConnects.incrementAndGet();
                    pause(20);
                }
            } finally {
                socket = null;
                authorised = false;
            }
        }
    }

    private void session(Socket s) throws IOException {
        s.setSoTimeout(submitEveryMs);
        s.setTcpNoDelay(true);
        OutputStream out = s.getOutputStream();
        BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8));
        String session = extranonce1 == null ? "" : ",\"" + extranonce1 + "\"";
        send(out, "{\"id\":1,\"method\":\"mining.subscribe\",\"params\":[\"resuming-miner/1\"" + session + "]}");
        send(out, "{\"id\":2,\"method\":\"mining.authorize\",\"params\":[\"" + worker + "\",\"x\"]}");
        long nextSubmit = System.currentTimeMillis() + submitEveryMs;
        int id = 3;
        while (running) {
            String line;
            try {
                line = in.readLine();
            } catch (SocketTimeoutException e) {
                line = "";
            }
            if (line == null) {
                return; // dropped: reconnect
            }
            long now = System.currentTimeMillis();
            if (!line.isEmpty()) {
                answer(Json.parseOrNull(line), now);
            }
            if (authorised && now >= nextSubmit) {
                send(out, "{\"id\":" + id++ + ",\"method\":\"mining.submit\",\"params\":[\"" + worker
                        + "\",\"ffffffff\",\"0000000000000000\",\"00000000\",\"00000000\"]}");
                nextSubmit = now + submitEveryMs;
            }
        }
    }

    private void answer(JsonNode n, long now) {
        if (n == null || n.path("id").isNull() || n.path("id").isMissingNode()) {
            return; // notifications are not answers
        }
        longestSilenceMillis = Math.max(longestSilenceMillis, now - lastAnswerMillis);
        lastAnswerMillis = now;
        int id = n.path("id").asInt();
        if (id == 1 && n.path("result").isArray()) {
            String en1 = n.path("result").path(1).asText();
            if (firstExtranonce1 == null) {
                firstExtranonce1 = en1;
            } else if (!en1.equals(extranonce1)) {
                extranonceChanges.incrementAndGet();
            }
            extranonce1 = en1;
            resubscribedMillis = now;
        } else if (id == 2) {
            authorised = n.path("result").asBoolean();
        }
    }

    private static void send(OutputStream out, String line) throws IOException {
        out.write((line + "\n").getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    /** The miner's pace between connect attempts, as a real miner retrying (not a wait for a condition). */
    private static void pause(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        running = false;
        Socket s = socket;
        if (s != null) {
            try {
                s.close();
            } catch (IOException ignored) {
                // closing
            }
        }
    }
}
