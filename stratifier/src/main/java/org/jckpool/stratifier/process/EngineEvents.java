package org.jckpool.stratifier.process;

import org.jckpool.stratifier.engine.StratumEngine;
import org.jckpool.stratifier.link.ClientEvents;
import org.jckpool.stratifier.link.ConnectorLink;
import org.jckpool.stratifier.link.PassthroughLinks;
import org.jckpool.stratifier.remote.TrustedRemotes;
import org.jckpool.webapi.metrics.Metrics;

/**
 * What the connector stream delivers, routed: connection counts to the metrics, each line first to the trusted
 * remotes, then to the passthrough links, else to the engine; a connection kept through a restart first to the
 * passthrough links (a link restored from the snapshot), else to the engine. Calls come from the connector stream's reader thread.
 *
 * <p>The connector link and the passthrough links need this listener to be built, and the remotes and engine are
 * built after them: {@link #bind} completes it, in the process's constructor, before the connector link is handed
 * to the runtime (no stream, so no event, exists until then).
 */
final class EngineEvents implements ClientEvents {
    private final Metrics metrics;
    private final boolean proxy;
    private ConnectorLink connector;
    private PassthroughLinks passthrough;
    private TrustedRemotes remotes;
    private StratumEngine engine;

    EngineEvents(Metrics metrics, boolean proxy) {
        this.metrics = metrics;
        this.proxy = proxy;
    }

    void bind(ConnectorLink connector, PassthroughLinks passthrough, TrustedRemotes remotes, StratumEngine engine) {
        this.connector = connector;
        this.passthrough = passthrough;
        this.remotes = remotes;
        this.engine = engine;
    }

    @Override
    public void connected(long clientId, String address, int serverIndex) {
        metrics.clientConnected();
        remotes.connected(clientId, address, serverIndex);
        engine.onConnect(clientId, address, serverIndex);
    }

    @Override
    public void resumed(long clientId, String address, int serverIndex) {
        metrics.clientConnected();
        remotes.connected(clientId, address, serverIndex);
        if (passthrough.resumed(clientId)) {
            return; // a passthrough or node link, back with its sub-clients (restart snapshot)
        }
        if (!engine.onResume(clientId, address, serverIndex) && proxy) {
            // proxy modes keep no restart snapshot: the miner holds work this stratifier never made and would
            // only hear "Not subscribed"; closing makes it reconnect, subscribe and get fresh work
            connector.drop(clientId, "session not kept across the proxy stratifier's restart");
        }
    }

    @Override
    public void line(long clientId, String line) {
        if (!remotes.line(clientId, line) && !passthrough.line(clientId, line)) {
            engine.onLine(clientId, line);
        }
    }

    @Override
    public void line(long clientId, byte[] buf, int off, int len) {
        if (!remotes.line(clientId, buf, off, len) && !passthrough.line(clientId, buf, off, len)) {
            engine.onLine(clientId, buf, off, len);
        }
    }

    @Override
    public void drained(long clientId) {
        passthrough.drained(clientId);
    }

    @Override
    public void disconnected(long clientId, String reason) {
        metrics.clientDisconnected();
        passthrough.disconnected(clientId);
        remotes.disconnected(clientId);
        engine.onDisconnect(clientId, reason);
    }
}
