package org.jckpool.itests;

import com.fasterxml.jackson.databind.JsonNode;
import org.jckpool.libpool.bitcoin.Hex;
import org.jckpool.libpool.bitcoin.Sha256d;
import org.jckpool.libpool.bitcoin.Target;
import org.jckpool.libpool.json.Json;
import org.jckpool.testkit.Await;
import org.jckpool.libpool.stratum.Notify;
import org.jckpool.libpool.stratum.StratumCodec;
import org.jckpool.testminer.stratum.MiningJob;
import org.jckpool.testminer.work.HeaderBuilder;
import org.jckpool.testminer.work.ShareTarget;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/**
 * A raw Stratum client for the reject-path tests: writes exactly the lines a test gives it and records every line
 * the pool sends (a reader thread), so tests can wait for a reply by id or for a push.
 */
final class StratumTestClient implements AutoCloseable {
    private final Socket socket;
    private final OutputStream out;
    private final List<JsonNode> received = new ArrayList<>();
    private volatile boolean eof;
    private int nextId = 1;
    String extranonce1;
    int extranonce2Size;
    double difficulty = Double.NaN;

    StratumTestClient(int port) throws IOException {
        socket = new Socket();
        socket.connect(new InetSocketAddress("127.0.0.1", port), 3000);
        out = socket.getOutputStream();
        Thread t = new Thread(this::readLoop, "stratum-test-client");
        t.setDaemon(true);
        t.start();
    }

    private void readLoop() {
        try (InputStream in = socket.getInputStream()) {
            StringBuilder line = new StringBuilder();
            int c;
            while ((c = in.read()) >= 0) {
                if (c == '\n') {
                    JsonNode n = Json.parseOrNull(line.toString());
                    synchronized (received) {
                        received.add(n == null ? Json.MAPPER.getNodeFactory().textNode(line.toString()) : n);
                        if (n != null && "mining.set_difficulty".equals(Json.text(n, "method"))) {
                            difficulty = n.path("params").path(0).asDouble();
                        }
                        received.notifyAll();
                    }
                    line.setLength(0);
                } else {
                    line.append((char) c);
                }
            }
        } catch (IOException e) {
            // the pool closed the connection, or the test did
        } finally {
            eof = true;
            synchronized (received) {
                received.notifyAll();
            }
        }
    }

    int localPort() {
        return socket.getLocalPort();
    }

    void sendLine(String line) throws IOException {
        out.write((line + "\n").getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    /** Sends a request with the next id and returns the reply with that id. */
    JsonNode request(String method, String paramsJson) throws IOException, InterruptedException {
        int id = nextId++;
        sendLine("{\"id\":" + id + ",\"method\":\"" + method + "\",\"params\":" + paramsJson + "}");
        JsonNode reply = await(n -> n.path("id").asInt(-1) == id && !n.has("method"), 5000, 0);
        if (reply == null) {
            throw new AssertionError("no reply to " + method + " id " + id + "; got " + snapshot());
        }
        return reply;
    }

    void subscribeAndAuthorize(String worker) throws IOException, InterruptedException {
        JsonNode sub = request("mining.subscribe", "[\"itest/1\"]");
        extranonce1 = sub.path("result").path(1).asText();
        extranonce2Size = sub.path("result").path(2).asInt();
        JsonNode auth = request("mining.authorize", "[\"" + worker + "\",\"x\"]");
        if (!auth.path("result").asBoolean()) {
            throw new AssertionError("authorize failed: " + auth);
        }
    }

    /** The first message from index {@code from} on that matches, waiting up to timeoutMs; null if none. */
    JsonNode await(Predicate<JsonNode> p, long timeoutMs, int from) throws InterruptedException {
        long deadline = System.currentTimeMillis() + timeoutMs;
        synchronized (received) {
            while (true) {
                for (int i = from; i < received.size(); i++) {
                    if (p.test(received.get(i))) {
                        return received.get(i);
                    }
                }
                long left = deadline - System.currentTimeMillis();
                if (left <= 0 || eof) {
                    return null;
                }
                received.wait(Math.min(left, 100));
            }
        }
    }

    int count() {
        synchronized (received) {
            return received.size();
        }
    }

    List<JsonNode> snapshot() {
        synchronized (received) {
            return List.copyOf(received);
        }
    }

    /** The latest mining.notify received, waiting for one. */
    JsonNode latestNotify(long timeoutMs) throws InterruptedException {
        if (await(StratumTestClient::isNotify, timeoutMs, 0) == null) {
            throw new AssertionError("no mining.notify: " + snapshot());
        }
        List<JsonNode> all = snapshot();
        for (int i = all.size() - 1; i >= 0; i--) {
            if (isNotify(all.get(i))) {
                return all.get(i);
            }
        }
        throw new AssertionError("unreachable");
    }

    static boolean isNotify(JsonNode n) {
        return "mining.notify".equals(Json.text(n, "method"));
    }

    boolean awaitClosed(long timeoutMs) throws Exception {
        return Await.within(timeoutMs, () -> eof);
    }

    /** A share found by grinding nonces on a job. */
    record Share(String jobId, String en2, String ntime, String nonce, byte[] hash) {
        String params(String worker) {
            return "[\"" + worker + "\",\"" + jobId + "\",\"" + en2 + "\",\"" + ntime + "\",\"" + nonce + "\"]";
        }
    }

    /**
     * Grinds nonces (extranonce2 = counter) for the job in {@code notify} until a hash satisfies {@code wanted}
     * (given whether it meets the share target at {@code difficulty} and whether it meets the network target).
     */
    Share grind(JsonNode notify, long en2Counter, ShareWanted wanted) throws Exception {
        MiningJob job = MiningJob.from(Notify.parse(StratumCodec.parse(notify.toString())));
        byte[] en1 = Hex.decode(extranonce1);
        byte[] en2 = HeaderBuilder.extranonce2(en2Counter, extranonce2Size);
        ShareTarget share = ShareTarget.ofDifficulty(difficulty);
        var network = Target.fromCompact(job.nbits());
        for (long nonce = 0; nonce < 50_000_000L; nonce++) {
            byte[] hash = Sha256d.hash(HeaderBuilder.header(job, en1, en2, job.version(), nonce));
            if (wanted.test(share.isMetBy(hash), Target.meets(hash, network))) {
                return new Share(job.jobId(), Hex.encode(en2), String.format("%08x", job.ntime()),
                        String.format("%08x", nonce), hash);
            }
        }
        throw new AssertionError("no nonce found");
    }

    @FunctionalInterface
    interface ShareWanted {
        boolean test(boolean meetsShareTarget, boolean meetsNetworkTarget);
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
