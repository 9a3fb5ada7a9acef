package org.jckpool.libpool.bitcoin;

/** Script building: data pushes and numbers encoded exactly as Bitcoin Core's {@code CScript <<}. */
public final class Script {
    public static final int OP_0 = 0x00;
    public static final int OP_PUSHDATA1 = 0x4c;
    public static final int OP_PUSHDATA2 = 0x4d;
    public static final int OP_PUSHDATA4 = 0x4e;
    public static final int OP_1NEGATE = 0x4f;
    public static final int OP_1 = 0x51;
    public static final int OP_16 = 0x60;
    public static final int OP_RETURN = 0x6a;
    public static final int OP_DUP = 0x76;
    public static final int OP_EQUAL = 0x87;
    public static final int OP_EQUALVERIFY = 0x88;
    public static final int OP_HASH160 = 0xa9;
    public static final int OP_CHECKSIG = 0xac;

    private Script() {
    }

    /** The push of {@code data}: length opcode (or PUSHDATA1/2/4) followed by the bytes. */
    public static byte[] push(byte[] data) {
        ByteWriter w = new ByteWriter(data.length + 5);
        int n = data.length;
        if (n < OP_PUSHDATA1) {
            w.u8(n);
        } else if (n <= 0xff) {
            w.u8(OP_PUSHDATA1).u8(n);
        } else if (n <= 0xffff) {
            w.u8(OP_PUSHDATA2).u16(n);
        } else {
            w.u8(OP_PUSHDATA4).u32(n);
        }
        return w.bytes(data).toByteArray();
    }

    /**
     * Minimal script-number encoding of v (CScriptNum): little-endian magnitude, sign bit in the top byte,
     * a 0x00/0x80 pad byte when the magnitude's top bit is already set. Zero is the empty array.
     */
    public static byte[] num(long v) {
        if (v == 0) {
            return new byte[0];
        }
        boolean negative = v < 0;
        // Long.MIN_VALUE has no positive counterpart; its magnitude still fits the unsigned arithmetic below.
        long abs = negative ? -v : v;
        ByteWriter w = new ByteWriter(9);
        int count = 0;
        int last = 0;
        while (abs != 0) {
            last = (int) (abs & 0xff);
            w.u8(last);
            abs >>>= 8;
            count++;
        }
        byte[] out = w.toByteArray();
        if ((last & 0x80) != 0) {
            byte[] padded = new byte[count + 1];
            System.arraycopy(out, 0, padded, 0, count);
            padded[count] = (byte) (negative ? 0x80 : 0x00);
            return padded;
        }
        if (negative) {
            out[count - 1] |= (byte) 0x80;
        }
        return out;
    }

    /** Core's {@code CScript() << n}: OP_0, OP_1NEGATE, OP_1..OP_16, otherwise a push of {@link #num(long)}. */
    public static byte[] pushInt(long n) {
        if (n == 0) {
            return new byte[] {(byte) OP_0};
        }
        if (n == -1) {
            return new byte[] {(byte) OP_1NEGATE};
        }
        if (n >= 1 && n <= 16) {
            return new byte[] {(byte) (OP_1 + n - 1)};
        }
        return push(num(n));
    }

    /** The BIP34 height push a coinbase scriptSig must begin with (OP_1..OP_16 for heights 1..16). */
    public static byte[] bip34Height(long height) {
        if (height < 0) {
            throw new IllegalArgumentException("negative block height " + height);
        }
        return pushInt(height);
    }

    public static byte[] p2pkh(byte[] hash160) {
        requireLength(hash160, 20, "P2PKH hash");
        return new ByteWriter(25).u8(OP_DUP).u8(OP_HASH160).u8(20).bytes(hash160).u8(OP_EQUALVERIFY)
                .u8(OP_CHECKSIG).toByteArray();
    }

    public static byte[] p2sh(byte[] hash160) {
        requireLength(hash160, 20, "P2SH hash");
        return new ByteWriter(23).u8(OP_HASH160).u8(20).bytes(hash160).u8(OP_EQUAL).toByteArray();
    }

    /** Witness output: OP_0 or OP_version (0x50 + v), then the program push. */
    public static byte[] witness(int version, byte[] program) {
        if (version < 0 || version > 16) {
            throw new IllegalArgumentException("witness version " + version + " outside 0..16");
        }
        if (program.length < 2 || program.length > 40) {
            throw new IllegalArgumentException("witness program length " + program.length + " outside 2..40");
        }
        return new ByteWriter(program.length + 2).u8(version == 0 ? OP_0 : 0x50 + version).u8(program.length)
                .bytes(program).toByteArray();
    }

    private static void requireLength(byte[] b, int len, String what) {
        if (b.length != len) {
            throw new IllegalArgumentException(what + " must be " + len + " bytes, got " + b.length);
        }
    }
}
