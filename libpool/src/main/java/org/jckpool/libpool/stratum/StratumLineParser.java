package org.jckpool.libpool.stratum;

import java.nio.charset.StandardCharsets;

/**
 * Parses Stratum v1 lines from their UTF-8 bytes: the usual flat line on the fast path ({@link FlatLineReader}),
 * anything else decoded and given to the general path ({@link StratumCodec#parse}), so the message, or the error,
 * is the same either way. Lines longer than the limit are refused. Thread-safe.
 */
public final class StratumLineParser {
    /** A miner's request is well under this; ckpool's connector refuses longer lines too. */
    public static final int REQUEST_LINE_LIMIT = 16 * 1024;

    private final int maxLineBytes;

    /** @param maxLineBytes longer lines are refused with {@link StratumProtocolException} */
    public StratumLineParser(int maxLineBytes) {
        if (maxLineBytes <= 0) {
            throw new IllegalArgumentException("maxLineBytes must be positive: " + maxLineBytes);
        }
        this.maxLineBytes = maxLineBytes;
    }

    /** The message in {@code len} bytes of {@code buf} from {@code off} (no line terminator; nothing kept). */
    public StratumMessage parse(byte[] buf, int off, int len) {
        if (len > maxLineBytes) {
            throw tooLong(len);
        }
        StratumMessage flat = FlatLineReader.read(buf, off, len);
        return flat != null ? flat : StratumCodec.parse(new String(buf, off, len, StandardCharsets.UTF_8));
    }

    /** As {@link #parse(byte[], int, int)} for a line already decoded (the limit counts its characters). */
    public StratumMessage parse(String line) {
        if (line.length() > maxLineBytes) {
            throw tooLong(line.length());
        }
        return StratumCodec.parse(line);
    }

    private StratumProtocolException tooLong(int length) {
        return new StratumProtocolException("line of " + length + " bytes exceeds " + maxLineBytes);
    }
}
