package org.jckpool.testminer.load;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.jckpool.libpool.bitcoin.Hex;
import org.jckpool.testminer.stratum.StratumRequests;
import org.jckpool.testminer.work.HeaderBuilder;
import org.junit.jupiter.api.Test;

class FakeSubmitEncoderTest {
    @Test
    void writesTheSameLineAsTheGeneralSubmitBuilder() {
        String[][] workers = {{"bench.1", "1f"}, {"bcrt1qw508d6qejxtdg4y5r3zarvary0c5xw7kygt080.rig", "6a2b00000001"},
            {"we\"ird\\name", "j\u00e9b"}};
        long[] ids = {0, 7, 12_345_678_901L, Long.MAX_VALUE};
        long[] counters = {0, 1, 0xff, 0x1234_5678_9abcL, -1L};
        for (String[] wj : workers) {
            byte[] middle = FakeSubmitEncoder.middle(wj[0], wj[1]);
            for (long id : ids) {
                for (long counter : counters) {
                    for (int size = 1; size <= 8; size++) {
                        for (Long vbits : new Long[] {null, 0L, 0x1fffe000L}) {
                            ByteBuffer out = ByteBuffer.allocate(512);
                            FakeSubmitEncoder.put(out, id, middle, counter, size, 0x6623_07b7L, 0xdead_beefL, vbits);
                            String expected = StratumRequests.submit(id, wj[0], wj[1],
                                    Hex.encode(HeaderBuilder.extranonce2(counter, size)), 0x6623_07b7L,
                                    0xdead_beefL, vbits) + "\n";
                            assertThat(new String(out.array(), 0, out.position(), StandardCharsets.UTF_8))
                                    .isEqualTo(expected);
                            assertThat(out.position()).isLessThanOrEqualTo(
                                    middle.length + 2 * size + FakeSubmitEncoder.FIXED_BYTES);
                        }
                    }
                }
            }
        }
    }
}
