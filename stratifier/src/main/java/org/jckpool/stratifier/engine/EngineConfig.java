package org.jckpool.stratifier.engine;

import org.jckpool.stratifier.vardiff.VardiffConfig;
import org.jckpool.stratifier.work.WorkConfig;

import java.util.Set;

/**
 * Everything the engine needs from ckpool.conf and the command line, already validated by the caller.
 *
 * @param work              coinbase make-up
 * @param vardiff           mindiff / startdiff / maxdiff
 * @param highDiff          ckpool {@code highdiff}: start and minimum difficulty on high-difficulty ports
 * @param highDiffServers   indexes (into serverurl) of ports above 4000, which get {@code highDiff}
 * @param versionMask       {@code version_mask} (BIP310 bits the pool lets miners roll)
 * @param solo              ckpool -B / btcsolo: the username is an address of the network and the block pays it
 * @param poolPayoutScript  output script of {@code btcaddress} (used when not solo)
 * @param addresses         address → script for the pool's network (solo usernames)
 * @param jobGraceMillis    how long superseded work is still accepted
 * @param authTimeoutMillis clients that have not subscribed and authorised by then are dropped
 * @param blockMessages     tell a miner with client.show_message when its share solved a block
 */
public record EngineConfig(WorkConfig work, VardiffConfig vardiff, double highDiff, Set<Integer> highDiffServers,
                           int versionMask, boolean solo, byte[] poolPayoutScript, AddressResolver addresses,
                           long jobGraceMillis, long authTimeoutMillis, boolean blockMessages) {
    public static final double DEFAULT_HIGHDIFF = 1_000_000;

    public EngineConfig {
        if (!solo && (poolPayoutScript == null || poolPayoutScript.length == 0)) {
            throw new IllegalArgumentException("btcaddress: a payout script is needed unless in solo mode");
        }
        if (solo && addresses == null) {
            throw new IllegalArgumentException("solo mode needs an address resolver");
        }
        highDiffServers = highDiffServers == null ? Set.of() : Set.copyOf(highDiffServers);
    }

    /** ckpool defaults: grace 10 min, 60 s to authorise, high diff 1,000,000 on no port, block messages on. */
    public static EngineConfig of(WorkConfig work, VardiffConfig vardiff, int versionMask, boolean solo,
                                  byte[] poolPayoutScript, AddressResolver addresses) {
        return new EngineConfig(work, vardiff, DEFAULT_HIGHDIFF, Set.of(), versionMask, solo, poolPayoutScript,
                addresses, 600_000, 60_000, true);
    }

    public EngineConfig withHighDiffServers(Set<Integer> servers, double highDiff) {
        return new EngineConfig(work, vardiff, highDiff, servers, versionMask, solo, poolPayoutScript, addresses,
                jobGraceMillis, authTimeoutMillis, blockMessages);
    }

    public EngineConfig withTimeouts(long jobGraceMillis, long authTimeoutMillis) {
        return new EngineConfig(work, vardiff, highDiff, highDiffServers, versionMask, solo, poolPayoutScript,
                addresses, jobGraceMillis, authTimeoutMillis, blockMessages);
    }
}
