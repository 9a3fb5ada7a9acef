package org.jckpool.libpool.bitcoin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.RoundingMode;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class ScriptAndTargetTest {
    @ParameterizedTest
    @CsvSource({"1,51", "16,60", "17,0111", "127,017f", "128,028000", "255,02ff00", "256,020001", "32767,02ff7f",
            "32768,03008000", "65535,03ffff00", "65536,03000001", "500000,0320a107", "840000,0340d10c",
            "8388607,03ffff7f", "8388608,0400008000", "0,00"})
    void bip34HeightVectors(long height, String hex) {
        assertThat(Hex.encode(Script.bip34Height(height))).isEqualTo(hex);
    }

    @Test
    void scriptNumAndPushes() {
        assertThat(Script.num(0)).isEmpty();
        assertThat(Hex.encode(Script.num(-1))).isEqualTo("81");
        assertThat(Hex.encode(Script.num(-128))).isEqualTo("8080");
        assertThat(Hex.encode(Script.num(-255))).isEqualTo("ff80");
        assertThat(Hex.encode(Script.num(Long.MIN_VALUE))).isEqualTo("000000000000008080");
        assertThat(Hex.encode(Script.pushInt(-1))).isEqualTo("4f");
        assertThat(Hex.encode(Script.push(Hex.decode("2f4a506f6f6c2f")))).isEqualTo("072f4a506f6f6c2f");
        assertThat(Hex.encode(Script.push(new byte[75])).substring(0, 2)).isEqualTo("4b");
        assertThat(Hex.encode(Script.push(new byte[76])).substring(0, 4)).isEqualTo("4c4c");
        assertThat(Hex.encode(Script.push(new byte[256])).substring(0, 6)).isEqualTo("4d0001");
        assertThat(Hex.encode(Script.push(new byte[70000])).substring(0, 10)).isEqualTo("4e70110100");
        assertThatThrownBy(() -> Script.bip34Height(-1)).isInstanceOf(IllegalArgumentException.class);
        assertThat(Hex.encode(Script.witness(1, new byte[2]))).isEqualTo("51020000");
    }

    @ParameterizedTest
    @CsvSource({
        "1d00ffff,00000000ffff0000000000000000000000000000000000000000000000000000,1.0",
        "1a44b9f2,00000000000044b9f20000000000000000000000000000000000000000000000,244112.48777433642",
        "207fffff,7fffff0000000000000000000000000000000000000000000000000000000000,4.6565423739069247e-10",
        "17034219,0000000000000000000342190000000000000000000000000000000000000000,86388558925171.02"})
    void nbitsTargetDifficultyVectors(String bits, String targetHex, double difficulty) {
        long nbits = Long.parseLong(bits, 16);
        BigInteger target = Target.fromCompact(nbits);
        assertThat(Target.toHex(target)).isEqualTo(targetHex);
        assertThat(Target.toCompact(target)).isEqualTo(nbits);
        assertThat(Target.difficultyOf(target)).isEqualTo(difficulty);
        assertThat(Target.difficultyOfCompact(nbits)).isEqualTo(difficulty);
        assertThat(Target.fromCompactHex(bits)).isEqualTo(target);
    }

    @Test
    void compactEdgeCases() {
        assertThat(Target.fromCompact(0x01003456L)).isZero();
        assertThat(Target.fromCompact(0x01123456L)).isEqualTo(BigInteger.valueOf(0x12));
        assertThat(Target.fromCompact(0x02123456L)).isEqualTo(BigInteger.valueOf(0x1234));
        assertThat(Target.fromCompact(0x05009234L)).isEqualTo(BigInteger.valueOf(0x92340000L));
        assertThatThrownBy(() -> Target.fromCompact(0x04923456L)).hasMessageContaining("negative");
        assertThatThrownBy(() -> Target.fromCompact(0xff123456L)).hasMessageContaining("overflow");
        assertThat(Target.toCompact(BigInteger.valueOf(0x80))).isEqualTo(0x02008000L);
        assertThat(Target.toCompact(BigInteger.ZERO)).isZero();
        assertThat(Target.toCompact(BigInteger.valueOf(0x12345600L))).isEqualTo(0x04123456L);
    }

    @Test
    void fromDifficultyIsExactFloorForFractionalValues() {
        assertThat(Target.fromDifficulty(1.0)).isEqualTo(Target.DIFF1);
        assertThat(Target.fromDifficulty(2.0)).isEqualTo(Target.DIFF1.shiftRight(1));
        for (double d : new double[] {0.001, 0.1, 1.5, 3.3333, 1024.7, 65536.0, 1e-9, 123456789.123}) {
            BigInteger t = Target.fromDifficulty(d);
            BigDecimal exact = new BigDecimal(Target.DIFF1).divide(new BigDecimal(d), 0, RoundingMode.FLOOR);
            assertThat(t).as("d=%s", d).isEqualTo(exact.toBigIntegerExact());
            // floor: t*d <= diff1 < (t+1)*d
            BigDecimal dd = new BigDecimal(d);
            assertThat(new BigDecimal(t).multiply(dd)).isLessThanOrEqualTo(new BigDecimal(Target.DIFF1));
            assertThat(new BigDecimal(t.add(BigInteger.ONE)).multiply(dd)).isGreaterThan(new BigDecimal(Target.DIFF1));
        }
        // d = 0.1 is not exactly 1/10: the exact double value must be used, not 10 * diff1
        assertThat(Target.fromDifficulty(0.1)).isNotEqualTo(Target.DIFF1.multiply(BigInteger.TEN));
        assertThat(Target.fromDifficulty(1e-300)).isEqualTo(Target.MAX);
        assertThatThrownBy(() -> Target.fromDifficulty(0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Target.fromDifficulty(Double.NaN)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Target.fromDifficulty(-1)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void hashValueIsLittleEndianAndMeetsIsInclusive() {
        byte[] hash = Hex.decode("91795cbb4cf9334fd34862a251b44e1e27f7a24478bf52cbcd3be0b300000000");
        BigInteger v = Target.hashValue(hash);
        assertThat(Target.toHex(v)).isEqualTo("00000000b3e03bcdcb52bf7844a2f7271e4eb451a26248d34f33f94cbb5c7991");
        assertThat(Target.hashDifficulty(hash)).isEqualTo(1.423181626391509);
        assertThat(Target.meets(hash, v)).isTrue();
        assertThat(Target.meets(hash, v.subtract(BigInteger.ONE))).isFalse();
        assertThat(Target.meets(hash, Target.DIFF1)).isTrue();
        assertThat(Target.meets(hash, Target.fromCompact(0x17034219L))).isFalse();
        assertThat(Target.hashDifficulty(new byte[32])).isEqualTo(Double.POSITIVE_INFINITY);
    }
}
