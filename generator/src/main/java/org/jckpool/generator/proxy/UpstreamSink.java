package org.jckpool.generator.proxy;

import org.jckpool.libpool.stratum.Notify;
import org.jckpool.libpool.stratum.StratumClient;

/** Where the {@link UpstreamManager} sends the active upstream's work (the stratifier stream). */
interface UpstreamSink {
    /** New work from the active upstream; {@code clean}: miners must drop every older job. */
    void work(Upstream u, long generation, StratumClient c, Notify n, boolean clean);

    /**
     * The scheduling proxy moved to {@code u}: its current work, clean for the miners, while shares on the previous
     * upstream's jobs stay valid (they still go there within the grace period).
     */
    void switchWork(Upstream u, long generation, StratumClient c, Notify n);

    /** The active upstream changed its share difficulty (applies to shares from now on). */
    void difficulty(Upstream u, long generation, double diff);
}
