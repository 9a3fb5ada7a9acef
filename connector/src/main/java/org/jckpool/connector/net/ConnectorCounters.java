package org.jckpool.connector.net;

import java.util.concurrent.atomic.AtomicLong;

/** The connector's counters since start, written by the I/O thread and read by any (see {@link ConnectorStats}). */
final class ConnectorCounters {
    final AtomicLong accepted = new AtomicLong();
    final AtomicLong refusedFull = new AtomicLong();
    final AtomicLong refusedNotAdmitting = new AtomicLong();
    final AtomicLong acceptFailures = new AtomicLong();
    final AtomicLong droppedOversize = new AtomicLong();
    final AtomicLong droppedSlow = new AtomicLong();
    final AtomicLong droppedIdle = new AtomicLong();
    final AtomicLong droppedByStratifier = new AtomicLong();
    final AtomicLong droppedByAdmin = new AtomicLong();
    final AtomicLong droppedAll = new AtomicLong();
    final AtomicLong bytesIn = new AtomicLong();
    final AtomicLong linesIn = new AtomicLong();
    final AtomicLong linesOut = new AtomicLong();
    final AtomicLong bytesOut = new AtomicLong();
    final AtomicLong peakQueuedBytes = new AtomicLong();

    ConnectorStats snapshot(int clients) {
        return new ConnectorStats(clients, accepted.get(), refusedFull.get(), refusedNotAdmitting.get(),
                acceptFailures.get(), droppedOversize.get(), droppedSlow.get(), droppedIdle.get(),
                droppedByStratifier.get(), droppedByAdmin.get(), droppedAll.get(), linesIn.get(), linesOut.get(),
                bytesIn.get(), bytesOut.get(), peakQueuedBytes.get());
    }
}
