package org.jckpool.simnode.chain;

import java.math.BigInteger;
import java.util.Arrays;
import org.jckpool.libpool.bitcoin.Block;
import org.jckpool.libpool.bitcoin.BlockHeader;
import org.jckpool.libpool.bitcoin.Hex;
import org.jckpool.libpool.bitcoin.Target;

/** One block in the node's block index (Core's CBlockIndex plus the block data). */
public final class BlockEntry {
    private static final int MEDIAN_TIME_SPAN = 11;

    private final byte[] hash;
    private final String rpcHash;
    private final Block block;
    private final BlockEntry parent;
    private final long height;
    private final BigInteger chainWork;
    private final long medianTimePast;
    /** Core's nSequenceId: lower wins among equal work; preciousblock makes it negative. */
    long sequenceId;
    /** Marked invalid (BLOCK_FAILED_VALID), with the reason. */
    String failReason;
    /** Connected to the active chain at least once (BLOCK_VALID_SCRIPTS). */
    boolean fullyValidated;
    /** Undo data while connected, null otherwise. */
    UtxoSet.Undo undo;

    BlockEntry(Block block, BlockEntry parent, long sequenceId) {
        this.block = block;
        this.hash = block.header().hash();
        this.rpcHash = Hex.encode(Hex.reverse(hash));
        this.parent = parent;
        this.height = parent == null ? 0 : parent.height + 1;
        BigInteger work = blockProof(block.header().bits());
        this.chainWork = parent == null ? work : parent.chainWork.add(work);
        this.sequenceId = sequenceId;
        this.medianTimePast = computeMedianTimePast();
    }

    /** Core's GetBlockProof: 2^256 / (target + 1). */
    static BigInteger blockProof(long bits) {
        BigInteger target = Target.fromCompact(bits);
        return BigInteger.ONE.shiftLeft(256).divide(target.add(BigInteger.ONE));
    }

    private long computeMedianTimePast() {
        long[] times = new long[MEDIAN_TIME_SPAN];
        int n = 0;
        for (BlockEntry e = this; e != null && n < MEDIAN_TIME_SPAN; e = e.parent) {
            times[n++] = e.block.header().time();
        }
        long[] used = Arrays.copyOf(times, n);
        Arrays.sort(used);
        return used[n / 2];
    }

    public byte[] hash() {
        return hash.clone();
    }

    /** Hash in RPC (display) order. */
    public String rpcHash() {
        return rpcHash;
    }

    public Block block() {
        return block;
    }

    public BlockHeader header() {
        return block.header();
    }

    public BlockEntry parent() {
        return parent;
    }

    public long height() {
        return height;
    }

    public BigInteger chainWork() {
        return chainWork;
    }

    /** Median of the times of this block and its ten ancestors. */
    public long medianTimePast() {
        return medianTimePast;
    }

    public boolean isFailed() {
        return failReason != null;
    }

    public String failReason() {
        return failReason;
    }

    /** The ancestor at {@code h} (this block when h == height). */
    public BlockEntry ancestor(long h) {
        BlockEntry e = this;
        while (e != null && e.height > h) {
            e = e.parent;
        }
        return e;
    }
}
