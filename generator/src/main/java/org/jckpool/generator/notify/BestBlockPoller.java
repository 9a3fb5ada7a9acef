package org.jckpool.generator.notify;

import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.jckpool.generator.node.Node;
import org.jckpool.generator.node.NodeManager;
import org.jckpool.generator.work.FetchedTemplate;
import org.jckpool.generator.work.TemplateFetcher;
import org.jckpool.libpool.log.Log;
import org.jckpool.libpool.rpc.RpcException;

/**
 * ckpool's {@code blockpoll}: asks the active node for getbestblockhash every {@code pollMillis} unless that node
 * has {@code notify:true} (it then tells us through the notifier). A tip that is neither the last one seen nor the
 * parent of the current template triggers a "newblock" fetch. A transport failure is reported to the
 * {@link NodeManager}, which fails over at once.
 */
public final class BestBlockPoller implements AutoCloseable {
    private final NodeManager nodes;
    private final TemplateFetcher fetcher;
    private final long pollMillis;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "generator-blockpoll");
        t.setDaemon(true);
        return t;
    });
    private volatile String lastSeen;
    private volatile String lastNode;
    private volatile String lastError;

    public BestBlockPoller(NodeManager nodes, TemplateFetcher fetcher, int pollMillis) {
        this.nodes = nodes;
        this.fetcher = fetcher;
        this.pollMillis = Math.max(10, pollMillis);
    }

    public void start() {
        timer.scheduleWithFixedDelay(this::poll, pollMillis, pollMillis, TimeUnit.MILLISECONDS);
    }

    /** One poll; public for tests. */
    public void poll() {
        Node node = nodes.active();
        if (node == null || node.notifies()) {
            return;
        }
        String best;
        try {
            best = node.quickRpc().getBestBlockHash();
        } catch (RpcException e) {
            if (e.isBusy()) {
                Log.info("getbestblockhash on %s: node busy, next poll in %d ms", node, pollMillis);
            } else if (e.isTransportFailure()) {
                nodes.reportFailure(node, e.getMessage());
            } else if (!e.getMessage().equals(lastError)) {
                Log.warning("getbestblockhash on %s failed: %s", node, e.getMessage());
            }
            lastError = e.getMessage();
            return;
        } catch (RuntimeException e) {
            Log.err("Block poll failed: %s", e);
            return;
        }
        lastError = null;
        boolean sameNode = node.url().equals(lastNode);
        String seen = lastSeen;
        lastSeen = best;
        lastNode = node.url();
        FetchedTemplate current = fetcher.current();
        boolean templateIsOnTip = current != null && current.prevHash().equals(best);
        // before the first template there is nothing to renew: that fetch is already asked for
        if (current != null && !templateIsOnTip && (!sameNode || !best.equals(seen))) {
            Log.notice("Block poll: new best block %s on %s", best, node.url());
            fetcher.request(FetchedTemplate.NEWBLOCK, best);
        }
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
