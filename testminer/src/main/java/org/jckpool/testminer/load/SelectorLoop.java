package org.jckpool.testminer.load;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import java.io.IOException;
import java.math.BigInteger;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.jckpool.libpool.bitcoin.Hex;
import org.jckpool.libpool.bitcoin.StratumEncoding;
import org.jckpool.libpool.bitcoin.Target;
import org.jckpool.testminer.TestMinerOptions;
import org.jckpool.testminer.output.MinerOutput;
import org.jckpool.testminer.stratum.LineBuffer;
import org.jckpool.testminer.stratum.MalformedMessageException;
import org.jckpool.testminer.stratum.MiningJob;
import org.jckpool.testminer.stratum.QuickNotify;
import org.jckpool.testminer.stratum.QuickReply;
import org.jckpool.testminer.stratum.StratumMessage;
import org.jckpool.testminer.stratum.StratumRequests;
import org.jckpool.testminer.stratum.SubmitOutcome;
import org.jckpool.testminer.stratum.SubscribeResult;
import org.jckpool.testminer.work.FoundShare;
import org.jckpool.testminer.work.HeaderBuilder;
import org.jckpool.testminer.work.ShareTarget;
import org.jckpool.testminer.work.Work;

/**
 * One NIO selector thread serving a share of the load connections: connects them (a bounded number at a time),
 * subscribes and authorizes each, then sends submits at this loop's share of the total rate, round-robin over
 * the connections that have a job, and measures each reply's latency.
 */
final class SelectorLoop implements Runnable {
    private static final int READ_BUFFER = 64 * 1024;
    private static final long MAX_SELECT_WAIT_MS = 20;

    private final TestMinerOptions opt;
    private final MinerOutput out;
    private final LoadStats stats;
    private final FanOutTracker fanOut;
    private final InetSocketAddress address;
    private final List<LoadConnection> conns;
    private final double rate;
    private final int connectLimit;
    private final long requestedMask;
    private final ValidShareGrinder grinder;
    private final Selector selector;
    private final ByteBuffer readBuf = ByteBuffer.allocateDirect(READ_BUFFER);
    /** Fake submits are encoded here and written from here (a direct buffer: no copy inside NIO). */
    private final ByteBuffer submitBuffer = ByteBuffer.allocateDirect(4096);
    private final List<LoadConnection> withInput = new ArrayList<>();
    private final ConcurrentLinkedQueue<Runnable> tasks = new ConcurrentLinkedQueue<>();
    /**
     * Warm-up replies take the same steps as measured ones, into counters nobody reads: the code the measured part
     * runs is then compiled before it starts (a warm-up that skipped those steps left the load generator's JIT
     * recompiling during the first measured second).
     */
    private final LoadStats warmupStats = new LoadStats();
    private final LatencyRecorder warmupLatencies = new LatencyRecorder(WARMUP_SAMPLES);
    private static final int WARMUP_SAMPLES = 1 << 16;

    final LatencyRecorder latencies;
    final LatencyRecorder connectTimes = new LatencyRecorder();

    private volatile long submitStart;
    /** Submits sent before this are the warm-up: sent and answered, but not counted. */
    private volatile long measureStart;
    private volatile long submitEnd = Long.MAX_VALUE;
    private volatile boolean closing;
    /** Set by this loop once it has sent every submit due before the end of the submit phase. */
    private volatile boolean submitPhaseOver;
    private int nextToOpen;
    private int connecting;
    private long scheduled;
    private int roundRobin;
    private boolean authFailureLogged;

    SelectorLoop(TestMinerOptions opt, MinerOutput out, LoadStats stats, FanOutTracker fanOut,
                 InetSocketAddress address, List<LoadConnection> conns, double rate, int connectLimit,
                 ValidShareGrinder grinder) throws IOException {
        this.opt = opt;
        this.out = out;
        this.stats = stats;
        this.fanOut = fanOut;
        this.address = address;
        this.conns = conns;
        this.rate = rate;
        // sized for the measured part up front: doubling a multi-megabyte array mid-run means copying it, and the
        // young collections that follow copy it again
        this.latencies = new LatencyRecorder((int) Math.min(50_000_000, rate * opt.duration * 1.1 + 1024));
        this.connectLimit = Math.max(1, connectLimit);
        this.requestedMask = opt.versionMaskValue();
        this.grinder = grinder;
        this.selector = Selector.open();
    }

    void startSubmitting(long startNanos, long measureNanos, long endNanos) {
        submitEnd = endNanos;
        measureStart = measureNanos;
        submitStart = startNanos;
        selector.wakeup();
    }

    void stopSubmitting(long endNanos) {
        submitEnd = Math.min(submitEnd, endNanos);
    }

    /** True once the loop will send no more submits (so counting outstanding replies is final). */
    boolean submitPhaseOver() {
        return submitPhaseOver;
    }

    void close() {
        closing = true;
        selector.wakeup();
    }

    @Override
    public void run() {
        try {
            while (!closing) {
                openMore();
                long wait = selectWaitMillis();
                int n = wait <= 0 ? selector.selectNow() : selector.select(wait);
                if (n > 0) {
                    handleSelected();
                }
                processInput();
                Runnable task;
                while ((task = tasks.poll()) != null) {
                    task.run();
                }
                submitDue();
            }
        } catch (IOException | RuntimeException e) {
            out.log("load selector thread failed: %s", e);
        } finally {
            for (LoadConnection c : conns) {
                closeConnection(c, null);
            }
            try {
                selector.close();
            } catch (IOException ignored) {
                // exiting
            }
        }
    }

    // ---- connecting ----

    private void openMore() {
        while (connecting < connectLimit && nextToOpen < conns.size() && !closing) {
            LoadConnection c = conns.get(nextToOpen++);
            c.connectStartNanos = System.nanoTime();
            try {
                SocketChannel ch = SocketChannel.open();
                c.channel = ch;
                ch.configureBlocking(false);
                ch.setOption(StandardSocketOptions.TCP_NODELAY, true);
                boolean done = ch.connect(address);
                c.key = ch.register(selector, done ? SelectionKey.OP_READ : SelectionKey.OP_CONNECT, c);
                if (done) {
                    connected(c);
                } else {
                    connecting++;
                }
            } catch (IOException e) {
                connectFailed(c, e);
            }
        }
    }

    private void connectFailed(LoadConnection c, IOException e) {
        if (stats.connectFailed.incrementAndGet() <= 3) {
            out.log("load connection %d failed to connect: %s", c.index, e.getMessage());
        }
        closeConnection(c, null);
    }

    private void connected(LoadConnection c) throws IOException {
        c.open = true;
        stats.connected.incrementAndGet();
        connectTimes.record(System.nanoTime() - c.connectStartNanos);
        c.key.interestOps(SelectionKey.OP_READ);
        if (opt.versionRolling) {
            c.send(StratumRequests.configureVersionRolling(c.takeId("mining.configure"), requestedMask, opt.minBitCount));
        }
        c.send(StratumRequests.subscribe(c.takeId("mining.subscribe"), opt.agent, null));
        if (opt.extranonceSubscribe) {
            c.send(StratumRequests.extranonceSubscribe(c.takeId("mining.extranonce.subscribe")));
        }
        c.send(StratumRequests.authorize(c.takeId("mining.authorize"), c.worker, opt.password));
        if (opt.suggestDiff != null) {
            c.send(StratumRequests.suggestDifficulty(c.takeId("mining.suggest_difficulty"), opt.suggestDiff));
        }
    }

    // ---- I/O ----

    private void handleSelected() {
        Iterator<SelectionKey> it = selector.selectedKeys().iterator();
        while (it.hasNext()) {
            SelectionKey key = it.next();
            it.remove();
            LoadConnection c = (LoadConnection) key.attachment();
            if (!key.isValid()) {
                continue;
            }
            try {
                if (key.isConnectable()) {
                    connecting--;
                    try {
                        c.channel.finishConnect();
                    } catch (IOException e) {
                        connectFailed(c, e);
                        continue;
                    }
                    connected(c);
                    continue;
                }
                if (key.isReadable()) {
                    read(c);
                }
                if (key.isValid() && key.isWritable()) {
                    c.flush();
                }
            } catch (IOException e) {
                closeConnection(c, "I/O error: " + e.getMessage());
            }
        }
    }

    /** Reads what is there and stamps the time; lines are handled after every ready socket was read. */
    private void read(LoadConnection c) throws IOException {
        long now = System.nanoTime();
        boolean any = false;
        while (true) {
            readBuf.clear();
            int n = c.channel.read(readBuf);
            if (n < 0) {
                closeConnection(c, "closed by pool");
                break;
            }
            if (n == 0) {
                break;
            }
            readBuf.flip();
            c.lines.feed(readBuf);
            any = true;
            if (n < READ_BUFFER) {
                break;
            }
        }
        if (any) {
            c.lastReadNanos = now;
            withInput.add(c);
        }
    }

    private void processInput() {
        for (LoadConnection c : withInput) {
            LineBuffer lines = c.lines;
            while (lines.nextLine()) {
                // a submit's reply is read from the bytes; a String is made only for the other lines
                QuickReply quick = QuickReply.parse(lines.lineBytes(), lines.lineStart(), lines.lineLength());
                if (quick != null) {
                    long sent = c.pendingSubmits.remove(quick.id());
                    if (sent != PendingSubmits.ABSENT) {
                        submitAnswered(c, sent, c.pendingSubmits.removedMeasured(), quick.outcome());
                        continue;
                    }
                }
                String line = new String(lines.lineBytes(), lines.lineStart(), lines.lineLength(),
                        StandardCharsets.UTF_8);
                if (!line.isBlank()) {
                    handleLine(c, line, quick);
                }
            }
            int overlong = c.lines.takeOverlongCount();
            if (overlong > 0) {
                stats.malformed.addAndGet(overlong);
            }
        }
        withInput.clear();
    }

    // ---- messages ----

    /** A line that is not the reply to a pending submit; {@code quick} is its quick-reply reading, or null. */
    private void handleLine(LoadConnection c, String line, QuickReply quick) {
        if (grinder == null && quick == null) {
            QuickNotify notify = QuickNotify.parse(line);
            if (notify != null) {
                jobArrived(c, notify.jobId(), notify.prevHash(), notify.ntime(), notify.clean());
                return;
            }
        }
        try {
            StratumMessage m = StratumMessage.parse(line);
            if (m.method() != null) {
                handleServerMessage(c, m);
            } else {
                handleResponse(c, m);
            }
        } catch (MalformedMessageException | RuntimeException e) {
            if (stats.malformed.incrementAndGet() <= 5) {
                out.log("load connection %d: skipped malformed line (%s)", c.index, e.getMessage());
            }
        }
    }

    private void handleResponse(LoadConnection c, StratumMessage m) throws MalformedMessageException {
        Long id = m.id();
        if (id == null) {
            return;
        }
        long sent = c.pendingSubmits.remove(id);
        if (sent != PendingSubmits.ABSENT) {
            submitAnswered(c, sent, c.pendingSubmits.removedMeasured(), SubmitOutcome.of(m));
            return;
        }
        String method = c.requestMethods.remove(id);
        if (method == null) {
            return;
        }
        switch (method) {
            case "mining.subscribe" -> {
                SubscribeResult r = SubscribeResult.parse(m.result());
                c.extranonce1 = r.extranonce1();
                c.extranonce2Size = r.extranonce2Size();
                c.subscribed = true;
                stats.subscribed.incrementAndGet();
                checkReady(c);
            }
            case "mining.authorize" -> {
                if (m.result().isBoolean() && m.result().asBoolean()) {
                    c.authorized = true;
                    stats.authorized.incrementAndGet();
                    checkReady(c);
                } else {
                    stats.authFailed.incrementAndGet();
                    if (!authFailureLogged) {
                        authFailureLogged = true;
                        out.log("authorize of %s refused: %s", c.worker, SubmitOutcome.of(m).reason());
                    }
                }
            }
            case "mining.configure" -> {
                JsonNode r = m.result();
                if (r.isObject() && r.path("version-rolling").asBoolean(false)) {
                    c.versionMask = StratumEncoding.parseHex32(r.path("version-rolling.mask").asText("")) & requestedMask;
                }
            }
            default -> {
                // extranonce.subscribe, suggest_difficulty: nothing to do
            }
        }
    }

    private void submitAnswered(LoadConnection c, long sent, boolean measured, SubmitOutcome o) {
        stats.outstanding.decrementAndGet();
        LoadStats into = measured ? stats : warmupStats;
        LatencyRecorder recorder = measured ? latencies : warmupLatencies;
        if (!measured && recorder.count() == WARMUP_SAMPLES) {
            recorder.clear();
        }
        recorder.record(c.lastReadNanos - sent);
        if (opt.latencyPerSecond) {
            recordSecond(c.lastReadNanos, c.lastReadNanos - sent, measured);
        }
        into.answered.incrementAndGet();
        into.lastAnswerNanos.accumulateAndGet(c.lastReadNanos, Math::max);
        if (o.accepted()) {
            into.accepted.incrementAndGet();
        } else {
            into.rejected(o.reason());
        }
    }

    private final LatencyRecorder thisSecond = new LatencyRecorder();
    private long secondStartNanos;
    private boolean secondMeasured;

    /**
     * Replies answered in each second, printed when a second of the measured part is over. The warm-up's seconds
     * are collected and summed up the same way, unprinted, so that this code too is compiled before it counts.
     */
    private void recordSecond(long now, long latencyNanos, boolean measured) {
        if (measured != secondMeasured) {
            if (!measured) {
                return; // a warm-up reply arriving after the measured part began
            }
            secondMeasured = true;
            thisSecond.clear();
            secondStartNanos = now;
        }
        if (secondStartNanos == 0) {
            secondStartNanos = now;
        }
        if (now - secondStartNanos >= 1_000_000_000L) {
            double p50 = thisSecond.percentileMillis(0.5);
            double p99 = thisSecond.percentileMillis(0.99);
            double max = thisSecond.maxMillis();
            if (measured) {
                out.event("LOAD_LATENCY_SECOND t_s=%.0f ended_epoch_ms=%d n=%d p50=%.3f p99=%.3f max=%.3f",
                        (secondStartNanos - measureStart) / 1e9, System.currentTimeMillis(), thisSecond.count(),
                        p50, p99, max);
            }
            thisSecond.clear();
            secondStartNanos = now;
        }
        thisSecond.record(latencyNanos);
    }

    private void handleServerMessage(LoadConnection c, StratumMessage m) throws MalformedMessageException {
        ArrayNode p = m.params();
        switch (m.method()) {
            case "mining.notify" -> onNotify(c, p);
            case "mining.set_difficulty" -> {
                double d = p.path(0).asDouble(Double.NaN);
                if (!(d > 0) || Double.isInfinite(d)) {
                    throw new MalformedMessageException("bad mining.set_difficulty " + p.path(0));
                }
                c.difficulty = d;
            }
            case "mining.set_extranonce" -> {
                JsonNode en1 = p.path(0);
                int size = p.path(1).asInt(-1);
                if (!en1.isTextual() || !Hex.isHex(en1.asText()) || size < 1
                        || size > SubscribeResult.MAX_EXTRANONCE2_SIZE) {
                    throw new MalformedMessageException("bad mining.set_extranonce " + p);
                }
                c.extranonce1 = Hex.decode(en1.asText());
                c.extranonce2Size = size;
            }
            case "mining.set_version_mask" -> c.versionMask = opt.versionRolling
                    ? StratumEncoding.parseHex32(p.path(0).asText("")) & requestedMask : 0;
            case "client.reconnect" -> stats.reconnectRequests.incrementAndGet();
            default -> {
                // show_message and others need no action under load
            }
        }
    }

    private void onNotify(LoadConnection c, ArrayNode p) throws MalformedMessageException {
        String jobId;
        String prev;
        long ntime;
        boolean clean;
        if (grinder != null) {
            MiningJob job = MiningJob.fromNotifyParams(p);
            c.job = job;
            jobId = job.jobId();
            prev = job.prevHashNotifyHex();
            ntime = job.ntime();
            clean = job.cleanJobs();
        } else {
            // Only what a fake submit needs: keep the per-notify cost low with thousands of connections.
            if (p.size() < 9 || !p.get(0).isTextual() || !p.get(1).isTextual() || !p.get(8).isBoolean()) {
                throw new MalformedMessageException("bad mining.notify params");
            }
            jobId = p.get(0).asText();
            prev = p.get(1).asText().toLowerCase();
            ntime = StratumEncoding.parseHex32(p.get(7).asText());
            clean = p.get(8).asBoolean();
        }
        jobArrived(c, jobId, prev, ntime, clean);
    }

    private void jobArrived(LoadConnection c, String jobId, String prev, long ntime, boolean clean) {
        stats.notifies.incrementAndGet();
        if (clean && c.prevHash != null && !c.prevHash.equals(prev)) {
            fanOut.seen(prev, c.lastReadNanos);
        }
        c.prevHash = prev;
        c.jobId = jobId;
        c.jobNtime = ntime;
        c.jobDifficulty = c.difficulty;
        checkReady(c);
    }

    private void checkReady(LoadConnection c) {
        if (!c.ready && c.authorized && c.subscribed && c.jobId != null) {
            c.ready = true;
            stats.ready.incrementAndGet();
            stats.lastReadyNanos.accumulateAndGet(System.nanoTime(), Math::max);
        }
    }

    // ---- submitting ----

    private long selectWaitMillis() {
        long start = submitStart;
        if (start == 0 || rate <= 0) {
            return MAX_SELECT_WAIT_MS;
        }
        long now = System.nanoTime();
        if (now >= submitEnd) {
            return MAX_SELECT_WAIT_MS;
        }
        long nextDue = start + (long) ((scheduled + 1) * 1e9 / rate);
        if (nextDue <= now) {
            return 0;
        }
        // At least 1 ms: at high rates submitDue sends the submits that fell due meanwhile as one batch.
        long waitMs = (nextDue - now + 999_999) / 1_000_000;
        return Math.max(1, Math.min(MAX_SELECT_WAIT_MS, waitMs));
    }

    private void submitDue() {
        long start = submitStart;
        if (start == 0 || submitPhaseOver) {
            return;
        }
        long end = submitEnd;
        long clock = System.nanoTime();
        if (rate <= 0) {
            submitPhaseOver = clock >= end;
            return;
        }
        long now = Math.min(clock, end);
        if (now <= start) {
            return;
        }
        sendDue(start, now);
        if (clock >= end) {
            submitPhaseOver = true;
        }
    }

    private void sendDue(long start, long now) {
        // Submit slots from this one on are measured; which part a submit belongs to goes by its slot, not by
        // when a loop that fell behind got round to sending it.
        long firstMeasured = (long) ((measureStart - start) / 1e9 * rate);
        if (now >= measureStart && scheduled < firstMeasured) {
            scheduled = firstMeasured; // the warm-up's backlog is not sent as a burst into the measured part
        }
        long due = (long) ((now - start) / 1e9 * rate) - scheduled;
        for (long i = 0; i < due; i++) {
            if (grinder != null && grinder.saturated()) {
                // The hashing threads set the pace: drop what they cannot keep up with.
                stats.noReadyConnection.addAndGet(due - i);
                scheduled += due - i;
                return;
            }
            LoadConnection c = nextSubmitter();
            if (c == null) {
                stats.noReadyConnection.addAndGet(due - i);
                scheduled += due - i;
                return;
            }
            boolean measured = scheduled >= firstMeasured;
            scheduled++;
            if (grinder != null) {
                requestValidShare(c, measured);
            } else {
                sendFakeSubmit(c, measured);
            }
        }
    }

    private LoadConnection nextSubmitter() {
        int n = conns.size();
        for (int k = 0; k < n; k++) {
            LoadConnection c = conns.get(roundRobin);
            roundRobin = (roundRobin + 1) % n;
            if (c.canSubmit()) {
                return c;
            }
        }
        return null;
    }

    /** A well-formed submit for the current job whose hash will almost surely be above target. */
    private void sendFakeSubmit(LoadConnection c, boolean measured) {
        long id = c.takeSubmitId();
        Long vbits = c.versionMask != 0 ? 0L : null;
        byte[] middle = c.submitMiddle();
        if (middle.length + 2 * c.extranonce2Size + FakeSubmitEncoder.FIXED_BYTES > submitBuffer.capacity()) {
            String en2 = Hex.encode(HeaderBuilder.extranonce2(c.extranonce2Counter++, c.extranonce2Size));
            sendSubmit(c, id, StratumRequests.submit(id, c.worker, c.jobId, en2, c.jobNtime, c.nonceCounter++,
                    vbits), measured);
            return;
        }
        submitBuffer.clear();
        FakeSubmitEncoder.put(submitBuffer, id, middle, c.extranonce2Counter++, c.extranonce2Size, c.jobNtime,
                c.nonceCounter++, vbits);
        sendSubmit(c, id, submitBuffer.flip(), measured);
    }

    private void requestValidShare(LoadConnection c, boolean measured) {
        MiningJob job = c.job;
        BigInteger network;
        try {
            network = Target.fromCompact(job.nbits());
        } catch (IllegalArgumentException e) {
            stats.grindFailed.incrementAndGet();
            return;
        }
        Work w = new Work(job, c.extranonce1, c.extranonce2Size, c.versionMask, c.jobDifficulty,
                ShareTarget.ofDifficulty(c.jobDifficulty), network, 0);
        byte[] en2 = HeaderBuilder.extranonce2(c.extranonce2Counter++, c.extranonce2Size);
        grinder.request(w, en2, share -> {
            tasks.add(() -> sendValidShare(c, share, measured));
            selector.wakeup();
        });
    }

    private void sendValidShare(LoadConnection c, FoundShare share, boolean measured) {
        if (share == null) {
            stats.grindFailed.incrementAndGet();
            return;
        }
        if (!c.open || c.job != share.work().job() || submitPhaseOver) {
            return; // the job moved on while grinding, or the submit phase is over
        }
        long id = c.takeSubmitId();
        sendSubmit(c, id, StratumRequests.submit(id, c.worker, share.work().job().jobId(), share.extranonce2Hex(),
                share.work().job().ntime(), share.nonce(), share.versionBits()), measured);
    }

    private void sendSubmit(LoadConnection c, long id, String line, boolean measured) {
        sendSubmit(c, id, LoadConnection.lineBytes(line), measured);
    }

    private void sendSubmit(LoadConnection c, long id, ByteBuffer line, boolean measured) {
        c.pendingSubmits.add(id, System.nanoTime(), measured);
        (measured ? stats : warmupStats).sent.incrementAndGet();
        stats.outstanding.incrementAndGet();
        try {
            c.send(line);
        } catch (IOException e) {
            closeConnection(c, "write failed: " + e.getMessage());
        }
    }

    private void closeConnection(LoadConnection c, String reason) {
        if (c.closed) {
            return;
        }
        boolean wasOpen = c.open;
        c.closed = true;
        c.open = false;
        if (wasOpen && reason != null && !closing) {
            if (stats.disconnects.incrementAndGet() <= 3) {
                out.log("load connection %d dropped: %s", c.index, reason);
            }
        }
        if (c.ready) {
            c.ready = false;
            stats.ready.decrementAndGet();
        }
        stats.outstanding.addAndGet(-c.pendingSubmits.size());
        c.pendingSubmits.clear();
        if (c.key != null) {
            c.key.cancel();
        }
        if (c.channel != null) {
            try {
                c.channel.close();
            } catch (IOException ignored) {
                // closing anyway
            }
        }
    }
}
