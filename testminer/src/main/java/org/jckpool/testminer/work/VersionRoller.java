package org.jckpool.testminer.work;

/**
 * Maps a counter onto the bits of a BIP310 version-rolling mask: bit i of the counter goes to the i-th set bit of
 * the mask (lowest first). The rolled version is {@code (jobVersion & ~mask) | spread(counter)}
 * (docs/PROTOCOL.md §2.3).
 */
public final class VersionRoller {
    /** We never need more than 2^16 distinct versions per extranonce2 (BIP320 gives 16 bits). */
    private static final int MAX_BITS = 16;

    private final long mask;
    private final int[] positions;

    public VersionRoller(long mask) {
        this.mask = mask & 0xffffffffL;
        int n = Math.min(Long.bitCount(this.mask), MAX_BITS);
        positions = new int[n];
        int k = 0;
        for (int bit = 0; bit < 32 && k < n; bit++) {
            if ((this.mask & (1L << bit)) != 0) {
                positions[k++] = bit;
            }
        }
    }

    /** Number of distinct versions this mask yields (1 when rolling is off). */
    public int count() {
        return 1 << positions.length;
    }

    public long spread(int counter) {
        long bits = 0;
        for (int i = 0; i < positions.length; i++) {
            if ((counter & (1 << i)) != 0) {
                bits |= 1L << positions[i];
            }
        }
        return bits;
    }

    public long version(long jobVersion, int counter) {
        return ((jobVersion & ~mask) | spread(counter)) & 0xffffffffL;
    }
}
