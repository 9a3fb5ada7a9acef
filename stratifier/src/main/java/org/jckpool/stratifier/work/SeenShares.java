package org.jckpool.stratifier.work;

/**
 * Share hashes already seen on one work base, for duplicate detection. Keeps 64 bits of each hash (the low,
 * random bytes: a false duplicate needs a 2^-64 coincidence) in 16 lock-striped open-addressing tables of
 * primitive longs: 16 bytes an entry at worst, no boxing, no allocation per share except when a table grows.
 */
final class SeenShares {
    private static final int STRIPES = 16;
    private final Stripe[] stripes = new Stripe[STRIPES];

    SeenShares() {
        for (int i = 0; i < STRIPES; i++) {
            stripes[i] = new Stripe();
        }
    }

    /** Adds the hash; false when it was already there. */
    boolean add(byte[] hash) {
        long key = 0;
        for (int i = 7; i >= 0; i--) {
            key = (key << 8) | (hash[i] & 0xff);
        }
        long mixed = key * 0x9E3779B97F4A7C15L;
        Stripe s = stripes[(int) (mixed >>> 60)];
        synchronized (s) {
            return s.add(key, mixed);
        }
    }

    int size() {
        int n = 0;
        for (Stripe s : stripes) {
            synchronized (s) {
                n += s.size;
            }
        }
        return n;
    }

    private static final class Stripe {
        private long[] keys = new long[64];
        private boolean[] used = new boolean[64];
        private int size;

        boolean add(long key, long mixed) {
            if ((size + 1) * 2 > keys.length) {
                grow();
            }
            int mask = keys.length - 1;
            int i = (int) mixed & mask;
            while (used[i]) {
                if (keys[i] == key) {
                    return false;
                }
                i = (i + 1) & mask;
            }
            used[i] = true;
            keys[i] = key;
            size++;
            return true;
        }

        private void grow() {
            long[] oldKeys = keys;
            boolean[] oldUsed = used;
            keys = new long[oldKeys.length * 2];
            used = new boolean[oldKeys.length * 2];
            int mask = keys.length - 1;
            for (int j = 0; j < oldKeys.length; j++) {
                if (oldUsed[j]) {
                    int i = (int) (oldKeys[j] * 0x9E3779B97F4A7C15L) & mask;
                    while (used[i]) {
                        i = (i + 1) & mask;
                    }
                    used[i] = true;
                    keys[i] = oldKeys[j];
                }
            }
        }
    }
}
