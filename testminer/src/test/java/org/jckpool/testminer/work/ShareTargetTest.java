package org.jckpool.testminer.work;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigInteger;
import java.util.Random;
import org.jckpool.libpool.bitcoin.Hex;
import org.jckpool.libpool.bitcoin.Target;
import org.junit.jupiter.api.Test;

class ShareTargetTest {
    @Test
    void agreesWithTheBigIntegerComparisonOnRandomAndEdgeHashes() {
        Random rnd = new Random(42);
        for (double d : new double[] {1, 0.001, 1e-7, 2.5, 1e6, 4.6565423739069247e-10}) {
            ShareTarget t = ShareTarget.ofDifficulty(d);
            BigInteger target = Target.fromDifficulty(d);
            for (int i = 0; i < 2000; i++) {
                byte[] hash = new byte[32];
                rnd.nextBytes(hash);
                // Make the high bytes small often, so both outcomes occur.
                int zeros = rnd.nextInt(8);
                for (int z = 0; z < zeros; z++) {
                    hash[31 - z] = 0;
                }
                assertThat(t.isMetBy(hash)).as("d=%s hash=%s", d, Hex.encode(hash)).isEqualTo(Target.meets(hash, target));
            }
            byte[] exact = Hex.reverse(toBytes32(target));
            assertThat(t.isMetBy(exact)).isTrue();
            if (target.signum() > 0) {
                byte[] above = Hex.reverse(toBytes32(target.add(BigInteger.ONE)));
                assertThat(t.isMetBy(above)).isFalse();
            }
        }
    }

    @Test
    void fractionalDifficultyTargetIsFloorOfDiff1OverD() {
        ShareTarget t = ShareTarget.ofDifficulty(0.001);
        // 0.001 as a double is slightly above 1/1000, so the exact floor is just below diff1 * 1000.
        assertThat(t.value()).isLessThanOrEqualTo(Target.DIFF1.multiply(BigInteger.valueOf(1000)));
        assertThat(t.value()).isGreaterThan(Target.DIFF1.multiply(BigInteger.valueOf(999)));
    }

    private static byte[] toBytes32(BigInteger v) {
        byte[] raw = v.toByteArray();
        byte[] out = new byte[32];
        int n = Math.min(32, raw.length);
        System.arraycopy(raw, raw.length - n, out, 32 - n, n);
        return out;
    }
}
