package org.jckpool.connector.link;

import java.nio.charset.StandardCharsets;

/**
 * Finds the {@code "id"} value of a Stratum JSON line without parsing it: the first {@code "id"} key followed
 * by a colon. Requests and the stratifier's replies to them carry the same raw id text (the stratifier copies
 * it), so a reply is matched to its request by a hash of that text. {@code null} or a missing id means no
 * reply is expected. On a passthrough or node link one connection carries many miners, whose ids repeat: their
 * lines and the replies to them carry the miner's {@code "client_id"}, which goes into the hash too, so that one
 * miner's reply never counts as the answer to another's request.
 */
final class StratumIds {
    /** No id, or id null: nothing to wait for. */
    static final long NONE = 0;

    private StratumIds() {
    }

    /** A 64-bit hash (FNV-1a) of the raw id token of the line, or {@link #NONE}. */
    static long idHash(byte[] b, int off, int len) {
        long span = tokenSpan(b, off, len, ID_KEY);
        if (span < 0) {
            return NONE;
        }
        long h = fnv(0xcbf29ce484222325L, b, span);
        long sub = tokenSpan(b, off, len, CLIENT_ID_KEY);
        if (sub >= 0) {
            h = fnv(h ^ '/', b, sub);
        }
        return h == NONE ? 1 : h;
    }

    private static long fnv(long h, byte[] b, long span) {
        int end = (int) span;
        for (int i = (int) (span >>> 32); i < end; i++) {
            h ^= b[i] & 0xff;
            h *= 0x100000001b3L;
        }
        return h;
    }

    /** The raw id token text (a number, or a string with its quotes), or null when there is none or it is null. */
    static String idToken(byte[] b, int off, int len) {
        long span = tokenSpan(b, off, len, ID_KEY);
        if (span < 0) {
            return null;
        }
        int start = (int) (span >>> 32);
        return new String(b, start, (int) span - start, StandardCharsets.UTF_8);
    }

    private static final byte[] ID_KEY = "\"id\"".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] CLIENT_ID_KEY = "\"client_id\"".getBytes(StandardCharsets.US_ASCII);

    /** start << 32 | end of the value token of the first {@code key} (quoted) followed by a colon, or -1. */
    private static long tokenSpan(byte[] b, int off, int len, byte[] key) {
        int end = off + len;
        for (int i = off; i + key.length <= end; i++) {
            if (!startsWith(b, i, key)) {
                continue;
            }
            int p = skipSpace(b, i + key.length, end);
            if (p >= end || b[p] != ':') {
                continue;
            }
            int start = skipSpace(b, p + 1, end);
            if (start >= end) {
                return -1;
            }
            int stop;
            if (b[start] == '"') {
                stop = start + 1;
                while (stop < end && b[stop] != '"') {
                    stop += b[stop] == '\\' ? 2 : 1;
                }
                if (stop >= end) {
                    return -1;
                }
                stop++;
            } else {
                stop = start;
                while (stop < end && b[stop] != ',' && b[stop] != '}' && b[stop] != ' ' && b[stop] != '\t') {
                    stop++;
                }
                if (stop == start || (stop - start == 4 && b[start] == 'n' && b[start + 1] == 'u'
                        && b[start + 2] == 'l' && b[start + 3] == 'l')) {
                    return -1;
                }
            }
            return ((long) start << 32) | stop;
        }
        return -1;
    }

    private static boolean startsWith(byte[] b, int at, byte[] key) {
        for (int k = 0; k < key.length; k++) {
            if (b[at + k] != key[k]) {
                return false;
            }
        }
        return true;
    }

    private static int skipSpace(byte[] b, int p, int end) {
        while (p < end && (b[p] == ' ' || b[p] == '\t' || b[p] == '\r' || b[p] == '\n')) {
            p++;
        }
        return p;
    }
}
