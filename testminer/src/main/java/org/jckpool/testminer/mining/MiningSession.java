package org.jckpool.testminer.mining;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.math.BigInteger;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.jckpool.libpool.bitcoin.Hex;
import org.jckpool.libpool.bitcoin.StratumEncoding;
import org.jckpool.libpool.bitcoin.Target;
import org.jckpool.testminer.TestMinerOptions;
import org.jckpool.testminer.output.MinerOutput;
import org.jckpool.testminer.stratum.LineBuffer;
import org.jckpool.testminer.stratum.MalformedMessageException;
import org.jckpool.testminer.stratum.MiningJob;
import org.jckpool.testminer.stratum.PoolAddress;
import org.jckpool.testminer.stratum.StratumMessage;
import org.jckpool.testminer.stratum.StratumRequests;
import org.jckpool.testminer.stratum.SubmitOutcome;
import org.jckpool.testminer.stratum.SubscribeResult;
import org.jckpool.testminer.work.FoundShare;
import org.jckpool.testminer.work.ShareTarget;
import org.jckpool.testminer.work.Work;

/**
 * The Stratum v1 client of mining mode: one connection at a time, served by the thread that calls
 * {@link #run()}, reconnecting with back-off (or where client.reconnect says) until {@link #shutdown()}.
 * It turns the pool's messages into {@link Work} for the hashing threads and submits the shares they find.
 */
public final class MiningSession implements ShareSink {
    static final int MAX_LINE_BYTES = 128 * 1024;
    private static final long HANDSHAKE_TIMEOUT_NANOS = TimeUnit.SECONDS.toNanos(30);
    private static final int CONNECT_TIMEOUT_MS = 10_000;
    private static final int READ_TICK_MS = 250;
    /** Non-clean jobs kept valid for in-flight shares, as pools keep a window of recent job ids. */
    private static final int MAX_LIVE_JOBS = 16;
    private static final long MAX_RECONNECT_WAIT_SECONDS = 3600;

    private record Pending(String method, FoundShare share, long sentNanos) {
    }

    private final TestMinerOptions opt;
    private final MinerOutput out;
    private final MinerStats stats;
    private final WorkSource work;
    private final StopSignal stop;
    private final long requestedMask;

    private final Object writeLock = new Object();
    /** Orders job retirement (clean notify, mask change, new connection) against share submission. */
    private final Object jobLock = new Object();
    private final AtomicLong nextId = new AtomicLong(1);
    private final Map<Long, Pending> pending = new ConcurrentHashMap<>();
    private final Set<String> liveJobs = ConcurrentHashMap.newKeySet();
    private final ArrayDeque<String> jobOrder = new ArrayDeque<>();

    private volatile boolean closing;
    private volatile Socket socket;
    private volatile OutputStream output;
    private volatile long epoch;
    private volatile long versionMask;
    private volatile double difficulty = 1.0;

    // Owned by the connection thread.
    private PoolAddress current;
    private byte[] extranonce1;
    private int extranonce2Size;
    private MiningJob currentJob;
    private double currentJobDifficulty;
    private String sessionId;
    private boolean subscribed;
    private String closeReason;
    private PoolAddress reconnectTo;
    private long reconnectWaitMs;

    MiningSession(TestMinerOptions opt, MinerOutput out, MinerStats stats, WorkSource work, StopSignal stop) {
        this.opt = opt;
        this.out = out;
        this.stats = stats;
        this.work = work;
        this.stop = stop;
        this.requestedMask = opt.versionMaskValue();
        this.sessionId = opt.session;
        this.current = PoolAddress.parse(opt.url);
    }

    /** Connects, serves, reconnects; returns after {@link #shutdown()} or when the stop signal ends retrying. */
    public void run() {
        long backoffMs = 1000;
        long maxBackoffMs = Math.max(100, (long) (opt.retryMaxWait * 1000));
        int failures = 0;
        while (!closing && !stop.stopped()) {
            reconnectTo = null;
            boolean established = connectAndServe(current);
            if (closing || stop.stopped()) {
                break;
            }
            long waitMs;
            if (reconnectTo != null) {
                current = reconnectTo;
                waitMs = reconnectWaitMs;
                backoffMs = 1000;
                failures = 0;
            } else if (established) {
                waitMs = Math.min(1000, maxBackoffMs);
                backoffMs = 1000;
                failures = 0;
            } else {
                failures++;
                if (opt.maxRetries > 0 && failures >= opt.maxRetries) {
                    stop.stop("pool " + current + " unreachable after " + failures + " attempts", 1);
                    break;
                }
                waitMs = Math.min(backoffMs, maxBackoffMs);
                backoffMs = Math.min(backoffMs * 2, maxBackoffMs);
            }
            out.event("RETRY %s in %d ms", current, waitMs);
            try {
                if (stop.await(TimeUnit.MILLISECONDS.toNanos(waitMs))) {
                    break;
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
    }

    /** Ends the session: closes the socket and stops reconnecting. */
    public void shutdown() {
        closing = true;
        closeQuietly(socket);
    }

    /** Waits until every submitted share has its reply (or the time is up); true when none is outstanding. */
    public boolean awaitSubmitReplies(long timeoutNanos) throws InterruptedException {
        long deadline = System.nanoTime() + timeoutNanos;
        while (System.nanoTime() < deadline) {
            if (pending.values().stream().noneMatch(p -> p.share() != null) || output == null) {
                return true;
            }
            Thread.sleep(20);
        }
        return false;
    }

    /** Difficulty of the work being mined (or the last one the pool set, when there is no work). */
    public double currentDifficulty() {
        Work w = work.current();
        return w != null ? w.difficulty() : difficulty;
    }

    public boolean connected() {
        return output != null;
    }

    // ---- connection lifecycle ----

    /** One connection; returns whether it got as far as a subscribe reply. */
    private boolean connectAndServe(PoolAddress target) {
        Socket s = new Socket();
        try {
            s.setTcpNoDelay(true);
            s.connect(new InetSocketAddress(target.host(), target.port()), CONNECT_TIMEOUT_MS);
            s.setSoTimeout(READ_TICK_MS);
        } catch (IOException e) {
            closeQuietly(s);
            out.event("CONNECT_FAILED %s %s", target, oneLine(e.getMessage()));
            return false;
        }
        resetSessionState();
        OutputStream os;
        InputStream in;
        try {
            os = s.getOutputStream();
            in = s.getInputStream();
        } catch (IOException e) {
            closeQuietly(s);
            out.event("CONNECT_FAILED %s %s", target, oneLine(e.getMessage()));
            return false;
        }
        socket = s;
        output = os;
        synchronized (jobLock) {
            epoch++;
        }
        if (closing) {
            closeQuietly(s);
            return false;
        }
        out.event("CONNECTED %s", target);
        sendHandshake();
        String reason = readLoop(in);
        closeQuietly(s);
        socket = null;
        output = null;
        work.publish(null);
        pending.clear();
        if (!closing && !stop.stopped()) { // our own stop closed the socket: not a disconnect
            stats.disconnect();
            out.event("DISCONNECTED %s", reason);
        }
        return subscribed;
    }

    private void resetSessionState() {
        extranonce1 = null;
        extranonce2Size = 0;
        versionMask = 0;
        difficulty = 1.0; // a miner assumes difficulty 1 until told otherwise
        currentJob = null;
        liveJobs.clear();
        jobOrder.clear();
        subscribed = false;
        closeReason = null;
        pending.clear();
    }

    private void sendHandshake() {
        if (opt.versionRolling) {
            request("mining.configure", id -> StratumRequests.configureVersionRolling(id, requestedMask, opt.minBitCount));
        }
        request("mining.subscribe", id -> StratumRequests.subscribe(id, opt.agent, sessionId));
        if (opt.extranonceSubscribe) {
            request("mining.extranonce.subscribe", StratumRequests::extranonceSubscribe);
        }
        request("mining.authorize", id -> StratumRequests.authorize(id, opt.user, opt.password));
        if (opt.suggestDiff != null) {
            request("mining.suggest_difficulty", id -> StratumRequests.suggestDifficulty(id, opt.suggestDiff));
        }
    }

    private String readLoop(InputStream in) {
        LineBuffer lines = new LineBuffer(MAX_LINE_BYTES);
        byte[] buf = new byte[16 * 1024];
        long handshakeDeadline = System.nanoTime() + HANDSHAKE_TIMEOUT_NANOS;
        while (!closing) {
            int n;
            try {
                n = in.read(buf);
            } catch (SocketTimeoutException e) {
                n = 0;
            } catch (IOException e) {
                return closing ? "shutdown" : "read error: " + oneLine(e.getMessage());
            }
            if (n < 0) {
                return "closed by pool";
            }
            if (n > 0) {
                lines.feed(buf, 0, n);
                String line;
                while (closeReason == null && (line = lines.poll()) != null) {
                    handleLine(line);
                }
                int overlong = lines.takeOverlongCount();
                for (int i = 0; i < overlong; i++) {
                    malformed("line longer than " + MAX_LINE_BYTES + " bytes", "");
                }
            }
            if (closeReason != null) {
                return closeReason;
            }
            if (!subscribed && System.nanoTime() > handshakeDeadline) {
                return "no mining.subscribe reply within " + TimeUnit.NANOSECONDS.toSeconds(HANDSHAKE_TIMEOUT_NANOS) + " s";
            }
        }
        return "shutdown";
    }

    // ---- sending ----

    private interface LineForId {
        String build(long id);
    }

    private long request(String method, LineForId builder) {
        long id = nextId.getAndIncrement();
        pending.put(id, new Pending(method, null, System.nanoTime()));
        if (!send(builder.build(id))) {
            pending.remove(id);
            return -1;
        }
        return id;
    }

    private boolean send(String line) {
        OutputStream os = output;
        if (os == null) {
            return false;
        }
        byte[] bytes = (line + "\n").getBytes(StandardCharsets.UTF_8);
        synchronized (writeLock) {
            try {
                os.write(bytes);
                os.flush();
                return true;
            } catch (IOException e) {
                if (!closing && !stop.stopped()) {
                    out.log("write to pool failed: %s", e.getMessage());
                }
                closeQuietly(socket);
                return false;
            }
        }
    }

    /** Called on a hashing thread for every share it finds. */
    @Override
    public void onShare(FoundShare share) {
        Work w = share.work();
        if (w.epoch() != epoch || output == null) {
            return; // found for a connection that is gone
        }
        String jobId = w.job().jobId();
        Long versionBits = share.versionBits();
        boolean block = share.isBlock();
        // Under the job lock: once a clean notify or a mask change has been handled, no share of the old
        // state can be sent any more.
        synchronized (jobLock) {
            if (w.epoch() != epoch) {
                return;
            }
            if (!liveJobs.contains(jobId)) {
                stats.stale();
                out.event("STALE %s job retired", jobId);
                return;
            }
            if (versionBits != null && (versionBits & ~versionMask) != 0) {
                stats.stale();
                out.event("STALE %s version mask changed", jobId);
                return;
            }
            if (block) {
                stats.block();
                out.event("BLOCK %s job %s", share.hashRpcHex(), jobId);
            }
            long id = nextId.getAndIncrement();
            pending.put(id, new Pending("mining.submit", share, System.nanoTime()));
            String en2 = share.extranonce2Hex();
            out.event("SUBMIT job %s en2 %s ntime %s nonce %s vbits %s sdiff %s", jobId, en2,
                    StratumEncoding.hex32(w.job().ntime()), StratumEncoding.hex32(share.nonce()),
                    versionBits == null ? "-" : StratumEncoding.hex32(versionBits),
                    MinerOutput.number(share.achievedDifficulty()));
            if (send(StratumRequests.submit(id, opt.user, jobId, en2, w.job().ntime(), share.nonce(), versionBits))) {
                stats.submitted();
            } else {
                pending.remove(id);
            }
        }
    }

    // ---- receiving ----

    private void handleLine(String line) {
        if (line.isBlank()) {
            return;
        }
        StratumMessage m;
        try {
            m = StratumMessage.parse(line);
        } catch (MalformedMessageException e) {
            malformed(e.getMessage(), line);
            return;
        }
        try {
            if (m.method() != null) {
                handleServerMessage(m);
            } else {
                handleResponse(m);
            }
        } catch (MalformedMessageException e) {
            malformed(e.getMessage(), line);
        } catch (RuntimeException e) {
            malformed("cannot handle: " + e, line);
        }
    }

    private void malformed(String why, String line) {
        stats.malformed();
        out.event("MALFORMED %s", oneLine(why));
        out.log("skipped malformed line from pool (%s): %s", why, abbreviate(line));
    }

    private void handleResponse(StratumMessage m) throws MalformedMessageException {
        Long id = m.id();
        Pending p = id == null ? null : pending.remove(id);
        if (p == null) {
            out.log("reply for an unknown request id: %s", abbreviate(m.toString()));
            return;
        }
        switch (p.method()) {
            case "mining.configure" -> onConfigure(m);
            case "mining.subscribe" -> onSubscribe(m);
            case "mining.authorize" -> onAuthorize(m);
            case "mining.submit" -> onSubmitReply(p, m);
            default -> {
                if (!m.error().isNull()) {
                    out.log("%s refused: %s", p.method(), m.error());
                }
            }
        }
    }

    private void onConfigure(StratumMessage m) {
        JsonNode r = m.result();
        if (r.isObject() && r.path("version-rolling").asBoolean(false)) {
            String maskHex = r.path("version-rolling.mask").asText("");
            long granted;
            try {
                granted = StratumEncoding.parseHex32(maskHex);
            } catch (IllegalArgumentException e) {
                malformed("mining.configure version-rolling.mask: " + e.getMessage(), m.toString());
                versionMask = 0;
                return;
            }
            versionMask = granted & requestedMask;
            out.event("VERSIONMASK %s", StratumEncoding.hex32(versionMask));
            if (Long.bitCount(versionMask) < opt.minBitCount) {
                out.log("pool granted %d version bits, fewer than min-bit-count %d", Long.bitCount(versionMask),
                        opt.minBitCount);
            }
        } else {
            versionMask = 0;
            out.event("VERSIONROLLING false");
        }
        publishWork();
    }

    private void onSubscribe(StratumMessage m) throws MalformedMessageException {
        if (!m.error().isNull()) {
            closeReason = "mining.subscribe refused: " + m.error();
            return;
        }
        SubscribeResult r;
        try {
            r = SubscribeResult.parse(m.result());
        } catch (MalformedMessageException e) {
            closeReason = "bad mining.subscribe reply: " + e.getMessage();
            throw e;
        }
        extranonce1 = r.extranonce1();
        extranonce2Size = r.extranonce2Size();
        sessionId = r.sessionId();
        subscribed = true;
        out.event("SUBSCRIBED extranonce1 %s extranonce2_size %d session %s", Hex.encode(extranonce1),
                extranonce2Size, sessionId);
        publishWork();
    }

    private void onAuthorize(StratumMessage m) {
        if (m.result().isBoolean() && m.result().asBoolean()) {
            out.event("AUTHORIZED %s true", opt.user);
        } else {
            SubmitOutcome why = SubmitOutcome.of(m);
            out.event("AUTHORIZED %s false %s", opt.user, why.reason());
            stop.stop("authorization of " + opt.user + " refused", 3);
        }
    }

    private void onSubmitReply(Pending p, StratumMessage m) {
        SubmitOutcome o = SubmitOutcome.of(m);
        if (o.accepted()) {
            long n = stats.accepted();
            out.event("ACCEPTED %d diff %s", n, MinerOutput.number(p.share().work().difficulty()));
            if (opt.maxShares > 0 && n >= opt.maxShares) {
                stop.stop("max-shares " + opt.maxShares + " reached", 0);
            }
        } else {
            stats.rejected(o.reason());
            out.event("REJECTED %s", o.reason());
        }
    }

    private void handleServerMessage(StratumMessage m) throws MalformedMessageException {
        ArrayNode params = m.params();
        switch (m.method()) {
            case "mining.notify" -> onNotify(params);
            case "mining.set_difficulty" -> onSetDifficulty(params);
            case "mining.set_extranonce" -> onSetExtranonce(params);
            case "mining.set_version_mask" -> onSetVersionMask(params);
            case "client.reconnect" -> onReconnect(params);
            case "client.show_message" -> out.event("MESSAGE %s", oneLine(params.path(0).asText("")));
            case "client.get_version" -> answer(m, JsonNodeFactory.instance.textNode(opt.agent));
            case "mining.ping" -> answer(m, JsonNodeFactory.instance.textNode("pong"));
            default -> out.log("ignoring unknown method %s from pool", m.method());
        }
    }

    private void answer(StratumMessage m, JsonNode result) {
        if (!m.rawId().isNull()) {
            send(StratumMessage.response(m.rawId(), result));
        }
    }

    private void onNotify(ArrayNode params) throws MalformedMessageException {
        MiningJob job = MiningJob.fromNotifyParams(params);
        try {
            Target.fromCompact(job.nbits());
        } catch (IllegalArgumentException e) {
            throw new MalformedMessageException("mining.notify nbits: " + e.getMessage());
        }
        synchronized (jobLock) {
            if (job.cleanJobs()) {
                liveJobs.clear();
                jobOrder.clear();
            }
            if (liveJobs.add(job.jobId())) {
                jobOrder.addLast(job.jobId());
            }
            while (jobOrder.size() > MAX_LIVE_JOBS) {
                liveJobs.remove(jobOrder.removeFirst());
            }
            currentJob = job;
            currentJobDifficulty = difficulty;
            out.event("NOTIFY %s %s", job.jobId(), job.cleanJobs());
        }
        publishWork();
    }

    private void onSetDifficulty(ArrayNode params) throws MalformedMessageException {
        JsonNode d = params.path(0);
        double value;
        if (d.isNumber()) {
            value = d.asDouble();
        } else if (d.isTextual()) {
            try {
                value = Double.parseDouble(d.asText());
            } catch (NumberFormatException e) {
                throw new MalformedMessageException("mining.set_difficulty is not a number: " + d);
            }
        } else {
            throw new MalformedMessageException("mining.set_difficulty is not a number: " + d);
        }
        if (!(value > 0) || Double.isInfinite(value)) {
            throw new MalformedMessageException("mining.set_difficulty must be positive and finite: " + d);
        }
        difficulty = value; // applies to jobs notified from now on (docs/PROTOCOL.md §1.2)
        out.event("DIFF %s", MinerOutput.number(value));
    }

    private void onSetExtranonce(ArrayNode params) throws MalformedMessageException {
        JsonNode en1 = params.path(0);
        JsonNode size = params.path(1);
        if (!en1.isTextual() || !Hex.isHex(en1.asText())) {
            throw new MalformedMessageException("mining.set_extranonce extranonce1 is not hex: " + en1);
        }
        if (!size.isIntegralNumber() || size.asInt() < 1 || size.asInt() > SubscribeResult.MAX_EXTRANONCE2_SIZE) {
            throw new MalformedMessageException("mining.set_extranonce extranonce2_size is not 1.."
                    + SubscribeResult.MAX_EXTRANONCE2_SIZE + ": " + size);
        }
        extranonce1 = Hex.decode(en1.asText());
        extranonce2Size = size.asInt();
        out.event("EXTRANONCE %s %d", Hex.encode(extranonce1), extranonce2Size);
        publishWork();
    }

    private void onSetVersionMask(ArrayNode params) throws MalformedMessageException {
        long mask;
        try {
            mask = StratumEncoding.parseHex32(params.path(0).asText(null));
        } catch (IllegalArgumentException e) {
            throw new MalformedMessageException("mining.set_version_mask: " + e.getMessage());
        }
        if (!opt.versionRolling) {
            out.log("ignoring mining.set_version_mask: version rolling was not requested");
            return;
        }
        synchronized (jobLock) {
            versionMask = mask & requestedMask; // valid immediately (BIP310)
            out.event("VERSIONMASK %s", StratumEncoding.hex32(versionMask));
        }
        publishWork();
    }

    private void onReconnect(ArrayNode params) throws MalformedMessageException {
        String host = params.path(0).asText("");
        JsonNode portNode = params.path(1);
        int port = current.port();
        if (portNode.isIntegralNumber()) {
            port = portNode.asInt();
        } else if (portNode.isTextual() && !portNode.asText().isEmpty()) {
            try {
                port = Integer.parseInt(portNode.asText());
            } catch (NumberFormatException e) {
                throw new MalformedMessageException("client.reconnect port is not a number: " + portNode);
            }
        }
        if (port < 1 || port > 65535) {
            throw new MalformedMessageException("client.reconnect port out of range: " + port);
        }
        long waitSeconds = Math.max(0, Math.min(MAX_RECONNECT_WAIT_SECONDS, params.path(2).asLong(0)));
        PoolAddress to = new PoolAddress(host.isEmpty() ? current.host() : host, port);
        out.event("RECONNECT %s %d", to, waitSeconds);
        reconnectTo = to;
        reconnectWaitMs = TimeUnit.SECONDS.toMillis(waitSeconds);
        closeReason = "client.reconnect to " + to;
    }

    private void publishWork() {
        if (extranonce1 == null || currentJob == null) {
            return;
        }
        BigInteger network = Target.fromCompact(currentJob.nbits());
        work.publish(new Work(currentJob, extranonce1, extranonce2Size, versionMask, currentJobDifficulty,
                ShareTarget.ofDifficulty(currentJobDifficulty), network, epoch));
    }

    // ---- helpers ----

    private static void closeQuietly(Socket s) {
        if (s != null) {
            try {
                s.close();
            } catch (IOException ignored) {
                // closing anyway
            }
        }
    }

    static String oneLine(String s) {
        return s == null ? "" : s.replace('\n', ' ').replace('\r', ' ');
    }

    private static String abbreviate(String s) {
        String t = oneLine(s);
        return t.length() > 300 ? t.substring(0, 300) + "…" : t;
    }
}
