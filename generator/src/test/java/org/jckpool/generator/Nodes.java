package org.jckpool.generator;

import java.io.IOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;

import org.jckpool.generator.node.NodeTimeouts;
import org.jckpool.generator.work.FetchedTemplate;
import org.jckpool.suite.config.BtcdConfig;
import org.jckpool.simnode.SimNode;
import org.jckpool.simnode.SimNodeOptions;
import org.jckpool.testkit.Await;

/** In-process simulated nodes for the generator's tests, restartable on the same port. */
final class Nodes implements AutoCloseable {
    static final String ADDRESS = "bcrt1qw508d6qejxtdg4y5r3zarvary0c5xw7kygt080";
    /** Short waits so the tests stay quick; the watchdog period is what failback waits for. */
    static final NodeTimeouts FAST = new NodeTimeouts(Duration.ofSeconds(2), Duration.ofSeconds(5),
            Duration.ofSeconds(1), Duration.ofSeconds(1));

    final List<SimNode> nodes = new ArrayList<>();
    final List<FetchedTemplate> templates = new CopyOnWriteArrayList<>();

    SimNode start(SimNodeOptions o) throws IOException {
        o.rpcUser = "u";
        o.rpcPassword = "p";
        o.txs = o.txs == 3 ? 2 : o.txs;
        SimNode n = new SimNode(o);
        n.start();
        nodes.add(n);
        return n;
    }

    SimNode start() throws IOException {
        return start(new SimNodeOptions());
    }

    /** A new node on the port of a stopped one (a restarted bitcoind: fresh chain, same address). */
    SimNode restartOn(int port) throws IOException {
        SimNodeOptions o = new SimNodeOptions();
        o.port = port;
        return start(o);
    }

    static BtcdConfig btcd(SimNode n) {
        return new BtcdConfig("127.0.0.1:" + n.port(), "u", "p", false);
    }

    static BtcdConfig btcdNotifying(SimNode n) {
        return new BtcdConfig("127.0.0.1:" + n.port(), "u", "p", true);
    }

    static GeneratorSettings settings(List<BtcdConfig> btcd, String zmq) {
        return new GeneratorSettings(btcd, ADDRESS, 100, 30, zmq, FAST);
    }

    Generator generator(GeneratorSettings s) {
        Generator g = new Generator(s);
        g.fetcher().addListener(templates::add);
        return g;
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    static boolean waitFor(BooleanSupplier cond, long ms) throws Exception {
        return Await.within(ms, cond::getAsBoolean);
    }

    @Override
    public void close() {
        for (SimNode n : nodes) {
            n.close();
        }
    }
}
