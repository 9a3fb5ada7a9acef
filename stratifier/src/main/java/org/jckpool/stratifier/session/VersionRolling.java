package org.jckpool.stratifier.session;

/** BIP310 version-rolling negotiation: the pool's mask intersected with the miner's. */
public final class VersionRolling {
    private VersionRolling() {
    }

    /** The negotiated mask (0 when none of the pool's bits are left). */
    public static int negotiate(int poolMask, int minerMask) {
        return poolMask & minerMask;
    }

    /** True when the negotiated mask has at least the bits the miner asked for (it is answered either way). */
    public static boolean enoughBits(int mask, int minBitCount) {
        return Integer.bitCount(mask) >= minBitCount;
    }

    /** Version of a share: the job's bits outside the mask, the miner's inside. */
    public static int apply(int jobVersion, int mask, int versionBits) {
        return (jobVersion & ~mask) | (versionBits & mask);
    }
}
