package org.jckpool.testminer.load;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.jckpool.testminer.stratum.StratumRequests;

/**
 * Writes the load mode's fake submits as bytes straight into a buffer: the same line as
 * {@link StratumRequests#submit} plus its newline, with no String, builder or array made per submit. The part
 * that depends only on worker and job ({@link #middle}) is encoded once per job by the caller.
 */
final class FakeSubmitEncoder {
    /** Room a submit needs beyond its middle and extranonce2: id, ntime, nonce, version bits, punctuation. */
    static final int FIXED_BYTES = 96;

    private static final byte[] HEX = "0123456789abcdef".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] ID_OPEN = "{\"id\":".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] BETWEEN = "\",\"".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] CLOSE = "\"]}\n".getBytes(StandardCharsets.US_ASCII);

    private FakeSubmitEncoder() {
    }

    /** The bytes between a submit's id and its extranonce2 digits, for {@link #put}. */
    static byte[] middle(String worker, String jobId) {
        return (StratumRequests.submitMiddle(worker, jobId) + "\"").getBytes(StandardCharsets.UTF_8);
    }

    /**
     * Puts {@code {"id":id,"method":"mining.submit","params":["worker","job","en2","ntime","nonce"(,"vbits")]}\n}
     * into {@code out}, which has room for {@code middle.length + 2 * extranonce2Size + FIXED_BYTES};
     * extranonce2 is {@code extranonce2Size} bytes of the counter, big-endian.
     */
    static void put(ByteBuffer out, long id, byte[] middle, long extranonce2, int extranonce2Size, long ntime,
                    long nonce, Long versionBits) {
        out.put(ID_OPEN);
        putDecimal(out, id);
        out.put(middle);
        for (int shift = (extranonce2Size - 1) * 8; shift >= 0; shift -= 8) {
            int v = shift >= 64 ? 0 : (int) (extranonce2 >>> shift) & 0xff;
            out.put(HEX[v >>> 4]).put(HEX[v & 0xf]);
        }
        out.put(BETWEEN);
        putHex32(out, ntime);
        out.put(BETWEEN);
        putHex32(out, nonce);
        if (versionBits != null) {
            out.put(BETWEEN);
            putHex32(out, versionBits);
        }
        out.put(CLOSE);
    }

    private static void putHex32(ByteBuffer out, long v) {
        for (int shift = 28; shift >= 0; shift -= 4) {
            out.put(HEX[(int) (v >>> shift) & 0xf]);
        }
    }

    /** {@code v} ≥ 0 (submit ids count up from 1). */
    private static void putDecimal(ByteBuffer out, long v) {
        long div = 1;
        while (v / div >= 10) {
            div *= 10;
        }
        for (; div > 0; div /= 10) {
            out.put((byte) ('0' + v / div % 10));
        }
    }
}
