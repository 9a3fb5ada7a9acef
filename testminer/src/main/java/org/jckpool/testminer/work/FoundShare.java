package org.jckpool.testminer.work;

import org.jckpool.libpool.bitcoin.Hex;
import org.jckpool.libpool.bitcoin.Target;

/** A header that met the share target: what to submit and what it achieved. */
public record FoundShare(Work work, byte[] extranonce2, long version, long nonce, byte[] hash) {

    public String extranonce2Hex() {
        return Hex.encode(extranonce2);
    }

    /** The version_bits submit parameter ({@code version & mask}), or null when version rolling is off. */
    public Long versionBits() {
        return work.versionMask() == 0 ? null : version & work.versionMask();
    }

    public double achievedDifficulty() {
        return Target.hashDifficulty(hash);
    }

    public boolean isBlock() {
        return Target.meets(hash, work.networkTarget());
    }

    /** Block hash in RPC (display) order. */
    public String hashRpcHex() {
        return Hex.toRpc(hash);
    }
}
