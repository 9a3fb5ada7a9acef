package org.jckpool.simnode;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.jckpool.simnode.rpc.RpcWorkQueue;
import org.jckpool.testkit.Await;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Core's -rpcthreads / -rpcworkqueue limits: a full queue is answered 503 "Work queue depth exceeded" at once. */
class RpcWorkQueueTest {
    private static final String CALL = "{\"id\":1,\"method\":\"getblockcount\",\"params\":[]}";
    private SimNode node;

    @AfterEach
    void stop() {
        if (node != null) {
            node.close();
        }
    }

    private RpcTestClient start(int threads, int depth) throws Exception {
        SimNodeOptions o = new SimNodeOptions();
        o.rpcUser = "u";
        o.rpcPassword = "p";
        o.rpcThreads = threads;
        o.rpcWorkQueue = depth;
        node = new SimNode(o);
        node.start();
        return new RpcTestClient(node.url(), "u", "p");
    }

    @Test
    void aFullQueueIsAnswered503AndTheQueuedRequestsAreServedLater() throws Exception {
        RpcTestClient rpc = start(2, 3);
        rpc.call("simnode.setmode", "hang"); // workers hold their requests until the mode changes
        List<CompletableFuture<RpcTestClient.Response>> held = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            held.add(CompletableFuture.supplyAsync(() -> post(rpc)));
        }
        assertThat(waitFor(() -> node.workQueue().running() == 2 && node.workQueue().waiting() == 3)).isTrue();

        RpcTestClient.Response refused = rpc.post(CALL);
        assertThat(refused.status()).isEqualTo(503);
        assertThat(refused.body()).isEqualTo(RpcWorkQueue.FULL_MESSAGE);
        assertThat(node.workQueue().refused()).isEqualTo(1);
        // admin calls are not queued (the test's own control channel)
        assertThat(rpc.call("simnode.getmode").asText()).isEqualTo("hang");

        rpc.call("simnode.setmode", "ok");
        for (CompletableFuture<RpcTestClient.Response> f : held) {
            RpcTestClient.Response r = f.get(10, TimeUnit.SECONDS);
            assertThat(r.status()).isEqualTo(200);
            assertThat(r.json().get("result").asInt()).isZero();
        }
        assertThat(node.workQueue().running()).isZero();
        assertThat(rpc.post(CALL).status()).isEqualTo(200);
        var stats = rpc.call("simnode.rpcstats");
        assertThat(stats.get("refused").asLong()).isEqualTo(1);
        assertThat(stats.get("calls").get("getblockcount").asLong()).isEqualTo(6);
    }

    @Test
    void busyModeAnswersEveryCall503LikeAnOverloadedNode() throws Exception {
        RpcTestClient rpc = start(RpcWorkQueue.DEFAULT_THREADS, RpcWorkQueue.DEFAULT_DEPTH);
        rpc.call("simnode.setmode", "busy");
        RpcTestClient.Response r = rpc.post(CALL);
        assertThat(r.status()).isEqualTo(503);
        assertThat(r.body()).isEqualTo("Work queue depth exceeded");
        rpc.call("simnode.setmode", "ok");
        assertThat(rpc.post(CALL).status()).isEqualTo(200);
    }

    private static RpcTestClient.Response post(RpcTestClient rpc) {
        try {
            return rpc.post(CALL);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static boolean waitFor(BooleanSupplier condition) throws Exception {
        return Await.within(10_000, condition::getAsBoolean);
    }
}
