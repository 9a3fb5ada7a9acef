package org.jckpool.connector.net;

/**
 * Counters since start. {@code peakQueuedBytes} is the most bytes ever waiting for one client (it never exceeds
 * the configured cap).
 */
public record ConnectorStats(int clients, long accepted, long refusedFull, long acceptFailures,
                             long droppedOversize, long droppedSlow, long droppedIdle, long linesIn,
                             long linesOut, long bytesOut, long peakQueuedBytes) {
}
