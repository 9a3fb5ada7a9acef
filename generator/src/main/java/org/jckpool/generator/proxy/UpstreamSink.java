package org.jckpool.generator.proxy;

import org.jckpool.libpool.stratum.Notify;
import org.jckpool.libpool.stratum.StratumClient;

/** Where the {@link UpstreamManager} sends the active upstream's work (the stratifier stream). */
interface UpstreamSink {
    /** New work from the active upstream; {@code clean}: miners must drop every older job. */
    void work(Upstream u, long generation, StratumClient c, Notify n, boolean clean);

    /** The active upstream changed its share difficulty (applies to shares from now on). */
    void difficulty(Upstream u, long generation, double diff);
}
