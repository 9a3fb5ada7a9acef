package org.jckpool.testminer.work;

import java.math.BigInteger;
import org.jckpool.testminer.stratum.MiningJob;

/**
 * Everything needed to grind one job on one connection: the job, the session's extranonce1 and extranonce2
 * size, the negotiated version-rolling mask (0 = off), the difficulty the job was sent under and both targets.
 * {@code epoch} identifies the connection, so shares found for an earlier connection are not submitted.
 */
public record Work(MiningJob job, byte[] extranonce1, int extranonce2Size, long versionMask, double difficulty,
                   ShareTarget shareTarget, BigInteger networkTarget, long epoch) {
}
