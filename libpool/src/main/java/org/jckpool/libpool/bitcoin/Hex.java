package org.jckpool.libpool.bitcoin;

/** Lower-case hex encoding and byte-array reversal. */
public final class Hex {
    private static final char[] DIGITS = "0123456789abcdef".toCharArray();

    private Hex() {
    }

    public static String encode(byte[] bytes) {
        return encode(bytes, 0, bytes.length);
    }

    public static String encode(byte[] bytes, int off, int len) {
        char[] out = new char[len * 2];
        for (int i = 0; i < len; i++) {
            int b = bytes[off + i] & 0xff;
            out[2 * i] = DIGITS[b >>> 4];
            out[2 * i + 1] = DIGITS[b & 0x0f];
        }
        return new String(out);
    }

    /** Decodes hex (either case); throws IllegalArgumentException on odd length or a non-hex character. */
    public static byte[] decode(String hex) {
        if (hex == null) {
            throw new IllegalArgumentException("hex string is null");
        }
        int n = hex.length();
        if ((n & 1) != 0) {
            throw new IllegalArgumentException("hex string has odd length " + n);
        }
        byte[] out = new byte[n / 2];
        for (int i = 0; i < out.length; i++) {
            int hi = Character.digit(hex.charAt(2 * i), 16);
            int lo = Character.digit(hex.charAt(2 * i + 1), 16);
            if (hi < 0 || lo < 0) {
                throw new IllegalArgumentException("invalid hex character near offset " + (2 * i));
            }
            out[i] = (byte) ((hi << 4) | lo);
        }
        return out;
    }

    /** True when s is a non-null, even-length string of hex digits. */
    public static boolean isHex(String s) {
        if (s == null || (s.length() & 1) != 0) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            if (Character.digit(s.charAt(i), 16) < 0) {
                return false;
            }
        }
        return true;
    }

    /** Returns a new array with the bytes in reverse order. */
    public static byte[] reverse(byte[] bytes) {
        byte[] out = new byte[bytes.length];
        for (int i = 0; i < bytes.length; i++) {
            out[i] = bytes[bytes.length - 1 - i];
        }
        return out;
    }

    /** Internal-order hash → RPC hex (reversed). */
    public static String toRpc(byte[] hash) {
        return encode(reverse(hash));
    }

    /** RPC hex → internal-order bytes. */
    public static byte[] fromRpc(String rpcHex) {
        return reverse(decode(rpcHex));
    }
}
