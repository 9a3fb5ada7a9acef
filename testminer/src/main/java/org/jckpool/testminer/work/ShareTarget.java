package org.jckpool.testminer.work;

import java.math.BigInteger;
import org.jckpool.libpool.bitcoin.Target;

/**
 * A 256-bit target prepared for the hashing loop: the hash (internal order) is a little-endian number, so it is
 * compared byte by byte from its last byte down, without building a BigInteger per hash.
 */
public final class ShareTarget {
    private final BigInteger target;
    private final byte[] le = new byte[32];

    public ShareTarget(BigInteger target) {
        if (target.signum() < 0 || target.bitLength() > 256) {
            throw new IllegalArgumentException("target must be in [0, 2^256)");
        }
        this.target = target;
        byte[] be = target.toByteArray();
        for (int i = 0; i < 32 && i < be.length; i++) {
            le[i] = be[be.length - 1 - i];
        }
    }

    /** floor(diff1 / d) for a (possibly fractional) Stratum difficulty. */
    public static ShareTarget ofDifficulty(double difficulty) {
        return new ShareTarget(Target.fromDifficulty(difficulty));
    }

    /** True when the hash, read as a little-endian number, is ≤ the target. */
    public boolean isMetBy(byte[] hash) {
        for (int i = 31; i >= 0; i--) {
            int h = hash[i] & 0xff;
            int t = le[i] & 0xff;
            if (h != t) {
                return h < t;
            }
        }
        return true;
    }

    public BigInteger value() {
        return target;
    }
}
