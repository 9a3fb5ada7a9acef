package org.jckpool.ckdb.memory;

import java.util.ArrayList;
import java.util.List;

/** A found block and, once computed, its payouts. */
public final class BlockRecord {
    public final String blockhash;
    public final long height;
    public final long workinfoId;
    public final String username;
    public final String workername;
    public final long reward;
    public final double netdiff;
    public final long shareIdEnd;
    public final long createdMillis;
    public String status;
    public boolean payoutsComputed;
    public double windowDiff;
    public double countedDiff;
    public long fee;
    public final List<PayoutRecord> payouts = new ArrayList<>();

    public BlockRecord(String blockhash, long height, long workinfoId, String username, String workername,
                       long reward, double netdiff, long shareIdEnd, long createdMillis, String status) {
        this.blockhash = blockhash;
        this.height = height;
        this.workinfoId = workinfoId;
        this.username = username;
        this.workername = workername;
        this.reward = reward;
        this.netdiff = netdiff;
        this.shareIdEnd = shareIdEnd;
        this.createdMillis = createdMillis;
        this.status = status;
    }
}
