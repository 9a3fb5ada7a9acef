package org.jckpool.stratifier.link;

import com.fasterxml.jackson.databind.JsonNode;
import org.jckpool.libpool.ipc.ControlServer;
import org.jckpool.libpool.ipc.FrameStream;
import org.jckpool.libpool.ipc.Frames;
import org.jckpool.libpool.json.Json;
import org.jckpool.testkit.Await;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Proxy mode's share path to the generator: a burst larger than the stream's queue goes through whole while the
 * generator keeps taking frames (the forwarder waits for room), and a generator that takes nothing is given up on
 * after the bounded wait without stalling every later share.
 */
class ShareForwardingTest {
    @TempDir
    Path dir;
    private ControlServer server;
    private GeneratorLink link;
    /** The fake generator holds its reader on the first share until released: the stratifier's queue fills. */
    private final CountDownLatch release = new CountDownLatch(1);
    private final AtomicLong received = new AtomicLong();
    private final AtomicLong outOfOrder = new AtomicLong();

    @AfterEach
    void close() {
        release.countDown();
        if (link != null) {
            link.close();
        }
        if (server != null) {
            server.close();
        }
    }

    private void startGenerator() throws Exception {
        server = ControlServer.open(dir.resolve("generator"), r -> null).onStream(peer -> new FrameStream.Listener() {
            @Override
            public void onFrame(FrameStream s, byte[] frame) {
                JsonNode msg = Json.parseOrNull(Frames.text(frame));
                if (msg == null || !"upstream.submit".equals(Json.text(msg, "method"))) {
                    return;
                }
                try {
                    release.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                long n = received.incrementAndGet();
                if (msg.path("params").path("id").asLong() != n) {
                    outOfOrder.incrementAndGet();
                }
            }
        });
    }

    private void startLink() throws Exception {
        link = new GeneratorLink(dir.resolve("generator"), new QuietGeneratorListener());
        link.start();
        Await.until("generator stream open", link::connected);
    }

    private static String share(long id) {
        return "{\"method\":\"upstream.submit\",\"params\":{\"id\":" + id + ",\"job_id\":\"1\",\"extranonce2\":"
                + "\"00000000aabbccdd\",\"ntime\":\"5f5e1000\",\"nonce\":\"12345678\",\"worker\":\"w\"}}";
    }

    @Test
    void aBurstLargerThanTheQueueIsForwardedWhole() throws Exception {
        startGenerator();
        startLink();
        int burst = GeneratorLink.QUEUE_FRAMES + 20_000;
        AtomicLong notSent = new AtomicLong();
        Thread sender = new Thread(() -> {
            for (long i = 1; i <= burst; i++) {
                if (!link.sendShare(share(i))) {
                    notSent.incrementAndGet();
                }
            }
        });
        sender.start();
        Await.until("the stream's queue full", 30_000, () -> link.queued() == GeneratorLink.QUEUE_FRAMES);
        Await.until("the forwarder waiting for room", () -> sender.getState() == Thread.State.TIMED_WAITING);
        release.countDown();
        sender.join(TimeUnit.SECONDS.toMillis(60));
        Await.until("every share at the generator", 30_000, () -> received.get() == burst);
        assertThat(notSent.get()).isZero();
        assertThat(outOfOrder.get()).isZero();
        assertThat(link.shareWaits()).isPositive();
        assertThat(link.stuck()).isFalse();
    }

    @Test
    void aGeneratorTakingNothingIsGivenUpOnAfterTheBoundedWaitThenSharesFlowAgain() throws Exception {
        startGenerator();
        startLink();
        link.shareWaitMillis(200);
        long sent = 0;
        while (!link.stuck()) {
            if (link.sendShare(share(sent + 1))) {
                sent++;
            }
        }
        long waitsWhenStuck = link.shareWaits();
        assertThat(link.sendShare(share(sent + 1))).as("stuck: refused").isFalse();
        assertThat(link.shareWaits()).as("stuck: no second wait").isEqualTo(waitsWhenStuck);

        release.countDown();
        long total = sent;
        Await.until("the generator took every queued share", () -> received.get() == total);
        assertThat(link.sendShare(share(sent + 1))).isTrue();
        assertThat(link.stuck()).isFalse();
    }
}
