package org.jckpool.stratifier.link;

import org.jckpool.libpool.bitcoin.Hex;
import org.jckpool.stratifier.engine.ClientOutbound;
import org.jckpool.stratifier.engine.ManualClock;
import org.jckpool.stratifier.engine.StratumEngine;
import org.jckpool.stratifier.engine.Vectors;
import org.jckpool.stratifier.share.SolutionOutcome;

import java.util.Set;

/**
 * A pool-mode engine behind {@link PassthroughLinks}, wired as the stratifier process wires them: connector events
 * pass the links first, then reach the engine; the engine's outbound is the links over {@code connector}.
 */
final class LinkedEngine {
    final ManualClock clock = new ManualClock((Vectors.C_TIME + 30) * 1000);
    final PassthroughLinks links;
    final StratumEngine engine;

    final ClientEvents events = new ClientEvents() {
        @Override
        public void connected(long id, String address, int serverIndex) {
            engine.onConnect(id, address, serverIndex);
        }

        @Override
        public void line(long id, String line) {
            if (!links.line(id, line)) {
                engine.onLine(id, line);
            }
        }

        @Override
        public void disconnected(long id, String reason) {
            links.disconnected(id);
            engine.onDisconnect(id, reason);
        }
    };

    LinkedEngine(ClientOutbound connector) {
        links = new PassthroughLinks(connector, events);
        engine = new StratumEngine(Vectors.config(1, 1), links, b -> SolutionOutcome.SUBMITTED, clock, Vectors.EN1);
    }

    /** Mining nodes allowed on {@code nodeServer}, sent transactions and workinfos by a {@link NodeWorkPublisher}. */
    LinkedEngine withNodes(int nodeServer) {
        NodeWorkPublisher publisher = new NodeWorkPublisher(links, Hex.decode(Vectors.P2WPKH));
        links.nodes(Set.of(nodeServer), publisher::nodeAdded);
        engine.jobObserver(publisher::job);
        return this;
    }
}
