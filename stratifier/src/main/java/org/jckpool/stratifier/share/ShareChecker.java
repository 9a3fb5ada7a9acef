package org.jckpool.stratifier.share;

import org.jckpool.libpool.log.Log;
import org.jckpool.libpool.bitcoin.Hex;
import org.jckpool.stratifier.session.ClientSession;
import org.jckpool.stratifier.session.JobDifficulties;
import org.jckpool.stratifier.session.VersionRolling;
import org.jckpool.stratifier.work.BlockAssembler;
import org.jckpool.stratifier.work.Job;
import org.jckpool.stratifier.work.JobBook;
import org.jckpool.stratifier.work.WorkBase;

/**
 * Judges {@code mining.submit}: cheap checks first, then one hash; a hash meeting the network target goes to
 * the {@link BlockSubmitter} (which decides whether it is submitted) before the stale, ntime, difficulty and
 * duplicate verdicts. The caller holds the session's monitor; the checker itself keeps no state.
 */
public final class ShareChecker {
    /** ckpool lets ntime roll forward this far past the job's ntime. */
    public static final long NTIME_ROLL_SECONDS = 7000;
    /** Consensus limit on block time in the future (MAX_FUTURE_BLOCK_TIME). */
    public static final long MAX_FUTURE_SECONDS = 7200;

    private final JobBook jobs;
    private final int nonce2Length;
    private final BlockSubmitter submitter;
    private final UpstreamForwarder forwarder;
    private volatile SolvedShareObserver solvedObserver = SolvedShareObserver.NONE;

    public ShareChecker(JobBook jobs, int nonce2Length, BlockSubmitter submitter) {
        this(jobs, nonce2Length, submitter, null);
    }

    /** With a forwarder for proxy-mode work (bases with an {@link WorkBase#upstream()}). */
    public ShareChecker(JobBook jobs, int nonce2Length, BlockSubmitter submitter, UpstreamForwarder forwarder) {
        this.jobs = jobs;
        this.nonce2Length = nonce2Length;
        this.submitter = submitter;
        this.forwarder = forwarder;
    }

    public int nonce2Length() {
        return nonce2Length;
    }

    /** Who hears of each share that solves a block (mining nodes' block message). */
    public void solvedObserver(SolvedShareObserver o) {
        this.solvedObserver = o == null ? SolvedShareObserver.NONE : o;
    }

    public ShareResult check(ClientSession s, SubmitParams p, long nowMillis) {
        if (!s.isSubscribed()) {
            return ShareResult.reject(RejectReason.NOT_SUBSCRIBED);
        }
        if (!s.isAuthorised()) {
            return ShareResult.reject(RejectReason.UNAUTHORIZED);
        }
        if (p.worker() == null || p.worker().isEmpty()) {
            return ShareResult.reject(RejectReason.NO_USERNAME);
        }
        if (p.jobId() == null || p.jobId().isEmpty()) {
            return ShareResult.reject(RejectReason.NO_JOBID);
        }
        if (p.extranonce2() == null || p.extranonce2().isEmpty()) {
            return ShareResult.reject(RejectReason.NO_NONCE2);
        }
        if (p.ntime() == null || p.ntime().isEmpty()) {
            return ShareResult.reject(RejectReason.NO_NTIME);
        }
        if (p.nonce() == null || p.nonce().isEmpty()) {
            return ShareResult.reject(RejectReason.NO_NONCE);
        }
        if (!s.hasWorker(p.worker())) {
            return ShareResult.reject(RejectReason.WORKER_MISMATCH);
        }
        if (!ShareHasher.isHex(p.extranonce2(), nonce2Length * 2)) {
            return ShareResult.reject(RejectReason.INVALID_NONCE2);
        }
        if (!ShareHasher.isHex(p.ntime(), 8)) {
            return ShareResult.reject(RejectReason.INVALID_NTIME);
        }
        if (!ShareHasher.isHex(p.nonce(), 8)) {
            return ShareResult.reject(RejectReason.INVALID_NONCE);
        }
        int mask = s.versionMask();
        long versionBits = 0;
        if (p.versionBits() != null) {
            // Some firmwares drop leading zeros: accept 1..8 hex digits (ckpool parses with %x too).
            String vb = p.versionBits();
            if (vb.isEmpty() || vb.length() > 8 || !ShareHasher.isHex(vb, vb.length())) {
                return ShareResult.reject(RejectReason.INVALID_VERSION_MASK);
            }
            versionBits = Long.parseLong(vb, 16);
        }
        Job job = jobs.find(p.jobId());
        if (job == null) {
            return ShareResult.reject(RejectReason.INVALID_JOBID);
        }
        if ((versionBits & ~(mask & 0xffffffffL)) != 0) {
            return new ShareResult(RejectReason.INVALID_VERSION_MASK, job, 0, 0, null, null);
        }
        WorkBase base = job.base();
        long ntime = ShareHasher.hex32(p.ntime());
        long nonce = ShareHasher.hex32(p.nonce());
        int version = VersionRolling.apply(base.template().version(), mask, (int) versionBits);

        ShareHasher h = ShareHasher.get();
        WorkBase.Payout payout = s.payoutFor(base);
        h.hashShare(base, payout.coinbase(), s.extranonce1Bytes(), p.extranonce2(), version, ntime, nonce);
        double shareDiff = ShareHasher.difficulty(h.hash);

        boolean stale = jobs.isStale(job);
        String blockHash = null;
        SolutionOutcome solution = null;
        if (base.upstream() == null && WorkBase.leq(h.hash, base.networkTargetLE())) {
            // A block: handed over before any other verdict (an odd ntime is the node's to judge).
            blockHash = Hex.encode(Hex.reverse(h.hash));
            String hex = BlockAssembler.blockHex(base, h.header, h.coinbase(), h.coinbaseLength());
            solution = submitter.submit(new BlockSolution(hex, blockHash, base.height(),
                    Hex.encode(base.template().prevHash()), stale));
            try {
                solvedObserver.solved(s, job, p, version & 0xffffffffL, shareDiff);
            } catch (RuntimeException e) {
                Log.err("solved-share observer failed: %s", e);
            }
        }

        JobDifficulties jd = s.jobDiffs();
        int idx = jd.find(job.id());
        double assigned;
        byte[] target;
        if (idx >= 0) {
            assigned = jd.diff(idx);
            target = jd.target(idx);
        } else {
            assigned = s.vardiff().diff();
            target = s.currentTarget();
        }

        if (stale) {
            return new ShareResult(RejectReason.STALE, job, assigned, shareDiff, blockHash, solution);
        }
        long nowSeconds = Math.floorDiv(nowMillis, 1000);
        long jobTime = base.ntime();
        if (ntime < jobTime || ntime > jobTime + NTIME_ROLL_SECONDS || ntime > nowSeconds + MAX_FUTURE_SECONDS
                || ntime < base.template().mintime()) {
            return new ShareResult(RejectReason.NTIME_OUT_OF_RANGE, job, assigned, shareDiff, blockHash, solution);
        }
        if (!WorkBase.leq(h.hash, target)) {
            return new ShareResult(RejectReason.ABOVE_TARGET, job, assigned, shareDiff, blockHash, solution);
        }
        if (!base.firstSeen(h.hash)) {
            return new ShareResult(RejectReason.DUPLICATE, job, assigned, shareDiff, blockHash, solution);
        }
        if (base.upstream() != null && forwarder != null && WorkBase.leq(h.hash, base.upstream().target().targetLE())) {
            forwarder.forward(s, job, p, shareDiff, WorkBase.leq(h.hash, base.networkTargetLE()));
        }
        return new ShareResult(null, job, assigned, shareDiff, blockHash, solution);
    }
}
