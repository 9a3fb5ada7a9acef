package org.jckpool.libpool.bitcoin;

import java.math.BigInteger;
import java.util.Arrays;

/** Base58 and Base58Check (4-byte double-SHA-256 checksum). */
public final class Base58 {
    private static final String ALPHABET = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";
    private static final BigInteger BASE = BigInteger.valueOf(58);
    /** Generous bound: no address or key comes near it, and it keeps decoding cheap. */
    private static final int MAX_LENGTH = 128;

    private Base58() {
    }

    public static String encode(byte[] data) {
        StringBuilder sb = new StringBuilder();
        BigInteger n = new BigInteger(1, data);
        while (n.signum() > 0) {
            BigInteger[] qr = n.divideAndRemainder(BASE);
            sb.append(ALPHABET.charAt(qr[1].intValue()));
            n = qr[0];
        }
        for (int i = 0; i < data.length && data[i] == 0; i++) {
            sb.append('1');
        }
        return sb.reverse().toString();
    }

    public static byte[] decode(String s) {
        if (s.isEmpty()) {
            throw new AddressException("empty base58 string");
        }
        if (s.length() > MAX_LENGTH) {
            throw new AddressException("base58 string too long (" + s.length() + " characters)");
        }
        BigInteger n = BigInteger.ZERO;
        for (int i = 0; i < s.length(); i++) {
            int digit = ALPHABET.indexOf(s.charAt(i));
            if (digit < 0) {
                throw new AddressException("invalid base58 character '" + s.charAt(i) + "' at position " + i);
            }
            n = n.multiply(BASE).add(BigInteger.valueOf(digit));
        }
        int zeros = 0;
        while (zeros < s.length() && s.charAt(zeros) == '1') {
            zeros++;
        }
        byte[] mag = n.signum() == 0 ? new byte[0] : n.toByteArray();
        int strip = mag.length > 0 && mag[0] == 0 ? 1 : 0; // BigInteger sign byte
        byte[] out = new byte[zeros + mag.length - strip];
        System.arraycopy(mag, strip, out, zeros, mag.length - strip);
        return out;
    }

    public static String encodeCheck(byte[] payload) {
        byte[] checksum = Sha256d.hash(payload);
        byte[] all = Arrays.copyOf(payload, payload.length + 4);
        System.arraycopy(checksum, 0, all, payload.length, 4);
        return encode(all);
    }

    /** Decodes and verifies the checksum; returns the payload without it. */
    public static byte[] decodeCheck(String s) {
        byte[] all = decode(s);
        if (all.length < 4) {
            throw new AddressException("base58check data too short (" + all.length + " bytes)");
        }
        byte[] payload = Arrays.copyOf(all, all.length - 4);
        byte[] checksum = Sha256d.hash(payload);
        for (int i = 0; i < 4; i++) {
            if (checksum[i] != all[payload.length + i]) {
                throw new AddressException("Base58Check checksum mismatch");
            }
        }
        return payload;
    }
}
