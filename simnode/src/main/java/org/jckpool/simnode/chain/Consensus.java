package org.jckpool.simnode.chain;

/** Regtest consensus constants as Bitcoin Core defines them (consensus/consensus.h, kernel/chainparams.cpp). */
public final class Consensus {
    public static final int MAX_BLOCK_WEIGHT = 4_000_000;
    public static final int MAX_BLOCK_SIGOPS_COST = 80_000;
    public static final int WITNESS_SCALE_FACTOR = 4;
    public static final int COINBASE_MATURITY = 100;
    /** Blocks more than this many seconds ahead of the node clock are "time-too-new". */
    public static final long MAX_FUTURE_BLOCK_TIME = 2 * 60 * 60;
    /** Regtest proof-of-work limit in compact form; regtest never retargets. */
    public static final long REGTEST_BITS = 0x207fffffL;
    public static final int REGTEST_HALVING_INTERVAL = 150;
    /** BIP34, BIP65 and BIP66 are active from height 1 on regtest, so blocks need version ≥ 4. */
    public static final int MIN_BLOCK_VERSION = 4;
    public static final long COIN = 100_000_000L;
    public static final long MAX_MONEY = 21_000_000L * COIN;
    /** Lock times below this are heights, above it Unix times. */
    public static final long LOCKTIME_THRESHOLD = 500_000_000L;
    /** Block version Core's assembler produces (BIP9 top bits, no deployments signalling). */
    public static final int TEMPLATE_VERSION = 0x20000000;

    private Consensus() {
    }

    /** Block subsidy at {@code height}: 50 BTC halved every 150 blocks on regtest. */
    public static long subsidy(long height) {
        long halvings = height / REGTEST_HALVING_INTERVAL;
        if (halvings >= 64) {
            return 0;
        }
        return (50 * COIN) >> halvings;
    }
}
