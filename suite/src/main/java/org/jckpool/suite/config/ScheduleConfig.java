package org.jckpool.suite.config;

/**
 * The scheduling proxy's {@code "schedule"} block (used when every {@code proxy} entry has a {@code weight}, or
 * with {@code auto} when every entry has a {@code price}).
 *
 * @param sliceMillis how long the proxy stays on one upstream before the scheduler may pick another: no upstream
 *                    (and so no miner) is switched more often than this
 * @param graceMillis after a switch, shares for the previous upstream's jobs are still forwarded to it this long
 * @param auto        auto-balance: the weights follow the entries' prices (all to the best-paying healthy upstream)
 */
public record ScheduleConfig(long sliceMillis, long graceMillis, boolean auto) {
    public static final ScheduleConfig DEFAULT = new ScheduleConfig(30_000, 10_000);
    public static final double MIN_SLICE_SECONDS = 0.5;
    public static final double MAX_SLICE_SECONDS = 3600;
    public static final double MAX_GRACE_SECONDS = 600;

    public ScheduleConfig(long sliceMillis, long graceMillis) {
        this(sliceMillis, graceMillis, false);
    }
}
