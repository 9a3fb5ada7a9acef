package org.jckpool.generator.node;

import java.time.Duration;

/**
 * How long the generator waits for a bitcoind.
 *
 * @param quick    health checks and tip polls (getbestblockhash, validateaddress, …): a hung node is detected
 *                 within this time
 * @param work     getblocktemplate and submitblock, which can take longer on a busy node
 * @param connect  TCP connect
 * @param watchdog how often every node is re-checked (ckpool's 5 s)
 */
public record NodeTimeouts(Duration quick, Duration work, Duration connect, Duration watchdog) {
    public static final NodeTimeouts DEFAULT = new NodeTimeouts(Duration.ofSeconds(3), Duration.ofSeconds(20),
            Duration.ofSeconds(2), Duration.ofSeconds(5));
}
