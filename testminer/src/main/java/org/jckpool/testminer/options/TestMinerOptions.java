package org.jckpool.testminer.options;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** Command line of scripts/testminer (mining mode, and load mode with --load). */
@Command(name = "testminer", mixinStandardHelpOptions = true, version = "jckpool-testminer/0.1",
        sortOptions = false, usageHelpWidth = 110,
        description = {"Stratum v1 CPU miner (default) and connection/share load generator (--load).",
                "Machine-readable event lines go to stdout, diagnostics to stderr."})
public final class TestMinerOptions {
    @Option(names = {"-o", "--url"}, required = true, paramLabel = "URL",
            description = "Pool address: stratum+tcp://host:port (or host:port).")
    public String url;

    @Option(names = {"-u", "--user"}, defaultValue = "testminer", paramLabel = "USER[.WORKER]",
            description = "Worker name to authorize (load mode appends .w<N>). Default: ${DEFAULT-VALUE}.")
    public String user;

    @Option(names = {"-p", "--pass"}, defaultValue = "x", description = "Password. Default: ${DEFAULT-VALUE}.")
    public String password;

    @Option(names = {"-t", "--threads"}, defaultValue = "1",
            description = "Hashing threads (load mode: threads that grind --valid shares). Default: ${DEFAULT-VALUE}.")
    public int threads;

    @Option(names = "--agent", defaultValue = "jckpool-testminer/0.1",
            description = "User agent sent in mining.subscribe. Default: ${DEFAULT-VALUE}.")
    public String agent;

    @Option(names = "--session", paramLabel = "ID",
            description = "Session id to resume in the first mining.subscribe (reconnects reuse the pool's own).")
    public String session;

    @Option(names = "--version-rolling", description = "Send mining.configure with version-rolling (BIP310) and roll version bits.")
    public boolean versionRolling;

    @Option(names = "--version-mask", defaultValue = "1fffe000", paramLabel = "HEX",
            description = "Mask asked for with --version-rolling. Default: ${DEFAULT-VALUE}.")
    public String versionMask;

    @Option(names = "--min-bit-count", defaultValue = "2",
            description = "version-rolling.min-bit-count. Default: ${DEFAULT-VALUE}.")
    public int minBitCount;

    @Option(names = "--extranonce-subscribe", description = "Send mining.extranonce.subscribe (accept mining.set_extranonce).")
    public boolean extranonceSubscribe;

    @Option(names = "--suggest-diff", paramLabel = "D", description = "Send mining.suggest_difficulty D (fractions allowed).")
    public Double suggestDiff;

    @Option(names = "--hashrate-limit", defaultValue = "0", paramLabel = "H/s",
            description = "Total hash rate cap over all threads, 0 = as fast as possible. Default: ${DEFAULT-VALUE}.")
    public double hashrateLimit;

    @Option(names = "--duration", defaultValue = "0", paramLabel = "SECONDS",
            description = "Stop after this long (0 = run until stopped; load mode: submit phase, 0 = 10 s).")
    public double duration;

    @Option(names = "--latency-per-second",
            description = "Load mode: also print a LOAD_LATENCY_SECOND line (p50/p99/max) for each second of the "
                    + "measured part, to see when the slow replies happened.")
    public boolean latencyPerSecond;

    @Option(names = "--warmup", defaultValue = "0", paramLabel = "SECONDS",
            description = "Load mode: submit this long at --rate before the measured --duration, counting nothing "
                    + "(warms the JIT of the pool and of this process). Default: ${DEFAULT-VALUE}.")
    public double warmupSeconds;

    @Option(names = "--max-shares", defaultValue = "0", paramLabel = "N",
            description = "Stop after N accepted shares (0 = no limit).")
    public long maxShares;

    @Option(names = "--status-interval", defaultValue = "5", paramLabel = "SECONDS",
            description = "Period of the STATUS line, 0 = off. Default: ${DEFAULT-VALUE}.")
    public double statusInterval;

    @Option(names = "--retry-max-wait", defaultValue = "30", paramLabel = "SECONDS",
            description = "Longest back-off between reconnect attempts. Default: ${DEFAULT-VALUE}.")
    public double retryMaxWait;

    @Option(names = "--max-retries", defaultValue = "0", paramLabel = "N",
            description = "Give up (exit 1) after N connection attempts in a row that never got subscribed; 0 = never.")
    public int maxRetries;

    @Option(names = "--load", description = "Load mode: many connections submitting at a fixed total rate.")
    public boolean load;

    @Option(names = "--connections", defaultValue = "100", description = "Load mode: connections. Default: ${DEFAULT-VALUE}.")
    public int connections;

    @Option(names = "--rate", defaultValue = "100", paramLabel = "PER_SECOND",
            description = "Load mode: total submits per second over all connections. Default: ${DEFAULT-VALUE}.")
    public double rate;

    @Option(names = "--valid", description = "Load mode: submit real shares (grind them; needs a tiny pool difficulty).")
    public boolean valid;

    @Option(names = "--connect-concurrency", defaultValue = "500",
            description = "Load mode: connects in flight at once. Default: ${DEFAULT-VALUE}.")
    public int connectConcurrency;

    @Option(names = "--selectors", defaultValue = "1",
            description = "Load mode: NIO selector threads (1 or 2 is plenty). Default: ${DEFAULT-VALUE}.")
    public int selectors;

    @Option(names = "--ready-timeout", defaultValue = "30", paramLabel = "SECONDS",
            description = "Load mode: longest wait for all connections to be subscribed and authorized. Default: ${DEFAULT-VALUE}.")
    public double readyTimeout;

    @Option(names = "--drain", defaultValue = "3", paramLabel = "SECONDS",
            description = "Load mode: wait for outstanding replies after the submit phase. Default: ${DEFAULT-VALUE}.")
    public double drainSeconds;

    /** Parsed --version-mask. */
    public long versionMaskValue() {
        return Long.parseLong(versionMask, 16) & 0xffffffffL;
    }

    /** Checks ranges picocli cannot; returns an error text or null. */
    public String validate() {
        if (threads < 1 || threads > 1024) {
            return "--threads must be 1..1024";
        }
        if (versionMask.length() > 8 || !versionMask.matches("[0-9a-fA-F]+")) {
            return "--version-mask must be up to 8 hex digits";
        }
        if (minBitCount < 0 || minBitCount > 32) {
            return "--min-bit-count must be 0..32";
        }
        if (suggestDiff != null && !(suggestDiff > 0 && Double.isFinite(suggestDiff))) {
            return "--suggest-diff must be a positive number";
        }
        if (!(hashrateLimit >= 0) || !(duration >= 0) || maxShares < 0 || !(statusInterval >= 0)
                || !(retryMaxWait >= 0) || maxRetries < 0 || !(drainSeconds >= 0) || !(warmupSeconds >= 0) || !(readyTimeout > 0)) {
            return "numeric options must not be negative";
        }
        if (load) {
            if (connections < 1 || connections > 100_000) {
                return "--connections must be 1..100000";
            }
            if (!(rate >= 0)) {
                return "--rate must be ≥ 0";
            }
            if (connectConcurrency < 1) {
                return "--connect-concurrency must be ≥ 1";
            }
            if (selectors < 1 || selectors > 8) {
                return "--selectors must be 1..8";
            }
        }
        return null;
    }
}
