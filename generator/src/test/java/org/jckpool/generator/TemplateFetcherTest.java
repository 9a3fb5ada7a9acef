package org.jckpool.generator;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.jckpool.generator.node.NodeManager;
import org.jckpool.generator.node.NodeTimeouts;
import org.jckpool.generator.work.FetchedTemplate;
import org.jckpool.generator.work.TemplateFetcher;
import org.jckpool.simnode.SimNode;
import org.jckpool.simnode.SimNodeOptions;
import org.jckpool.testkit.Await;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class TemplateFetcherTest {
    private final Nodes sims = new Nodes();
    private NodeManager nodes;
    private TemplateFetcher fetcher;
    private final List<FetchedTemplate> pushed = new CopyOnWriteArrayList<>();

    @AfterEach
    void stop() {
        if (fetcher != null) {
            fetcher.close();
        }
        if (nodes != null) {
            nodes.close();
        }
        sims.close();
    }

    /** A notifying node with no mempool (no watchdog checks during the test) and a fetcher on it. */
    private SimNode startFetcher(long templateDelayMillis) throws Exception {
        SimNodeOptions o = new SimNodeOptions();
        o.txs = 0;
        o.templateDelayMillis = templateDelayMillis;
        SimNode sim = sims.start(o);
        nodes = new NodeManager(List.of(Nodes.btcdNotifying(sim)), Nodes.ADDRESS, new NodeTimeouts(
                Nodes.FAST.quick(), Nodes.FAST.work(), Nodes.FAST.connect(), Duration.ofHours(1)));
        nodes.start();
        assertThat(Nodes.waitFor(() -> nodes.active() != null, 5000)).isTrue();
        fetcher = new TemplateFetcher(nodes, 3600);
        fetcher.addListener(pushed::add);
        return sim;
    }

    @Test
    void aNewblockRequestForTheTipTheTemplateIsAlreadyOnFetchesNothing() throws Exception {
        SimNode sim = startFetcher(0);
        fetcher.request(FetchedTemplate.START);
        assertThat(Nodes.waitFor(() -> pushed.size() == 1, 5000)).isTrue();

        assertThat(sim.mineOneBlock()).as("block accepted").isNull();
        String tip = sim.chain().tip().rpcHash();
        fetcher.request(FetchedTemplate.NEWBLOCK); // as after our own block was accepted: no tip named
        assertThat(Nodes.waitFor(() -> pushed.size() == 2, 5000)).isTrue();
        assertThat(pushed.get(1).prevHash()).isEqualTo(tip);
        assertThat(pushed.get(1).reason()).isEqualTo(FetchedTemplate.NEWBLOCK);

        // a block poll that saw the same tip while that fetch ran: nothing to fetch, nothing pushed
        fetcher.request(FetchedTemplate.NEWBLOCK, tip);
        assertThat(Nodes.waitFor(() -> fetcher.newblockRequestsDropped() == 1, 5000)).isTrue();
        assertThat(Await.holdsFor(200, () -> pushed.size() == 2)).as("nothing more pushed").isTrue();
        assertThat(fetcher.templatesFetched()).isEqualTo(2);

        // another tip, or an update, still fetches
        fetcher.request(FetchedTemplate.NEWBLOCK, "00".repeat(32));
        assertThat(Nodes.waitFor(() -> pushed.size() == 3, 5000)).isTrue();
        fetcher.request(FetchedTemplate.UPDATE);
        assertThat(Nodes.waitFor(() -> pushed.size() == 4, 5000)).isTrue();
        assertThat(fetcher.newblockRequestsDropped()).isEqualTo(1);
    }

    @Test
    void updatesThatComeWhileAFetchIsInFlightTakeItsResult() throws Exception {
        SimNode sim = startFetcher(400); // a slow getblocktemplate, as on a node with a full mempool
        fetcher.request(FetchedTemplate.START);
        assertThat(Nodes.waitFor(() -> sim.workQueue().running() == 1, 5000)).as("first fetch at the node").isTrue();
        for (int i = 0; i < 5; i++) {
            fetcher.request(FetchedTemplate.UPDATE);
        }
        assertThat(Nodes.waitFor(() -> pushed.size() == 1, 5000)).isTrue();
        assertThat(Nodes.waitFor(() -> sim.workQueue().running() == 0, 5000)).isTrue();
        assertThat(fetcher.requestsCoalesced()).isEqualTo(5);
        assertThat(fetcher.templatesFetched()).as("one getblocktemplate for six requests").isEqualTo(1);

        // a newblock during a fetch is not swallowed: the fetch may have started before the block
        fetcher.request(FetchedTemplate.UPDATE);
        assertThat(Nodes.waitFor(() -> sim.workQueue().running() == 1, 5000)).isTrue();
        fetcher.request(FetchedTemplate.NEWBLOCK);
        assertThat(Nodes.waitFor(() -> pushed.size() == 3, 5000)).isTrue();
    }
}
