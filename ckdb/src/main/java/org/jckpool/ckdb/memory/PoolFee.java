package org.jckpool.ckdb.memory;

import java.math.BigDecimal;
import java.math.RoundingMode;

/** The pool's fee out of a block reward: reward × fraction, rounded down to a whole satoshi. */
public final class PoolFee {
    private PoolFee() {
    }

    public static long of(long reward, double feeFraction) {
        if (feeFraction < 0 || feeFraction >= 1) {
            throw new IllegalArgumentException("fee fraction must be in [0, 1)");
        }
        return new BigDecimal(reward).multiply(BigDecimal.valueOf(feeFraction))
                .setScale(0, RoundingMode.FLOOR).longValueExact();
    }
}
