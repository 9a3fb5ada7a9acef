package org.jckpool.libpool.bitcoin;

import java.io.ByteArrayOutputStream;
import java.util.Arrays;
import java.util.Locale;

/** BIP173 bech32 and BIP350 bech32m encoding, plus segwit address helpers. */
public final class Bech32 {
    public enum Encoding {
        BECH32(1), BECH32M(0x2bc830a3);

        final int constant;

        Encoding(int constant) {
            this.constant = constant;
        }
    }

    /** A decoded string: lower-case HRP, the 5-bit data values (checksum removed) and the checksum variant. */
    public record Decoded(String hrp, byte[] data, Encoding encoding) {
    }

    /** A decoded segwit address. */
    public record SegwitAddress(String hrp, int version, byte[] program) {
    }

    private static final String CHARSET = "qpzry9x8gf2tvdw0s3jn54khce6mua7l";
    private static final int[] GENERATOR = {0x3b6a57b2, 0x26508e6d, 0x1ea119fa, 0x3d4233dd, 0x2a1462b3};
    private static final int MAX_LENGTH = 90;

    private Bech32() {
    }

    private static int polymod(byte[] values) {
        int chk = 1;
        for (byte v : values) {
            int top = chk >>> 25;
            chk = ((chk & 0x1ffffff) << 5) ^ (v & 0xff);
            for (int i = 0; i < 5; i++) {
                if (((top >>> i) & 1) != 0) {
                    chk ^= GENERATOR[i];
                }
            }
        }
        return chk;
    }

    private static byte[] hrpExpand(String hrp) {
        int n = hrp.length();
        byte[] out = new byte[2 * n + 1];
        for (int i = 0; i < n; i++) {
            out[i] = (byte) (hrp.charAt(i) >>> 5);
            out[n + 1 + i] = (byte) (hrp.charAt(i) & 31);
        }
        return out;
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    public static String encode(String hrp, byte[] data5, Encoding encoding) {
        String lowerHrp = hrp.toLowerCase(Locale.ROOT);
        byte[] values = concat(hrpExpand(lowerHrp), data5);
        int mod = polymod(concat(values, new byte[6])) ^ encoding.constant;
        StringBuilder sb = new StringBuilder(lowerHrp).append('1');
        for (byte d : data5) {
            sb.append(CHARSET.charAt(d));
        }
        for (int i = 0; i < 6; i++) {
            sb.append(CHARSET.charAt((mod >>> (5 * (5 - i))) & 31));
        }
        return sb.toString();
    }

    /** Decodes either variant; throws {@link AddressException} naming the problem. */
    public static Decoded decode(String s) {
        if (s.length() > MAX_LENGTH) {
            throw new AddressException("bech32 string too long (" + s.length() + " > 90 characters)");
        }
        boolean lower = false;
        boolean upper = false;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 33 || c > 126) {
                throw new AddressException("invalid character (code " + (int) c + ") at position " + i);
            }
            lower |= c >= 'a' && c <= 'z';
            upper |= c >= 'A' && c <= 'Z';
        }
        if (lower && upper) {
            throw new AddressException("mixed upper and lower case");
        }
        String str = s.toLowerCase(Locale.ROOT);
        int sep = str.lastIndexOf('1');
        if (sep < 1) {
            throw new AddressException("missing human-readable part or '1' separator");
        }
        if (str.length() - sep - 1 < 6) {
            throw new AddressException("data part shorter than the 6-character checksum");
        }
        String hrp = str.substring(0, sep);
        byte[] values = new byte[str.length() - sep - 1];
        for (int i = 0; i < values.length; i++) {
            int d = CHARSET.indexOf(str.charAt(sep + 1 + i));
            if (d < 0) {
                throw new AddressException("invalid bech32 character '" + str.charAt(sep + 1 + i) + "'");
            }
            values[i] = (byte) d;
        }
        int check = polymod(concat(hrpExpand(hrp), values));
        Encoding enc;
        if (check == Encoding.BECH32.constant) {
            enc = Encoding.BECH32;
        } else if (check == Encoding.BECH32M.constant) {
            enc = Encoding.BECH32M;
        } else {
            throw new AddressException("bad bech32/bech32m checksum");
        }
        return new Decoded(hrp, Arrays.copyOf(values, values.length - 6), enc);
    }

    /** Regroups bits; when decoding (pad=false) more than 4 padding bits or non-zero padding are errors. */
    public static byte[] convertBits(byte[] in, int fromBits, int toBits, boolean pad) {
        int acc = 0;
        int bits = 0;
        int maxv = (1 << toBits) - 1;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte b : in) {
            int value = b & 0xff;
            if ((value >>> fromBits) != 0) {
                throw new AddressException("value " + value + " does not fit in " + fromBits + " bits");
            }
            acc = (acc << fromBits) | value;
            bits += fromBits;
            while (bits >= toBits) {
                bits -= toBits;
                out.write((acc >>> bits) & maxv);
            }
        }
        if (pad) {
            if (bits > 0) {
                out.write((acc << (toBits - bits)) & maxv);
            }
        } else if (bits >= fromBits) {
            throw new AddressException("more than 4 padding bits");
        } else if (((acc << (toBits - bits)) & maxv) != 0) {
            throw new AddressException("non-zero padding bits");
        }
        return out.toByteArray();
    }

    /** Decodes and checks a segwit address (BIP173/BIP350 rules) without checking the HRP. */
    public static SegwitAddress decodeSegwit(String address) {
        Decoded d = decode(address);
        if (d.data().length == 0) {
            throw new AddressException("empty data part (no witness version)");
        }
        int version = d.data()[0];
        if (version > 16) {
            throw new AddressException("witness version " + version + " > 16");
        }
        byte[] program = convertBits(Arrays.copyOfRange(d.data(), 1, d.data().length), 5, 8, false);
        if (program.length < 2 || program.length > 40) {
            throw new AddressException("witness program of " + program.length + " bytes (must be 2..40)");
        }
        if (version == 0 && program.length != 20 && program.length != 32) {
            throw new AddressException("v0 witness program of " + program.length + " bytes (must be 20 or 32)");
        }
        if (version == 0 && d.encoding() != Encoding.BECH32) {
            throw new AddressException("witness v0 address with bech32m checksum (v0 needs bech32)");
        }
        if (version != 0 && d.encoding() != Encoding.BECH32M) {
            throw new AddressException("witness v" + version + " address with bech32 checksum (v1+ needs bech32m)");
        }
        return new SegwitAddress(d.hrp(), version, program);
    }

    public static String encodeSegwit(String hrp, int version, byte[] program) {
        byte[] data5 = convertBits(program, 8, 5, true);
        byte[] data = new byte[data5.length + 1];
        data[0] = (byte) version;
        System.arraycopy(data5, 0, data, 1, data5.length);
        String s = encode(hrp, data, version == 0 ? Encoding.BECH32 : Encoding.BECH32M);
        decodeSegwit(s); // rejects invalid version/program combinations
        return s;
    }
}
