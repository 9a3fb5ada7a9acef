package org.jckpool.libpool.bitcoin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.Test;

class HexAndHashTest {
    @Test
    void hexRoundTripAndErrors() {
        byte[] b = {0, 1, (byte) 0xab, (byte) 0xff};
        assertThat(Hex.encode(b)).isEqualTo("0001abff");
        assertThat(Hex.decode("0001ABff")).isEqualTo(b);
        assertThat(Hex.reverse(b)).containsExactly((byte) 0xff, (byte) 0xab, 1, 0);
        assertThat(b[0]).isZero(); // reverse returns a new array
        assertThatThrownBy(() -> Hex.decode("abc")).hasMessageContaining("odd length");
        assertThatThrownBy(() -> Hex.decode("zz")).hasMessageContaining("invalid hex");
        assertThat(Hex.isHex("00ff")).isTrue();
        assertThat(Hex.isHex("0g")).isFalse();
    }

    @Test
    void sha256dKnownValues() {
        // H("") and H("hello") from sha256(sha256(x))
        assertThat(Hex.encode(Sha256d.hash(new byte[0])))
                .isEqualTo("5df6e0e2761359d30a8275058e299fcc0381534545f55cf43e41983f5d4c9456");
        assertThat(Hex.encode(Sha256d.hash("hello".getBytes(StandardCharsets.US_ASCII))))
                .isEqualTo("9595c9df90075148eb06860365df33584b75bff782a510c6cd4883a419833d50");
        byte[] data = "xxhelloyy".getBytes(StandardCharsets.US_ASCII);
        assertThat(Sha256d.hash(data, 2, 5)).isEqualTo(Sha256d.hash("hello".getBytes(StandardCharsets.US_ASCII)));
    }

    @Test
    void headerHasherMatchesPlainHashWithAndWithoutSharedPrefix() {
        HeaderHasher hasher = new HeaderHasher();
        Random rnd = new Random(42);
        byte[] header = new byte[80];
        for (int i = 0; i < 200; i++) {
            if (i % 50 == 0) {
                rnd.nextBytes(header); // new prefix now and then; otherwise only the tail changes
            }
            header[76] = (byte) i;
            header[70] = (byte) (i * 7);
            assertThat(hasher.hash(header)).isEqualTo(Sha256d.hash(header));
            assertThat(hasher.hashWithoutMidstate(header)).isEqualTo(Sha256d.hash(header));
        }
        assertThatThrownBy(() -> hasher.hash(new byte[79])).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void byteWriterAndReaderRoundTripVarInts() {
        long[] values = {0, 1, 0xfc, 0xfd, 0xffff, 0x10000, 0xffffffffL, 0x100000000L, Long.MAX_VALUE};
        int[] sizes = {1, 1, 1, 3, 3, 5, 5, 9, 9};
        ByteWriter w = new ByteWriter(4);
        for (int i = 0; i < values.length; i++) {
            int before = w.size();
            w.varInt(values[i]);
            assertThat(w.size() - before).isEqualTo(sizes[i]).isEqualTo(ByteWriter.varIntSize(values[i]));
        }
        w.u8(0x12).u16(0x3456).u32(0x89abcdefL).u64(-2L);
        ByteReader r = new ByteReader(w.toByteArray());
        for (long v : values) {
            assertThat(r.varInt()).isEqualTo(v);
        }
        assertThat(r.u8()).isEqualTo(0x12);
        assertThat(r.u16()).isEqualTo(0x3456);
        assertThat(r.u32()).isEqualTo(0x89abcdefL);
        assertThat(r.u64()).isEqualTo(-2L);
        assertThat(r.atEnd()).isTrue();
        assertThatThrownBy(r::u8).isInstanceOf(ParseException.class).hasMessageContaining("truncated");
        assertThat(Hex.encode(new ByteWriter().varInt(0xfd).toByteArray())).isEqualTo("fdfd00");
        for (String nonCanonical : new String[] {"fdfc00", "feffff0000", "ffffffffff00000000"}) {
            assertThatThrownBy(() -> new ByteReader(Hex.decode(nonCanonical)).varInt())
                    .isInstanceOf(ParseException.class).hasMessageContaining("non-canonical");
        }
        assertThat(Hex.encode(new ByteWriter().u32(1).toByteArray())).isEqualTo("01000000");
    }

    @Test
    void stratumEncodings() {
        byte[] internal = Hex.fromRpc("00000000000008a3a41b85b8b29ad444def299fee21793cd8b9e567eab02cd81");
        assertThat(Hex.encode(internal)).isEqualTo("81cd02ab7e569e8bcd9317e2fe99f2de44d49ab2b8851ba4a308000000000000");
        assertThat(StratumEncoding.prevHash(internal))
                .isEqualTo("ab02cd818b9e567ee21793cddef299feb29ad444a41b85b8000008a300000000");
        assertThat(StratumEncoding.parsePrevHash(StratumEncoding.prevHash(internal))).isEqualTo(internal);
        assertThat(StratumEncoding.hex32(0x20000000L)).isEqualTo("20000000");
        assertThat(StratumEncoding.hex32(0x9546a142L)).isEqualTo("9546a142");
        assertThat(StratumEncoding.hex32(0L)).isEqualTo("00000000");
        assertThat(StratumEncoding.hex32(0xabc_0000_00ffL)).as("only the low 32 bits").isEqualTo("000000ff");
        assertThat(StratumEncoding.parseHex32("9546a142")).isEqualTo(2504433986L);
        assertThatThrownBy(() -> StratumEncoding.parseHex32("123")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> StratumEncoding.parseHex32("1234567g")).isInstanceOf(IllegalArgumentException.class);
        // vector (c)
        assertThat(StratumEncoding.prevHash(
                Hex.fromRpc("0000000000000000000251eb48050f15236097d4ff9c03b452e3847948d12fc6")))
                .isEqualTo("48d12fc652e38479ff9c03b4236097d448050f15000251eb0000000000000000");
    }
}
