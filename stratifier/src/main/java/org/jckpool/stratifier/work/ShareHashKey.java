package org.jckpool.stratifier.work;

/** A share's header hash as four longs: the duplicate key (covers extranonces, ntime, nonce, version bits). */
record ShareHashKey(long a, long b, long c, long d) {
    static ShareHashKey of(byte[] h) {
        return new ShareHashKey(word(h, 0), word(h, 8), word(h, 16), word(h, 24));
    }

    private static long word(byte[] h, int off) {
        long v = 0;
        for (int i = 0; i < 8; i++) {
            v = (v << 8) | (h[off + i] & 0xff);
        }
        return v;
    }
}
