package org.jckpool.generator.notify;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.jckpool.generator.node.NodeManager;
import org.jckpool.generator.node.NodeTimeouts;
import org.jckpool.generator.work.TemplateFetcher;
import org.jckpool.suite.config.BtcdConfig;
import org.jckpool.testkit.Await;
import org.junit.jupiter.api.Test;

class ZmqBlockSubscriberTest {

    /**
     * A connection whose ZMTP handshake never completes (here a peer that accepts and stays silent; under load, a
     * connection jeromq left out of its poller) is dropped after the subscriber's handshake bound and made again,
     * not after jeromq's default 30 s.
     */
    @Test
    void aConnectionWhoseHandshakeStallsIsDroppedAndMadeAgainWithinSeconds() throws Exception {
        NodeTimeouts t = new NodeTimeouts(Duration.ofSeconds(1), Duration.ofSeconds(1), Duration.ofSeconds(1),
                Duration.ofSeconds(1));
        NodeManager nodes = new NodeManager(List.of(new BtcdConfig("127.0.0.1:1", "u", "p", true)), null, t);
        List<Socket> accepted = new CopyOnWriteArrayList<>();
        try (ServerSocket silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
             TemplateFetcher fetcher = new TemplateFetcher(nodes, 30);
             ZmqBlockSubscriber sub = new ZmqBlockSubscriber("tcp://127.0.0.1:" + silent.getLocalPort(), fetcher)) {
            Thread acceptor = new Thread(() -> {
                try {
                    while (true) {
                        accepted.add(silent.accept());
                    }
                } catch (IOException closed) {
                    // the test is over
                }
            }, "silent-publisher");
            acceptor.setDaemon(true);
            acceptor.start();
            sub.start();
            Await.until("the subscriber's first connection", 5_000, () -> accepted.size() >= 1);
            // jeromq's default would take 30 s; the bound is 3 s, the rest is margin for a loaded machine
            Await.until("the stalled connection dropped and a second one made", 10_000, () -> accepted.size() >= 2);
            assertThat(sub.received()).isZero();
        } finally {
            for (Socket s : accepted) {
                s.close();
            }
            nodes.close();
        }
    }
}
