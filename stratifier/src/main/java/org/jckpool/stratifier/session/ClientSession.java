package org.jckpool.stratifier.session;

import org.jckpool.libpool.stratum.StratumMessage;
import org.jckpool.libpool.bitcoin.Hex;
import org.jckpool.libpool.bitcoin.Target;
import org.jckpool.stratifier.stats.UserStats;
import org.jckpool.stratifier.stats.WorkerStats;
import org.jckpool.stratifier.vardiff.Vardiff;
import org.jckpool.stratifier.work.WorkBase;

import java.util.ArrayDeque;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One miner connection. Every field is guarded by the session's own monitor: the engine handles one event of a
 * connection at a time under {@code synchronized (session)}, so different connections never contend.
 */
public final class ClientSession {
    public final long clientId;
    public final String address;
    public final int serverIndex;
    public final long connectedMillis;

    private boolean subscribed;
    private String userAgent = "";
    private long extranonce1 = -1;
    private byte[] extranonce1Bytes;
    private String extranonce1Hex;
    private final Set<String> authorisedWorkers = ConcurrentHashMap.newKeySet();
    private String workerName;
    private String userName;
    private byte[] payoutScript;
    private UserStats userStats;
    private WorkerStats workerStats;
    private int versionMask;
    private boolean extranonceSubscribed;
    private final Vardiff vardiff;
    private final JobDifficulties jobDiffs = new JobDifficulties();
    private double targetDiff = Double.NaN;
    private byte[] targetLE;
    private boolean workSent;
    private double bestShare;
    private boolean dropped;
    private WorkBase payoutBase;
    private WorkBase.Payout payout;
    private ArrayDeque<StratumMessage> heldDuringAuth;
    private long authAttempt;
    private long authStartedMillis;
    private Runnable authTimeout;

    public ClientSession(long clientId, String address, int serverIndex, Vardiff vardiff, long nowMillis) {
        this.clientId = clientId;
        this.address = address;
        this.serverIndex = serverIndex;
        this.vardiff = vardiff;
        this.connectedMillis = nowMillis;
    }

    public void subscribed(long extranonce1, byte[] bytes, String userAgent) {
        this.subscribed = true;
        this.extranonce1 = extranonce1;
        this.extranonce1Bytes = bytes;
        this.extranonce1Hex = Hex.encode(bytes);
        this.userAgent = userAgent == null ? "" : userAgent;
    }

    public void authorised(String worker, String user, byte[] payoutScript, UserStats us, WorkerStats ws) {
        if (this.workerName == null) {
            this.workerName = worker;
            this.userName = user;
            this.payoutScript = payoutScript;
            this.userStats = us;
            this.workerStats = ws;
        }
        authorisedWorkers.add(worker);
    }

    /** Records the difficulty in force for a job just sent to this connection. */
    public void jobSent(long jobId) {
        double d = vardiff.diff();
        jobDiffs.record(jobId, d, currentTarget());
        workSent = true;
    }

    /** Records a job sent before a restart at the difficulty it had then. */
    public void restoreJob(long jobId, double diff) {
        jobDiffs.record(jobId, diff, WorkBase.littleEndian32(Target.fromDifficulty(diff)));
        workSent = true;
    }

    /** Every worker authorised on this connection, the first (whose statistics it uses) first. */
    public java.util.List<String> workers() {
        java.util.List<String> all = new java.util.ArrayList<>();
        if (workerName != null) {
            all.add(workerName);
        }
        for (String w : authorisedWorkers) {
            if (!w.equals(workerName)) {
                all.add(w);
            }
        }
        return all;
    }

    /** Share target (32 little-endian bytes) of the current difficulty, cached until it changes. */
    public byte[] currentTarget() {
        double d = vardiff.diff();
        if (d != targetDiff) {
            targetDiff = d;
            targetLE = WorkBase.littleEndian32(Target.fromDifficulty(d));
        }
        return targetLE;
    }

    /** This connection's coinbase on a work base (cached for the last base used). */
    public WorkBase.Payout payoutFor(WorkBase base) {
        if (base != payoutBase) {
            payout = base.payout(payoutScript);
            payoutBase = base;
        }
        return payout;
    }

    public boolean isSubscribed() {
        return subscribed;
    }

    public boolean isAuthorised() {
        return workerName != null;
    }

    public boolean hasWorker(String worker) {
        return authorisedWorkers.contains(worker);
    }

    public long extranonce1() {
        return extranonce1;
    }

    public byte[] extranonce1Bytes() {
        return extranonce1Bytes;
    }

    public String extranonce1Hex() {
        return extranonce1Hex;
    }

    public String userAgent() {
        return userAgent;
    }

    public String workerName() {
        return workerName;
    }

    public String userName() {
        return userName;
    }

    public byte[] payoutScript() {
        return payoutScript;
    }

    public UserStats userStats() {
        return userStats;
    }

    public WorkerStats workerStats() {
        return workerStats;
    }

    public int versionMask() {
        return versionMask;
    }

    public void versionMask(int mask) {
        this.versionMask = mask;
    }

    public boolean extranonceSubscribed() {
        return extranonceSubscribed;
    }

    public void extranonceSubscribed(boolean v) {
        this.extranonceSubscribed = v;
    }

    public Vardiff vardiff() {
        return vardiff;
    }

    public JobDifficulties jobDiffs() {
        return jobDiffs;
    }

    public boolean workSent() {
        return workSent;
    }

    public double bestShare() {
        return bestShare;
    }

    public void bestShare(double d) {
        if (d > bestShare) {
            bestShare = d;
        }
    }

    /**
     * An asynchronous authorisation starts: later requests are held until it ends; {@code onTimeout} is what the
     * engine runs when it waited too long. @return the attempt number
     */
    public long beginAuth(long nowMillis, Runnable onTimeout) {
        heldDuringAuth = new ArrayDeque<>();
        authStartedMillis = nowMillis;
        authTimeout = onTimeout;
        return ++authAttempt;
    }

    public Runnable authTimeout() {
        return authTimeout;
    }

    public boolean authPending() {
        return heldDuringAuth != null;
    }

    public long authAttempt() {
        return authAttempt;
    }

    public long authStartedMillis() {
        return authStartedMillis;
    }

    /** Keeps a request for after the pending authorisation; false when {@code max} are already held. */
    public boolean hold(StratumMessage r, int max) {
        if (heldDuringAuth.size() >= max) {
            return false;
        }
        heldDuringAuth.addLast(r);
        return true;
    }

    /** Ends the pending authorisation; returns the requests held meanwhile, oldest first. */
    public ArrayDeque<StratumMessage> endAuth() {
        ArrayDeque<StratumMessage> held = heldDuringAuth;
        heldDuringAuth = null;
        authTimeout = null;
        return held == null ? new ArrayDeque<>() : held;
    }

    public boolean dropped() {
        return dropped;
    }

    public void dropped(boolean v) {
        this.dropped = v;
    }
}
