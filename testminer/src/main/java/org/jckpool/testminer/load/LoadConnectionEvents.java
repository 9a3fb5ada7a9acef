package org.jckpool.testminer.load;

import java.util.concurrent.atomic.AtomicBoolean;
import org.jckpool.libpool.bitcoin.Hex;
import org.jckpool.libpool.bitcoin.StratumEncoding;
import org.jckpool.libpool.stratum.Notify;
import org.jckpool.libpool.stratum.StratumClientSession;
import org.jckpool.libpool.stratum.StratumMessage;
import org.jckpool.libpool.stratum.StratumProtocolException;
import org.jckpool.libpool.stratum.SubscribeResult;
import org.jckpool.testminer.output.MinerOutput;
import org.jckpool.testminer.stratum.MiningJob;
import org.jckpool.testminer.stratum.SubmitReply;

/**
 * What the pool says to one load connection, as libpool's {@link StratumClientSession} reads it: the state the
 * submits need (extranonce, job, difficulty, mask), readiness, and each submit's reply with its latency. Called
 * on the connection's selector thread.
 */
final class LoadConnectionEvents implements StratumClientSession.Handler {
    /** Bytes of extranonce2 a load miner rolls; more than 16 is not a real pool. */
    private static final int MAX_EXTRANONCE2_SIZE = 16;

    /** What the events of all of one selector loop's connections share. */
    record Shared(LoadStats stats, MinerOutput out, FanOutTracker fanOut, ReplyLatencies replies,
                  boolean decodeJobs, AtomicBoolean authFailureLogged) {
    }

    private final LoadConnection c;
    private final Shared shared;

    LoadConnectionEvents(LoadConnection c, Shared shared) {
        this.c = c;
        this.shared = shared;
    }

    @Override
    public void onReply(StratumMessage m) {
        if (m.idLong() < 0) {
            return; // not one of our integer ids
        }
        long sent = c.pendingSubmits.remove(m.idLong());
        if (sent != PendingSubmits.ABSENT) {
            shared.replies().answered(sent, c.lastReadNanos, c.pendingSubmits.removedMeasured(), SubmitReply.of(m));
        } else {
            shared.stats().strayReplies.incrementAndGet(); // answered twice, or an id this connection never sent
        }
    }

    @Override
    public void onSubscribed(SubscribeResult r) {
        if (r.extranonce2Size() < 1 || r.extranonce2Size() > MAX_EXTRANONCE2_SIZE) {
            onMalformed("subscribe extranonce2_size is not 1.." + MAX_EXTRANONCE2_SIZE + ": " + r.extranonce2Size(), "");
            return;
        }
        c.extranonce1 = Hex.decode(r.extranonce1());
        c.extranonce2Size = r.extranonce2Size();
        c.subscribed = true;
        shared.stats().subscribed.incrementAndGet();
        checkReady();
    }

    @Override
    public void onSubscribeFailed(String reason) {
        onMalformed(reason, "");
    }

    @Override
    public void onAuthorized(StratumMessage reply) {
        if (reply.isSuccess()) {
            c.authorized = true;
            shared.stats().authorized.incrementAndGet();
            checkReady();
        } else {
            shared.stats().authFailed.incrementAndGet();
            if (shared.authFailureLogged().compareAndSet(false, true)) {
                shared.out().log("authorize of %s refused: %s", c.worker, SubmitReply.of(reply).reason());
            }
        }
    }

    @Override
    public void onConfigured(int grantedMask) {
        c.versionMask = grantedMask & 0xffffffffL;
    }

    @Override
    public void onVersionMask(int mask) {
        c.versionMask = mask & 0xffffffffL;
    }

    @Override
    public void onDifficulty(double difficulty) {
        c.difficulty = difficulty;
    }

    @Override
    public void onExtranonce(String extranonce1, int extranonce2Size) {
        if (extranonce2Size < 1 || extranonce2Size > MAX_EXTRANONCE2_SIZE) {
            throw new StratumProtocolException("bad mining.set_extranonce size " + extranonce2Size);
        }
        c.extranonce1 = Hex.decode(extranonce1);
        c.extranonce2Size = extranonce2Size;
    }

    @Override
    public void onReconnectRequest(String host, int port, int waitSeconds) {
        shared.stats().reconnectRequests.incrementAndGet();
    }

    @Override
    public void onNotify(Notify n) {
        if (shared.decodeJobs()) {
            c.job = MiningJob.from(n); // valid shares are ground on the whole job
        }
        LoadStats stats = shared.stats();
        stats.notifies.incrementAndGet();
        if (n.clean() && c.prevHash != null && !c.prevHash.equals(n.prevHash())) {
            shared.fanOut().seen(n.prevHash(), c.lastReadNanos);
        }
        c.prevHash = n.prevHash();
        c.jobId = n.jobId();
        c.jobNtime = StratumEncoding.parseHex32(n.ntime());
        c.jobDifficulty = c.difficulty;
        checkReady();
    }

    @Override
    public void onMalformed(String why, String line) {
        if (shared.stats().malformed.incrementAndGet() <= 5) {
            shared.out().log("load connection %d: skipped malformed line (%s)", c.index, why);
        }
    }

    private void checkReady() {
        if (!c.ready && c.authorized && c.subscribed && c.jobId != null) {
            c.ready = true;
            LoadStats stats = shared.stats();
            stats.ready.incrementAndGet();
            stats.lastReadyNanos.accumulateAndGet(System.nanoTime(), Math::max);
        }
    }
}
