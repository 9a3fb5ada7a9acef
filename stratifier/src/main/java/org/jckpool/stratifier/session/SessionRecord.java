package org.jckpool.stratifier.session;

import java.util.List;

/**
 * What a subscribed session needs to go on serving its miner after a stratifier restart (the connector keeps
 * the miner's connection): extranonce1, authorised workers and payout, difficulty and its floors, version mask,
 * and the difficulty each live job was sent at.
 *
 * @param payoutHex the payout script of the authorised user (hex), or null when not authorised
 */
public record SessionRecord(long clientId, long extranonce1, String userAgent, List<String> workers, String user,
                            String payoutHex, int versionMask, boolean extranonceSubscribed, double diff,
                            double suggested, double minerMinimum, double bestShare, List<JobDiff> jobs) {
    /** The difficulty a job was sent at. */
    public record JobDiff(long jobId, double diff) {
    }

    public SessionRecord {
        workers = List.copyOf(workers);
        jobs = List.copyOf(jobs);
    }

    public boolean authorised() {
        return !workers.isEmpty() && user != null && payoutHex != null;
    }
}
