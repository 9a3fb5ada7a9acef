package org.jckpool.testminer.work;

import org.jckpool.libpool.bitcoin.BlockHeader;
import org.jckpool.libpool.bitcoin.Merkle;
import org.jckpool.libpool.bitcoin.Sha256d;
import org.jckpool.testminer.stratum.MiningJob;

/** Rebuilds coinbase, merkle root and header from a job, as in docs/PROTOCOL.md §2.3. */
public final class HeaderBuilder {
    private HeaderBuilder() {
    }

    /** coinb1 ‖ extranonce1 ‖ extranonce2 ‖ coinb2 (non-witness coinbase bytes). */
    public static byte[] coinbase(MiningJob job, byte[] extranonce1, byte[] extranonce2) {
        byte[] c1 = job.coinb1();
        byte[] c2 = job.coinb2();
        byte[] out = new byte[c1.length + extranonce1.length + extranonce2.length + c2.length];
        int p = 0;
        System.arraycopy(c1, 0, out, p, c1.length);
        p += c1.length;
        System.arraycopy(extranonce1, 0, out, p, extranonce1.length);
        p += extranonce1.length;
        System.arraycopy(extranonce2, 0, out, p, extranonce2.length);
        p += extranonce2.length;
        System.arraycopy(c2, 0, out, p, c2.length);
        return out;
    }

    public static byte[] merkleRoot(MiningJob job, byte[] extranonce1, byte[] extranonce2) {
        return Merkle.rootFromBranch(Sha256d.hash(coinbase(job, extranonce1, extranonce2)), job.merkleBranch());
    }

    /** The 80-byte header for the given final version and nonce. */
    public static byte[] header(MiningJob job, byte[] extranonce1, byte[] extranonce2, long version, long nonce) {
        return new BlockHeader((int) version, job.prevHash(), merkleRoot(job, extranonce1, extranonce2), job.ntime(),
                job.nbits(), nonce).serialize();
    }

    /** extranonce2 bytes for a counter: big-endian, exactly size bytes (higher counter bits are dropped). */
    public static byte[] extranonce2(long counter, int size) {
        byte[] out = new byte[size];
        long v = counter;
        for (int i = size - 1; i >= 0; i--) {
            out[i] = (byte) v;
            v >>>= 8;
        }
        return out;
    }
}
