package org.jckpool.ckdb.store;

import java.time.Instant;

/** UTC timestamps as PostgreSQL reads them, formatting each second once per thread (shares share seconds). */
final class TimeText {
    private static final ThreadLocal<long[]> LAST_SECOND = ThreadLocal.withInitial(() -> new long[] {Long.MIN_VALUE});
    private static final ThreadLocal<String[]> LAST_TEXT = ThreadLocal.withInitial(() -> new String[1]);

    private TimeText() {
    }

    static String utc(long millis) {
        long second = Math.floorDiv(millis, 1000);
        int ms = (int) Math.floorMod(millis, 1000);
        long[] last = LAST_SECOND.get();
        String[] text = LAST_TEXT.get();
        if (last[0] != second) {
            String full = Instant.ofEpochSecond(second).toString();
            text[0] = full.substring(0, full.length() - 1);
            last[0] = second;
        }
        StringBuilder sb = new StringBuilder(text[0].length() + 6).append(text[0]).append('.');
        if (ms < 100) {
            sb.append('0');
        }
        if (ms < 10) {
            sb.append('0');
        }
        return sb.append(ms).append('Z').toString();
    }
}
