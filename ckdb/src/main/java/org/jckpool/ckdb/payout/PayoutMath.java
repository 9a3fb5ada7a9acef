package org.jckpool.ckdb.payout;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.jckpool.ckdb.memory.AddressRatio;
import org.jckpool.ckdb.memory.PoolFee;

/**
 * Satoshi arithmetic of a payout, all rounding down:
 * fee = floor(reward × feeFraction); each user gets floor((reward − fee) × userDiff / countedDiff); the
 * rounding dust stays with the pool. A user's amount is split over the payment addresses by ratio, each
 * floor(amount × ratio / Σratios), and what rounding leaves goes to the address with the highest ratio
 * (the first listed on a tie), so a user's address amounts always add up to the user's amount.
 */
public final class PayoutMath {

    private PayoutMath() {
    }

    public record Distribution(long fee, long distributed, Map<String, Long> amountByUser) {
    }

    public static long fee(long reward, double feeFraction) {
        return PoolFee.of(reward, feeFraction);
    }

    public static Distribution distribute(long reward, double feeFraction, Map<String, Double> diffByUser,
                                          double counted) {
        long fee = fee(reward, feeFraction);
        long pot = reward - fee;
        Map<String, Long> out = new LinkedHashMap<>();
        long distributed = 0;
        if (counted > 0) {
            BigDecimal total = new BigDecimal(counted);
            for (Map.Entry<String, Double> e : diffByUser.entrySet()) {
                long amount = new BigDecimal(pot).multiply(new BigDecimal(e.getValue()))
                        .divide(total, 0, RoundingMode.FLOOR).longValueExact();
                out.put(e.getKey(), amount);
                distributed += amount;
            }
        }
        return new Distribution(fee, distributed, out);
    }

    public static Map<String, Long> split(long amount, List<AddressRatio> addresses) {
        Map<String, Long> out = new LinkedHashMap<>();
        long ratioSum = 0;
        AddressRatio top = null;
        for (AddressRatio a : addresses) {
            ratioSum += a.ratio();
            if (top == null || a.ratio() > top.ratio()) {
                top = a;
            }
        }
        if (top == null) {
            throw new IllegalArgumentException("no addresses to split over");
        }
        long given = 0;
        for (AddressRatio a : addresses) {
            long part = new BigDecimal(amount).multiply(new BigDecimal(a.ratio()))
                    .divide(new BigDecimal(ratioSum), 0, RoundingMode.FLOOR).longValueExact();
            out.put(a.address(), part);
            given += part;
        }
        out.merge(top.address(), amount - given, Long::sum);
        return out;
    }
}
