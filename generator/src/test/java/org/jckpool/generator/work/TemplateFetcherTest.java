package org.jckpool.generator.work;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;
import org.jckpool.generator.node.NodeManager;
import org.jckpool.generator.node.NodeTimeouts;
import org.jckpool.libpool.config.BtcdConfig;
import org.jckpool.simnode.SimNode;
import org.jckpool.simnode.SimNodeOptions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class TemplateFetcherTest {
    private static final String ADDRESS = "bcrt1qw508d6qejxtdg4y5r3zarvary0c5xw7kygt080";
    private SimNode sim;
    private NodeManager nodes;
    private TemplateFetcher fetcher;
    private final List<Template> pushed = new CopyOnWriteArrayList<>();

    @AfterEach
    void stop() {
        if (fetcher != null) {
            fetcher.close();
        }
        if (nodes != null) {
            nodes.close();
        }
        if (sim != null) {
            sim.close();
        }
    }

    private static boolean waitFor(BooleanSupplier condition) throws InterruptedException {
        long end = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (System.nanoTime() < end) {
            if (condition.getAsBoolean()) {
                return true;
            }
            Thread.sleep(10);
        }
        return condition.getAsBoolean();
    }

    @Test
    void aNewblockRequestForTheTipTheTemplateIsAlreadyOnFetchesNothing() throws Exception {
        SimNodeOptions o = new SimNodeOptions();
        o.rpcUser = "u";
        o.rpcPassword = "p";
        o.txs = 0;
        sim = new SimNode(o);
        sim.start();
        nodes = new NodeManager(List.of(new BtcdConfig("127.0.0.1:" + sim.port(), "u", "p", true)), ADDRESS,
                new NodeTimeouts(Duration.ofSeconds(2), Duration.ofSeconds(5), Duration.ofSeconds(1),
                        Duration.ofHours(1)));
        nodes.start();
        assertThat(waitFor(() -> nodes.active() != null)).isTrue();
        fetcher = new TemplateFetcher(nodes, 3600);
        fetcher.addListener(pushed::add);
        fetcher.request(Template.START);
        assertThat(waitFor(() -> pushed.size() == 1)).isTrue();

        assertThat(sim.mineOneBlock()).as("block accepted").isNull();
        String tip = sim.chain().tip().rpcHash();
        fetcher.request(Template.NEWBLOCK); // as after our own block was accepted: no tip named
        assertThat(waitFor(() -> pushed.size() == 2)).isTrue();
        assertThat(pushed.get(1).prevHash()).isEqualTo(tip);
        assertThat(pushed.get(1).reason()).isEqualTo(Template.NEWBLOCK);

        // a block poll that saw the same tip while that fetch ran: nothing to fetch, nothing pushed
        fetcher.request(Template.NEWBLOCK, tip);
        assertThat(waitFor(() -> fetcher.newblockRequestsDropped() == 1)).isTrue();
        Thread.sleep(200);
        assertThat(pushed).hasSize(2);
        assertThat(fetcher.templatesFetched()).isEqualTo(2);

        // another tip, or an update, still fetches
        fetcher.request(Template.NEWBLOCK, "00".repeat(32));
        assertThat(waitFor(() -> pushed.size() == 3)).isTrue();
        fetcher.request(Template.UPDATE);
        assertThat(waitFor(() -> pushed.size() == 4)).isTrue();
        assertThat(fetcher.newblockRequestsDropped()).isEqualTo(1);
    }
}
