package org.jckpool.libpool.stratum;

/**
 * The upstream's answer to one {@code mining.submit}: accepted, or rejected with the pool's error (null when it
 * only said false); {@code lost} when the connection closed or no answer came in time.
 */
public record SubmitResult(boolean accepted, boolean lost, StratumError error, long roundTripMillis) {
    public static SubmitResult lost(String why) {
        return new SubmitResult(false, true, new StratumError(-1, why), -1);
    }

    /** A short reason for logs and metrics: "accepted", the pool's message, or "lost: why". */
    public String reason() {
        if (accepted) {
            return "accepted";
        }
        if (error == null) {
            return "rejected";
        }
        return lost ? "lost: " + error.message() : error.message();
    }

    /** True when the pool said the share was stale (ckpool: "Stale", others "job not found"). */
    public boolean stale() {
        if (accepted || error == null || error.message() == null) {
            return false;
        }
        String m = error.message().toLowerCase(java.util.Locale.ROOT);
        return m.contains("stale") || m.contains("job not found") || error.code() == 21;
    }
}
