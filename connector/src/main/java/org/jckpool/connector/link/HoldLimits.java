package org.jckpool.connector.link;

import java.time.Duration;

/**
 * How much the connector keeps for miners while the stratifier is away (docs/INTERNALS.md "Stream life"):
 * lines held (not yet sent) in total bytes and count, lines waiting for a reply per client, and how long
 * clients are kept at all before the connector gives up and drops them (so that miners with a backup pool
 * move on when the stratifier does not come back).
 */
public record HoldLimits(long maxHeldBytes, int maxHeldLines, int maxWaitingPerClient, Duration holdFor) {
    public static final HoldLimits DEFAULT = new HoldLimits(16L << 20, 32_768, 256, Duration.ofSeconds(60));

    public HoldLimits {
        if (maxHeldBytes < 0 || maxHeldLines < 0 || maxWaitingPerClient < 1 || holdFor.isNegative()) {
            throw new IllegalArgumentException("hold limits must not be negative (waiting per client at least 1)");
        }
    }
}
