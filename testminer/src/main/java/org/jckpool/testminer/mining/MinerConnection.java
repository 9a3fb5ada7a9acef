package org.jckpool.testminer.mining;

import java.io.IOException;
import java.io.OutputStream;
import java.math.BigInteger;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.jckpool.libpool.bitcoin.Hex;
import org.jckpool.libpool.bitcoin.StratumEncoding;
import org.jckpool.libpool.bitcoin.Target;
import org.jckpool.libpool.log.Log;
import org.jckpool.libpool.stratum.Notify;
import org.jckpool.libpool.stratum.StratumClientSession;
import org.jckpool.libpool.stratum.StratumMessage;
import org.jckpool.libpool.stratum.StratumProtocolException;
import org.jckpool.libpool.stratum.SubscribeResult;
import org.jckpool.testminer.options.TestMinerOptions;
import org.jckpool.testminer.output.MinerOutput;
import org.jckpool.testminer.stratum.MiningJob;
import org.jckpool.testminer.stratum.PoolAddress;
import org.jckpool.testminer.stratum.StratumRequests;
import org.jckpool.testminer.stratum.SubmitReply;
import org.jckpool.testminer.work.FoundShare;
import org.jckpool.testminer.work.ShareTarget;
import org.jckpool.testminer.work.Work;

/**
 * One connection of mining mode: libpool's {@link StratumClientSession} speaks the protocol; this turns what the
 * pool says into {@link Work} for the hashing threads and events for the output, and submits the shares they
 * find. Lines come in on the connection thread; shares from the hashing threads.
 */
final class MinerConnection implements StratumClientSession.Handler {
    /** Bytes of extranonce2 we are willing to roll; more than 16 is not a real pool. */
    static final int MAX_EXTRANONCE2_SIZE = 16;
    /** Non-clean jobs kept valid for in-flight shares, as pools keep a window of recent job ids. */
    private static final int MAX_LIVE_JOBS = 16;

    /** Where client.reconnect sends us next. */
    record Redirect(PoolAddress to, long waitMillis) {
    }

    private final TestMinerOptions opt;
    private final MinerOutput out;
    private final MinerStats stats;
    private final WorkSource work;
    private final StopSignal stop;
    private final PoolAddress address;
    private final Socket socket;
    private final OutputStream output;
    private final long epoch;
    private final long requestedMask;
    private final StratumClientSession session;
    private final Object writeLock = new Object();
    /** Orders job retirement (clean notify, mask change) against share submission. */
    private final Object jobLock = new Object();
    private final Map<Long, FoundShare> pendingSubmits = new ConcurrentHashMap<>();
    private final Set<String> liveJobs = ConcurrentHashMap.newKeySet();
    private final ArrayDeque<String> jobOrder = new ArrayDeque<>();
    private volatile boolean closed;
    private volatile long versionMask;
    private volatile double difficulty = 1.0; // a miner assumes difficulty 1 until told otherwise

    // Owned by the connection thread.
    private byte[] extranonce1;
    private int extranonce2Size;
    private MiningJob currentJob;
    private double currentJobDifficulty;
    private String closeReason;
    private Redirect redirect;

    MinerConnection(TestMinerOptions opt, MinerOutput out, MinerStats stats, WorkSource work, StopSignal stop,
                    PoolAddress address, Socket socket, OutputStream output, long epoch, String resumeSessionId) {
        this.opt = opt;
        this.out = out;
        this.stats = stats;
        this.work = work;
        this.stop = stop;
        this.address = address;
        this.socket = socket;
        this.output = output;
        this.epoch = epoch;
        this.requestedMask = opt.versionMaskValue();
        this.session = new StratumClientSession(new StratumClientSession.Handshake(opt.agent, opt.user,
                opt.password, opt.versionRolling ? (int) requestedMask : 0, opt.minBitCount, opt.extranonceSubscribe,
                resumeSessionId, opt.suggestDiff), line -> send(line), this);
    }

    StratumClientSession session() {
        return session;
    }

    /** Why this connection must end (a refused subscribe, client.reconnect), or null. */
    String closeReason() {
        return closeReason;
    }

    Redirect redirect() {
        return redirect;
    }

    boolean hasPendingSubmits() {
        return !pendingSubmits.isEmpty();
    }

    double difficulty() {
        return difficulty;
    }

    /** No more sends or shares: the connection is over. */
    void closed() {
        closed = true;
        pendingSubmits.clear();
    }

    /** Writes a line; false when the connection is over or the write failed (which closes the socket). */
    boolean send(String line) {
        if (closed) {
            return false;
        }
        byte[] bytes = (line + "\n").getBytes(StandardCharsets.UTF_8);
        synchronized (writeLock) {
            try {
                output.write(bytes);
                output.flush();
                return true;
            } catch (IOException e) {
                if (!stop.stopped()) {
                    out.log("write to pool failed: %s", e.getMessage());
                }
                MiningSession.closeQuietly(socket);
                return false;
            }
        }
    }

    // ---- shares, from the hashing threads ----

    void submit(FoundShare share) {
        Work w = share.work();
        if (w.epoch() != epoch || closed) {
            return; // found for a connection that is gone
        }
        String jobId = w.job().jobId();
        Long versionBits = share.versionBits();
        // Under the job lock: once a clean notify or a mask change has been handled, no share of the old
        // state can be sent any more.
        synchronized (jobLock) {
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
            if (share.isBlock()) {
                stats.block();
                out.event("BLOCK %s job %s", share.hashRpcHex(), jobId);
            }
            long id = session.nextId();
            pendingSubmits.put(id, share);
            String en2 = share.extranonce2Hex();
            out.event("SUBMIT job %s en2 %s ntime %s nonce %s vbits %s sdiff %s", jobId, en2,
                    StratumEncoding.hex32(w.job().ntime()), StratumEncoding.hex32(share.nonce()),
                    versionBits == null ? "-" : StratumEncoding.hex32(versionBits),
                    MinerOutput.number(share.achievedDifficulty()));
            if (send(StratumRequests.submit(id, opt.user, jobId, en2, w.job().ntime(), share.nonce(), versionBits))) {
                stats.submitted();
            } else {
                pendingSubmits.remove(id);
            }
        }
    }

    // ---- what the pool says, on the connection thread ----

    @Override
    public void onConfigured(int grantedMask) {
        versionMask = grantedMask & 0xffffffffL;
        if (versionMask != 0) {
            out.event("VERSIONMASK %s", StratumEncoding.hex32(versionMask));
            if (Long.bitCount(versionMask) < opt.minBitCount) {
                out.log("pool granted %d version bits, fewer than min-bit-count %d", Long.bitCount(versionMask),
                        opt.minBitCount);
            }
        } else {
            out.event("VERSIONROLLING false");
        }
        publishWork();
    }

    @Override
    public void onSubscribed(SubscribeResult r) {
        if (r.extranonce2Size() < 1 || r.extranonce2Size() > MAX_EXTRANONCE2_SIZE) {
            onSubscribeFailed("bad mining.subscribe reply: extranonce2_size is not 1.." + MAX_EXTRANONCE2_SIZE
                    + ": " + r.extranonce2Size());
            onMalformed(closeReason, "");
            return;
        }
        extranonce1 = Hex.decode(r.extranonce1());
        extranonce2Size = r.extranonce2Size();
        out.event("SUBSCRIBED extranonce1 %s extranonce2_size %d session %s", r.extranonce1(), extranonce2Size,
                r.sessionId());
        publishWork();
    }

    @Override
    public void onSubscribeFailed(String reason) {
        closeReason = reason;
    }

    @Override
    public void onAuthorized(StratumMessage reply) {
        if (reply.isSuccess()) {
            out.event("AUTHORIZED %s true", opt.user);
        } else {
            out.event("AUTHORIZED %s false %s", opt.user, SubmitReply.of(reply).reason());
            stop.stop("authorization of " + opt.user + " refused", 3);
        }
    }

    @Override
    public void onReply(StratumMessage m) {
        FoundShare share = pendingSubmits.remove(m.idLong());
        if (share == null) {
            if (m.error() != null) {
                out.log("request %s refused: %s", m.idJson(), m.error());
            } else {
                out.log("reply for an unknown request id: %s", abbreviate(m.toString()));
            }
            return;
        }
        SubmitReply o = SubmitReply.of(m);
        if (o.accepted()) {
            long n = stats.accepted();
            out.event("ACCEPTED %d diff %s", n, MinerOutput.number(share.work().difficulty()));
            if (opt.maxShares > 0 && n >= opt.maxShares) {
                stop.stop("max-shares " + opt.maxShares + " reached", 0);
            }
        } else {
            stats.rejected(o.reason());
            out.event("REJECTED %s", o.reason());
        }
    }

    @Override
    public void onNotify(Notify n) {
        MiningJob job = MiningJob.from(n);
        try {
            Target.fromCompact(job.nbits());
        } catch (IllegalArgumentException e) {
            throw new StratumProtocolException("mining.notify nbits: " + e.getMessage());
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

    @Override
    public void onDifficulty(double d) {
        difficulty = d; // applies to jobs notified from now on (docs/PROTOCOL.md §1.2)
        out.event("DIFF %s", MinerOutput.number(d));
    }

    @Override
    public void onExtranonce(String en1, int size) {
        if (size < 1 || size > MAX_EXTRANONCE2_SIZE) {
            throw new StratumProtocolException("mining.set_extranonce extranonce2_size is not 1.."
                    + MAX_EXTRANONCE2_SIZE + ": " + size);
        }
        extranonce1 = Hex.decode(en1);
        extranonce2Size = size;
        out.event("EXTRANONCE %s %d", en1, extranonce2Size);
        publishWork();
    }

    @Override
    public void onVersionMask(int mask) {
        synchronized (jobLock) {
            versionMask = mask & 0xffffffffL; // valid immediately (BIP310)
            out.event("VERSIONMASK %s", StratumEncoding.hex32(versionMask));
        }
        publishWork();
    }

    @Override
    public void onReconnectRequest(String host, int port, int waitSeconds) {
        PoolAddress to = new PoolAddress(host == null ? address.host() : host, port == 0 ? address.port() : port);
        out.event("RECONNECT %s %d", to, waitSeconds);
        redirect = new Redirect(to, TimeUnit.SECONDS.toMillis(waitSeconds));
        closeReason = "client.reconnect to " + to;
    }

    @Override
    public void onMessage(String text) {
        out.event("MESSAGE %s", oneLine(text));
    }

    @Override
    public void onUnknownMethod(StratumMessage m) {
        out.log("ignoring unknown method %s from pool", m.method());
    }

    @Override
    public void onMalformed(String why, String line) {
        stats.malformed();
        out.event("MALFORMED %s", oneLine(why));
        out.log("skipped malformed line from pool (%s): %s", why, abbreviate(line));
    }

    private void publishWork() {
        if (extranonce1 == null || currentJob == null) {
            return;
        }
        BigInteger network = Target.fromCompact(currentJob.nbits());
        work.publish(new Work(currentJob, extranonce1, extranonce2Size, versionMask, currentJobDifficulty,
                ShareTarget.ofDifficulty(currentJobDifficulty), network, epoch));
    }

    static String oneLine(String s) {
        return s == null ? "" : s.replace('\n', ' ').replace('\r', ' ');
    }

    private static String abbreviate(String s) {
        return Log.abbreviate(oneLine(s), 300);
    }
}
