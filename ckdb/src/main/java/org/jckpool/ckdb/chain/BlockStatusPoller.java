package org.jckpool.ckdb.chain;

import java.io.IOException;
import java.util.OptionalLong;
import org.jckpool.libpool.log.Log;

/**
 * Moves found blocks through new → confirmed / orphan by asking a {@link ChainView}. A block the node does not
 * know stays as it is (it may not have reached the node yet).
 */
public final class BlockStatusPoller implements ChainPoll {
    private final ChainView chain;
    private final long confirmationsNeeded;
    private volatile BlockStatuses service;

    public BlockStatusPoller(ChainView chain, long confirmationsNeeded) {
        if (confirmationsNeeded < 1) {
            throw new IllegalArgumentException("confirmations needed must be at least 1");
        }
        this.chain = chain;
        this.confirmationsNeeded = confirmationsNeeded;
    }

    public void attach(BlockStatuses svc) {
        this.service = svc;
    }

    /** @return how many blocks changed status */
    @Override
    public int pollOnce() {
        BlockStatuses svc = service;
        if (svc == null) {
            return 0;
        }
        int changed = 0;
        for (String[] b : svc.unconfirmedBlocks()) {
            String hash = b[0];
            String current = b[2];
            try {
                OptionalLong conf = chain.confirmations(hash);
                if (conf.isEmpty()) {
                    continue;
                }
                if (conf.getAsLong() < 0 && "lost".equals(current)) {
                    continue; // never reached the chain: it stays lost
                }
                String next = conf.getAsLong() < 0 ? "orphan"
                        : conf.getAsLong() >= confirmationsNeeded ? "confirmed" : "new";
                if (!next.equals(current)) {
                    svc.chainStatus(hash, next);
                    changed++;
                }
            } catch (IOException e) {
                Log.warning("cannot ask the node about block %s: %s", hash, e.getMessage());
                break;
            }
        }
        return changed;
    }
}
