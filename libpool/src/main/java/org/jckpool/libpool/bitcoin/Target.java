package org.jckpool.libpool.bitcoin;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.MathContext;

/** Compact nbits, 256-bit targets and difficulty (difficulty 1 = 0xFFFF·2^208, the Stratum convention). */
public final class Target {
    /** Target of difficulty 1: 0x00000000FFFF0000…0000. */
    public static final BigInteger DIFF1 = BigInteger.valueOf(0xFFFF).shiftLeft(208);
    /** Largest 256-bit value. */
    public static final BigInteger MAX = BigInteger.ONE.shiftLeft(256).subtract(BigInteger.ONE);

    private static final BigDecimal DIFF1_DECIMAL = new BigDecimal(DIFF1);
    private static final MathContext PRECISION = new MathContext(40);

    private Target() {
    }

    /** Decodes compact bits as Core's SetCompact; negative or overflowing encodings are rejected. */
    public static BigInteger fromCompact(long bits) {
        if (bits < 0 || bits > 0xffffffffL) {
            throw new IllegalArgumentException("nbits out of 32-bit range: " + bits);
        }
        int exp = (int) (bits >>> 24);
        long mant = bits & 0x007fffffL;
        if (mant != 0 && (bits & 0x00800000L) != 0) {
            throw new IllegalArgumentException(String.format("nbits %08x encodes a negative target", bits));
        }
        if (mant != 0 && (exp > 34 || (mant > 0xff && exp > 33) || (mant > 0xffff && exp > 32))) {
            throw new IllegalArgumentException(String.format("nbits %08x overflows 256 bits", bits));
        }
        BigInteger m = BigInteger.valueOf(mant);
        return exp <= 3 ? m.shiftRight(8 * (3 - exp)) : m.shiftLeft(8 * (exp - 3));
    }

    /** Decodes the 8-hex-digit text form ("1d00ffff"). */
    public static BigInteger fromCompactHex(String bitsHex) {
        return fromCompact(StratumEncoding.parseHex32(bitsHex));
    }

    /** Encodes a non-negative target as compact bits (Core's GetCompact; low bits are truncated). */
    public static long toCompact(BigInteger target) {
        if (target.signum() < 0) {
            throw new IllegalArgumentException("negative target");
        }
        int size = (target.bitLength() + 7) / 8;
        long compact;
        if (size <= 3) {
            compact = target.longValue() << (8 * (3 - size));
        } else {
            compact = target.shiftRight(8 * (size - 3)).longValue();
        }
        if ((compact & 0x00800000L) != 0) {
            compact >>>= 8;
            size++;
        }
        return compact | ((long) size << 24);
    }

    /**
     * Share target for difficulty d: floor(DIFF1 / d), computed exactly from the double's binary value
     * (d may be fractional). Clamped to {@link #MAX}; d must be finite and positive.
     */
    public static BigInteger fromDifficulty(double d) {
        if (!(d > 0) || Double.isInfinite(d)) {
            throw new IllegalArgumentException("difficulty must be finite and > 0, got " + d);
        }
        BigDecimal exact = new BigDecimal(d); // exact binary value, no rounding
        BigInteger num = DIFF1;
        BigInteger den = exact.unscaledValue();
        int scale = exact.scale();
        if (scale > 0) {
            num = num.multiply(BigInteger.TEN.pow(scale));
        } else if (scale < 0) {
            den = den.multiply(BigInteger.TEN.pow(-scale));
        }
        BigInteger t = num.divide(den);
        return t.compareTo(MAX) > 0 ? MAX : t;
    }

    /** DIFF1 / target as a double (correctly rounded to within an ulp); target 0 gives +Infinity. */
    public static double difficultyOf(BigInteger target) {
        if (target.signum() <= 0) {
            return Double.POSITIVE_INFINITY;
        }
        return DIFF1_DECIMAL.divide(new BigDecimal(target), PRECISION).doubleValue();
    }

    /** Network difficulty of compact bits. */
    public static double difficultyOfCompact(long bits) {
        return difficultyOf(fromCompact(bits));
    }

    /** The hash (internal order) read as a little-endian unsigned 256-bit number. */
    public static BigInteger hashValue(byte[] hash) {
        return new BigInteger(1, Hex.reverse(hash));
    }

    /** Achieved difficulty of a hash: DIFF1 / hashValue. */
    public static double hashDifficulty(byte[] hash) {
        return difficultyOf(hashValue(hash));
    }

    /** True when hashValue(hash) ≤ target. */
    public static boolean meets(byte[] hash, BigInteger target) {
        return hashValue(hash).compareTo(target) <= 0;
    }

    /** Target as 64 hex digits, big-endian (the getblocktemplate "target" form). */
    public static String toHex(BigInteger target) {
        String s = target.toString(16);
        if (s.length() > 64) {
            throw new IllegalArgumentException("target exceeds 256 bits");
        }
        return "0".repeat(64 - s.length()) + s;
    }
}
