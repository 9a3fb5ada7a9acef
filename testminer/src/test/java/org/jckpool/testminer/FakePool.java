package org.jckpool.testminer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.math.BigInteger;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntFunction;
import org.jckpool.libpool.bitcoin.BlockHeader;
import org.jckpool.libpool.bitcoin.Hex;
import org.jckpool.libpool.bitcoin.Merkle;
import org.jckpool.libpool.bitcoin.Sha256d;
import org.jckpool.libpool.bitcoin.StratumEncoding;
import org.jckpool.libpool.bitcoin.Target;

/**
 * A scripted Stratum v1 pool on 127.0.0.1 (port 0) for tests: answers configure/subscribe/authorize, sends
 * set_difficulty and the current job, and checks every mining.submit the way a pool must (docs/PROTOCOL.md §2.3, §9):
 * job known and active, field encodings, extranonce2 length, ntime, version bits inside the mask, hash against the
 * difficulty the job was sent with, duplicates. One thread per connection (fine for a few hundred).
 */
public final class FakePool implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** A job in mining.notify form. */
    public record Job(String id, String prevHash, String coinb1, String coinb2, List<String> branch, String version,
                      String nbits, String ntime) {
        public String notifyLine(boolean clean) {
            ObjectNode o = JSON.createObjectNode();
            o.putNull("id");
            o.put("method", "mining.notify");
            ArrayNode p = o.putArray("params");
            p.add(id).add(prevHash).add(coinb1).add(coinb2);
            ArrayNode b = p.addArray();
            branch.forEach(b::add);
            p.add(version).add(nbits).add(ntime).add(clean);
            return o.toString();
        }

        public Job withId(String newId) {
            return new Job(newId, prevHash, coinb1, coinb2, branch, version, nbits, ntime);
        }

        public Job withPrevHash(String newPrev) {
            return new Job(id, newPrev, coinb1, coinb2, branch, version, nbits, ntime);
        }

        public Job withNbits(String newBits) {
            return new Job(id, prevHash, coinb1, coinb2, branch, version, newBits, ntime);
        }
    }

    public static Job vectorC() {
        return new Job(VectorC.JOB_ID, VectorC.PREVHASH, VectorC.COINB1, VectorC.COINB2,
                List.of(VectorC.BRANCH0, VectorC.BRANCH1), VectorC.VERSION, VectorC.NBITS, VectorC.NTIME);
    }

    /** One mining.submit as the pool saw it and judged it. */
    public record Submit(int client, String extranonce1, JsonNode params, boolean accepted, String reason,
                         String hashRpc, double jobDifficulty, long receivedNanos) {
        public String jobId() {
            return params.get(1).asText();
        }

        public String extranonce2() {
            return params.get(2).asText();
        }

        public String ntime() {
            return params.get(3).asText();
        }

        public String nonce() {
            return params.get(4).asText();
        }

        public String versionBits() {
            return params.size() > 5 ? params.get(5).asText() : null;
        }
    }

    public enum RejectStyle { STANDARD, CKPOOL }

    public volatile double difficulty = 1.0;
    /** When set, shares are judged at this difficulty instead of the one sent with the job. */
    public volatile Double judgeAt;
    /** Mask granted to mining.configure; null refuses version rolling. */
    public volatile String grantMask = "1fffe000";
    public volatile RejectStyle rejectStyle = RejectStyle.STANDARD;
    public volatile boolean authorizeOk = true;
    public volatile boolean sendJobOnAuthorize = true;
    /** Lines sent right after authorize, before set_difficulty and the job (for malformed-input tests). */
    public final List<String> greeting = new CopyOnWriteArrayList<>();
    public volatile IntFunction<String> extranonce1 = i -> i == 0 ? VectorC.EXTRANONCE1 : String.format("%08x", 0x10000000 + i);
    public volatile int extranonce2Size = VectorC.EXTRANONCE2_SIZE;

    public final ConcurrentLinkedQueue<Submit> submits = new ConcurrentLinkedQueue<>();
    public final ConcurrentLinkedQueue<JsonNode> subscribeParams = new ConcurrentLinkedQueue<>();
    public final ConcurrentLinkedQueue<JsonNode> requests = new ConcurrentLinkedQueue<>();
    public final AtomicInteger connections = new AtomicInteger();

    private final ServerSocket server;
    private final Thread acceptor;
    private final List<Client> clients = new CopyOnWriteArrayList<>();
    private final Map<String, Job> jobs = new ConcurrentHashMap<>();
    private final Set<String> activeJobs = ConcurrentHashMap.newKeySet();
    private volatile Job current;
    private volatile boolean closed;

    public FakePool(Job first) throws IOException {
        current = first;
        jobs.put(first.id(), first);
        activeJobs.add(first.id());
        server = new ServerSocket(0, 1000, InetAddress.getLoopbackAddress());
        acceptor = new Thread(this::acceptLoop, "fakepool-accept");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    public int port() {
        return server.getLocalPort();
    }

    public String url() {
        return "stratum+tcp://127.0.0.1:" + port();
    }

    public List<Submit> submitList() {
        return new ArrayList<>(submits);
    }

    public int clientCount() {
        return (int) clients.stream().filter(c -> !c.socket.isClosed()).count();
    }

    /** New job to every authorized client (set_difficulty first when it changed). */
    public void broadcastJob(Job job, boolean clean) {
        jobs.put(job.id(), job);
        if (clean) {
            activeJobs.clear();
        }
        activeJobs.add(job.id());
        current = job;
        for (Client c : clients) {
            if (c.authorized) {
                c.sendJob(job, clean);
            }
        }
    }

    /** Changes the difficulty for the jobs sent from now on and tells every authorized client. */
    public void broadcastDifficulty(double d) {
        difficulty = d;
        for (Client c : clients) {
            if (c.authorized) {
                c.sendDifficulty(d);
            }
        }
    }

    public void sendToAll(String line) {
        for (Client c : clients) {
            c.send(line);
        }
    }

    /** Closes every client connection (the miner sees a disconnect). */
    public void dropClients() {
        for (Client c : clients) {
            c.close();
        }
    }

    @Override
    public void close() throws IOException {
        closed = true;
        server.close();
        dropClients();
    }

    private void acceptLoop() {
        while (!closed) {
            try {
                Socket s = server.accept();
                s.setTcpNoDelay(true);
                Client c = new Client(s, connections.getAndIncrement());
                clients.add(c);
                Thread t = new Thread(c, "fakepool-client-" + c.index);
                t.setDaemon(true);
                t.start();
            } catch (IOException e) {
                return;
            }
        }
    }

    private final class Client implements Runnable {
        final Socket socket;
        final int index;
        final Map<String, Double> jobDifficulty = new ConcurrentHashMap<>();
        final Set<String> seen = ConcurrentHashMap.newKeySet();
        volatile boolean authorized;
        String en1;
        long mask;
        String worker;
        double sentDifficulty = Double.NaN;
        private OutputStream out;

        Client(Socket socket, int index) {
            this.socket = socket;
            this.index = index;
        }

        @Override
        public void run() {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8))) {
                out = socket.getOutputStream();
                String line;
                while ((line = in.readLine()) != null) {
                    handle(line);
                }
            } catch (IOException e) {
                // connection closed
            } finally {
                close();
            }
        }

        synchronized void send(String line) {
            try {
                if (out != null) {
                    out.write((line + "\n").getBytes(StandardCharsets.UTF_8));
                    out.flush();
                }
            } catch (IOException e) {
                close();
            }
        }

        void close() {
            try {
                socket.close();
            } catch (IOException ignored) {
                // closing
            }
        }

        synchronized void sendDifficulty(double d) {
            sentDifficulty = d;
            send("{\"id\":null,\"method\":\"mining.set_difficulty\",\"params\":[" + d + "]}");
        }

        synchronized void sendJob(Job job, boolean clean) {
            if (sentDifficulty != difficulty) {
                sendDifficulty(difficulty);
            }
            jobDifficulty.put(job.id(), sentDifficulty);
            send(job.notifyLine(clean));
        }

        private void reply(JsonNode id, Object result) {
            ObjectNode o = JSON.createObjectNode();
            o.set("id", id);
            o.set("result", JSON.valueToTree(result));
            o.putNull("error");
            send(o.toString());
        }

        private void reject(JsonNode id, int code, String message, String ckpoolReason) {
            ObjectNode o = JSON.createObjectNode();
            o.set("id", id);
            if (rejectStyle == RejectStyle.CKPOOL) {
                o.put("result", false);
                o.putNull("error");
                o.put("reject-reason", ckpoolReason);
            } else {
                o.putNull("result");
                o.putArray("error").add(code).add(message).addNull();
            }
            send(o.toString());
        }

        private void handle(String line) throws IOException {
            JsonNode m = JSON.readTree(line);
            requests.add(m);
            JsonNode id = m.get("id");
            JsonNode p = m.path("params");
            switch (m.path("method").asText()) {
                case "mining.configure" -> {
                    ObjectNode r = JSON.createObjectNode();
                    if (grantMask != null) {
                        long asked = Long.parseLong(p.path(1).path("version-rolling.mask").asText("ffffffff"), 16);
                        mask = asked & Long.parseLong(grantMask, 16);
                        r.put("version-rolling", true);
                        r.put("version-rolling.mask", StratumEncoding.hex32(mask));
                    } else {
                        r.put("version-rolling", false);
                    }
                    reply(id, r);
                }
                case "mining.subscribe" -> {
                    subscribeParams.add(p);
                    en1 = extranonce1.apply(index);
                    String sid = "s" + en1;
                    ArrayNode r = JSON.createArrayNode();
                    ArrayNode subs = r.addArray();
                    subs.addArray().add("mining.set_difficulty").add(sid);
                    subs.addArray().add("mining.notify").add(sid);
                    r.add(en1).add(extranonce2Size);
                    ObjectNode o = JSON.createObjectNode();
                    o.set("id", id);
                    o.set("result", r);
                    o.putNull("error");
                    send(o.toString());
                }
                case "mining.authorize" -> {
                    worker = p.path(0).asText();
                    if (!authorizeOk) {
                        reject(id, 24, "Unauthorized worker", "Unauthorized");
                        return;
                    }
                    reply(id, true);
                    greeting.forEach(this::send);
                    authorized = true;
                    if (sendJobOnAuthorize) {
                        sendJob(current, true);
                    }
                }
                case "mining.submit" -> submit(id, p);
                default -> reply(id, true);
            }
        }

        /** Set en1 for later submits (after the test sent mining.set_extranonce to this client). */
        private void submit(JsonNode id, JsonNode p) {
            String verdict = check(p);
            boolean ok = verdict == null;
            String hash = ok || verdict.startsWith("Low") || verdict.startsWith("Duplicate") ? lastHash : null;
            Job job = jobs.get(p.path(1).asText());
            double jd = job == null ? Double.NaN : jobDifficulty.getOrDefault(job.id(), Double.NaN);
            submits.add(new Submit(index, en1, p, ok, verdict, hash, jd, System.nanoTime()));
            if (ok) {
                reply(id, true);
            } else {
                int code = verdict.startsWith("Job") ? 21 : verdict.startsWith("Duplicate") ? 22
                        : verdict.startsWith("Low") ? 23 : 20;
                String ck = code == 21 ? "Stale" : code == 22 ? "Duplicate" : code == 23 ? "Above target" : "Invalid";
                reject(id, code, verdict, ck);
            }
        }

        private String lastHash;

        /** Null when the share is good, else the reason. */
        private String check(JsonNode p) {
            lastHash = null;
            if (!p.isArray() || p.size() < 5 || p.size() > 6) {
                return "Other/Unknown: param count " + p.size();
            }
            for (JsonNode n : p) {
                if (!n.isTextual()) {
                    return "Other/Unknown: non-string param";
                }
            }
            if (!p.get(0).asText().equals(worker)) {
                return "Unauthorized worker";
            }
            Job job = jobs.get(p.get(1).asText());
            if (job == null || !activeJobs.contains(job.id())) {
                return "Job not found";
            }
            String en2 = p.get(2).asText();
            if (en2.length() != 2 * extranonce2Size || !en2.matches("[0-9a-f]+")) {
                return "Other/Unknown: extranonce2 " + en2;
            }
            for (int i = 3; i < p.size(); i++) {
                if (!p.get(i).asText().matches("[0-9a-f]{8}")) {
                    return "Other/Unknown: not 8 lower-case hex digits: " + p.get(i).asText();
                }
            }
            if (!p.get(3).asText().equals(job.ntime())) {
                return "Other/Unknown: ntime";
            }
            long vb = 0;
            if (mask != 0) {
                if (p.size() != 6) {
                    return "Other/Unknown: version_bits missing";
                }
                vb = Long.parseLong(p.get(5).asText(), 16);
                if ((vb & ~mask) != 0) {
                    return "Other/Unknown: version bits outside mask";
                }
            } else if (p.size() == 6) {
                return "Other/Unknown: version_bits without version rolling";
            }
            long version = (Long.parseLong(job.version(), 16) & ~mask) | (vb & mask);
            byte[] coinbase = Hex.decode(job.coinb1() + en1 + en2 + job.coinb2());
            List<byte[]> branch = job.branch().stream().map(Hex::decode).toList();
            byte[] root = Merkle.rootFromBranch(Sha256d.hash(coinbase), branch);
            byte[] header = new BlockHeader((int) version, StratumEncoding.parsePrevHash(job.prevHash()), root,
                    Long.parseLong(p.get(3).asText(), 16), Long.parseLong(job.nbits(), 16),
                    Long.parseLong(p.get(4).asText(), 16)).serialize();
            byte[] hash = Sha256d.hash(header);
            lastHash = Hex.toRpc(hash);
            Double d = judgeAt != null ? judgeAt : jobDifficulty.get(job.id());
            BigInteger target = Target.fromDifficulty(d == null ? 1.0 : d);
            if (!Target.meets(hash, target)) {
                return "Low difficulty share";
            }
            if (!seen.add(lastHash)) {
                return "Duplicate share";
            }
            return null;
        }
    }

    /** Sends a line to the client with this connection index. */
    public void sendTo(int index, String line) {
        for (Client c : clients) {
            if (c.index == index) {
                c.send(line);
            }
        }
    }

    /** Changes a client's extranonce1 for share checking and tells it (mining.set_extranonce), then a clean job. */
    public void setExtranonce(int index, String en1, Job job) {
        jobs.put(job.id(), job);
        activeJobs.clear();
        activeJobs.add(job.id());
        current = job;
        for (Client c : clients) {
            if (c.index == index) {
                synchronized (c) {
                    c.en1 = en1;
                    c.send("{\"id\":null,\"method\":\"mining.set_extranonce\",\"params\":[\"" + en1 + "\"," + extranonce2Size + "]}");
                    c.sendJob(job, true);
                }
            }
        }
    }
}
