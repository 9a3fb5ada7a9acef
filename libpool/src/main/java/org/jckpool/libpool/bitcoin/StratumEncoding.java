package org.jckpool.libpool.bitcoin;

/** Stratum v1 text encodings of header fields. */
public final class StratumEncoding {
    private StratumEncoding() {
    }

    /** mining.notify prevhash: the internal-order hash with each 4-byte word byte-reversed, as hex. */
    public static String prevHash(byte[] internal) {
        return Hex.encode(swapWords(internal));
    }

    /** Inverse of {@link #prevHash(byte[])}: notify text → internal-order hash. */
    public static byte[] parsePrevHash(String notifyHex) {
        byte[] b = Hex.decode(notifyHex);
        if (b.length != 32) {
            throw new IllegalArgumentException("prevhash must be 32 bytes, got " + b.length);
        }
        return swapWords(b);
    }

    /** Reverses the bytes within each 4-byte word (its own inverse). */
    public static byte[] swapWords(byte[] in) {
        if (in.length % 4 != 0) {
            throw new IllegalArgumentException("length " + in.length + " is not a multiple of 4");
        }
        byte[] out = new byte[in.length];
        for (int i = 0; i < in.length; i += 4) {
            out[i] = in[i + 3];
            out[i + 1] = in[i + 2];
            out[i + 2] = in[i + 1];
            out[i + 3] = in[i];
        }
        return out;
    }

    /** 32-bit value as 8 lower-case hex digits, big-endian ("20000000"). */
    public static String hex32(long v) {
        byte[] out = new byte[8];
        for (int i = 7; i >= 0; i--) {
            out[i] = (byte) HEX_DIGITS[(int) (v & 0xf)];
            v >>>= 4;
        }
        return new String(out, java.nio.charset.StandardCharsets.ISO_8859_1);
    }

    private static final char[] HEX_DIGITS = "0123456789abcdef".toCharArray();

    /** Parses exactly 8 hex digits as an unsigned 32-bit value. */
    public static long parseHex32(String s) {
        if (s == null || s.length() != 8 || !Hex.isHex(s)) {
            throw new IllegalArgumentException("expected 8 hex digits, got " + (s == null ? "null" : "\"" + s + "\""));
        }
        return Long.parseLong(s, 16);
    }
}
