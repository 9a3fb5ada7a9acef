package org.jckpool.connector.net;

/**
 * Counters since start. {@code peakQueuedBytes} is the most bytes ever waiting for one client (it never exceeds
 * the configured cap). Drop reasons: {@code refusedFull} (maxclients reached), {@code refusedNotAdmitting} (new
 * connection while not admitting, i.e. no stratifier), {@code droppedOversize} (line over the cap),
 * {@code droppedSlow} (not reading its output), {@code droppedIdle} (idle or silent after connecting),
 * {@code droppedByStratifier} (X frame), {@code droppedByAdmin} (dropclient command), {@code droppedAll} (all
 * clients dropped at once, on loss of the stratifier stream).
 */
public record ConnectorStats(int clients, long accepted, long refusedFull, long refusedNotAdmitting,
                             long acceptFailures, long droppedOversize, long droppedSlow, long droppedIdle,
                             long droppedByStratifier, long droppedByAdmin, long droppedAll, long linesIn,
                             long linesOut, long bytesIn, long bytesOut, long peakQueuedBytes) {
}
