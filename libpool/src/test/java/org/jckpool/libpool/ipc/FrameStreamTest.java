package org.jckpool.libpool.ipc;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import org.jckpool.testkit.Await;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FrameStreamTest {
    @TempDir
    Path dir;
    private ControlServer server;
    private Path sock;

    @BeforeEach
    void start() throws IOException {
        sock = dir.resolve("stratifier");
        server = ControlServer.open(sock, r -> "pong");
    }

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void carriesManyFramesBothWaysInBatchesAndPrintsThroughput() throws Exception {
        int n = 200_000;
        AtomicLong serverCount = new AtomicLong();
        server.onStream(peer -> (s, f) -> {
            if (serverCount.incrementAndGet() % 1000 == 0) {
                s.send(f);
            }
        });
        CountDownLatch echoes = new CountDownLatch(n / 1000);
        byte[] frame = new byte[100];
        try (FrameStream c = FrameStream.connect(sock, "connector", (s, f) -> echoes.countDown())) {
            long t0 = System.nanoTime();
            for (int i = 0; i < n; i++) {
                assertThat(c.send(frame)).isTrue();
            }
            assertThat(echoes.await(60, TimeUnit.SECONDS)).isTrue();
            assertThat(c.flush(10_000)).isTrue(); // the writer's counters are updated after the bytes leave
            double secs = (System.nanoTime() - t0) / 1e9;
            System.out.printf("FrameStream: %d frames of %d bytes in %.2f s = %.0f frames/s, mean batch %.1f frames%n",
                    n, frame.length, secs, n / secs, (double) c.framesOut() / c.batches());
            assertThat(c.framesOut()).isEqualTo(n);
            assertThat(c.batches()).isLessThanOrEqualTo(n);
        }
        assertThat(serverCount.get()).isEqualTo(n);
    }

    @Test
    void framesLargerThanTheWritersCopyBufferArriveWholeAndInOrder() throws Exception {
        int[] sizes = {10, 300 * 1024, 1, 2 * 1024 * 1024, 64 * 1024 - 4, 64 * 1024 - 3, 70 * 1024, 77};
        java.util.List<byte[]> received = java.util.Collections.synchronizedList(new java.util.ArrayList<>());
        CountDownLatch all = new CountDownLatch(sizes.length);
        server.onStream(peer -> (s, f) -> {
            received.add(f);
            all.countDown();
        });
        try (FrameStream c = FrameStream.connect(sock, "connector", (s, f) -> { })) {
            for (int i = 0; i < sizes.length; i++) {
                byte[] f = new byte[sizes[i]];
                java.util.Arrays.fill(f, (byte) i);
                assertThat(c.send(f)).isTrue();
            }
            assertThat(all.await(30, TimeUnit.SECONDS)).isTrue();
            assertThat(c.flush(10_000)).isTrue();
            assertThat(c.framesOut()).isEqualTo(sizes.length);
        }
        for (int i = 0; i < sizes.length; i++) {
            byte[] f = received.get(i);
            assertThat(f).as("frame %d", i).hasSize(sizes[i]);
            for (byte b : f) {
                if (b != (byte) i) {
                    throw new AssertionError("frame " + i + " has a foreign byte " + b);
                }
            }
        }
    }

    @Test
    void fullQueueGivesBackPressure() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        server.onStream(peer -> (s, f) -> {
            try {
                release.await(); // a peer that stops reading
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        byte[] big = new byte[64 * 1024];
        try (FrameStream c = FrameStream.connect(sock, "connector", (s, f) -> {
        }, 4, 100)) {
            boolean refused = false;
            for (int i = 0; i < 10_000 && !refused; i++) {
                refused = !c.send(big); // kernel buffers fill, then the 4-frame queue, then send times out
            }
            assertThat(refused).isTrue();
            assertThat(c.isOpen()).isTrue();
            assertThat(c.trySend(big)).isFalse();
            release.countDown();
        }
    }

    @Test
    void closeRunsCallbacksOnBothSides() throws Exception {
        CountDownLatch serverClosed = new CountDownLatch(1);
        server.onStream(peer -> new FrameStream.Listener() {
            @Override
            public void onFrame(FrameStream s, byte[] f) {
                s.close();
            }

            @Override
            public void onClose(FrameStream s, Throwable cause) {
                serverClosed.countDown();
            }
        });
        CountDownLatch clientClosed = new CountDownLatch(1);
        FrameStream c = FrameStream.connect(sock, "generator", new FrameStream.Listener() {
            @Override
            public void onFrame(FrameStream s, byte[] f) {
            }

            @Override
            public void onClose(FrameStream s, Throwable cause) {
                clientClosed.countDown();
            }
        });
        c.send("bye");
        assertThat(serverClosed.await(5, TimeUnit.SECONDS)).isTrue();
        assertThat(clientClosed.await(5, TimeUnit.SECONDS)).isTrue();
        assertThat(c.send("late")).isFalse();
    }

    @Test
    void badFrameOnAStreamClosesItWithTheCause() throws Exception {
        AtomicReference<Throwable> cause = new AtomicReference<>();
        CountDownLatch closed = new CountDownLatch(1);
        server.onStream(peer -> new FrameStream.Listener() {
            @Override
            public void onFrame(FrameStream s, byte[] f) {
            }

            @Override
            public void onClose(FrameStream s, Throwable c) {
                cause.set(c);
                closed.countDown();
            }
        });
        try (SocketChannel raw = SocketChannel.open(UnixDomainSocketAddress.of(sock))) {
            Frames.write(raw, Frames.utf8("{\"method\":\"stream.open\",\"params\":{\"peer\":\"x\"}}"));
            raw.write(ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(0, 0));
            assertThat(closed.await(5, TimeUnit.SECONDS)).isTrue();
        }
        assertThat(cause.get()).isInstanceOf(FrameException.class);
        assertThat(ControlClient.request(sock, "ping", 2000)).contains("pong");
    }

    @Test
    void flushWaitsForQueuedFrames() throws Exception {
        AtomicLong got = new AtomicLong();
        server.onStream(peer -> (s, f) -> got.incrementAndGet());
        try (FrameStream c = FrameStream.connect(sock, "generator", (s, f) -> {
        })) {
            for (int i = 0; i < 1000; i++) {
                c.send("x");
            }
            assertThat(c.flush(5000)).isTrue();
            assertThat(c.queued()).isZero();
            assertThat(c.framesOut()).isEqualTo(1000);
        }
    }

    @Test
    void closeWhileTheWriterSleepsEndsTheWriter() throws Exception {
        CountDownLatch closed = new CountDownLatch(1);
        server.onStream(peer -> (s, f) -> {
        });
        FrameStream c = FrameStream.connect(sock, "connector", new FrameStream.Listener() {
            @Override
            public void onFrame(FrameStream s, byte[] f) {
            }

            @Override
            public void onClose(FrameStream s, Throwable cause) {
                closed.countDown();
            }
        });
        assertThat(c.send("x")).isTrue();
        assertThat(c.flush(5000)).isTrue();
        assertThat(waitFor(() -> writerParked("stream-w-stratifier"))).isTrue();
        Thread writer = Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.getName().equals("stream-w-stratifier")).findFirst().orElseThrow();
        c.close();
        assertThat(closed.await(5, TimeUnit.SECONDS)).isTrue();
        writer.join(5000);
        assertThat(writer.isAlive()).isFalse();
        assertThat(c.trySend("y".getBytes())).isFalse();
    }

    @Test
    void aReaderWritingItsOwnRepliesKeepsEveryFrameInOrderWithOtherThreadsFrames() throws Exception {
        int n = 30_000; // more replies than the queue holds while the client sends without pause
        AtomicReference<FrameStream> serverSide = new AtomicReference<>();
        server.onStream(peer -> new FrameStream.Listener() {
            @Override
            public void onOpen(FrameStream s) {
                serverSide.set(s);
            }

            @Override
            public void onFrame(FrameStream s, byte[] f) {
                if (f[0] == 'b') { // more frames at once than the queue holds: the reader makes room itself
                    for (int i = 0; i < 10_000; i++) {
                        assertThat(s.send(("b" + i).getBytes(java.nio.charset.StandardCharsets.US_ASCII))).isTrue();
                    }
                    return;
                }
                assertThat(s.send(f)).isTrue(); // the reply: same bytes, from the reader thread
            }
        });
        java.util.List<String> got = java.util.Collections.synchronizedList(new java.util.ArrayList<>());
        CountDownLatch all = new CountDownLatch(n + 100 + 10_000);
        try (FrameStream c = FrameStream.connect(sock, "connector", (s, f) -> {
            got.add(new String(f, java.nio.charset.StandardCharsets.US_ASCII));
            all.countDown();
        })) {
            Thread other = new Thread(() -> {
                for (int i = 0; i < 100; i++) {
                    while (serverSide.get() == null) {
                        Thread.onSpinWait();
                    }
                    serverSide.get().send(("o" + i).getBytes(java.nio.charset.StandardCharsets.US_ASCII));
                }
            });
            assertThat(c.send("burst".getBytes(java.nio.charset.StandardCharsets.US_ASCII))).isTrue();
            for (int i = 0; i < n; i++) {
                assertThat(c.send(("r" + i).getBytes(java.nio.charset.StandardCharsets.US_ASCII))).isTrue();
                if (i == n / 2) {
                    other.start(); // the writer thread's frames mixed in, while replies flow
                }
            }
            assertThat(all.await(20, TimeUnit.SECONDS)).as("all frames arrive").isTrue();
            other.join();
        }
        java.util.List<String> replies = got.stream().filter(x -> x.startsWith("r")).toList();
        java.util.List<String> others = got.stream().filter(x -> x.startsWith("o")).toList();
        assertThat(replies).hasSize(n);
        for (int i = 0; i < n; i++) {
            assertThat(replies.get(i)).isEqualTo("r" + i);
        }
        java.util.List<String> burst = got.stream().filter(x -> x.startsWith("b")).toList();
        assertThat(burst).hasSize(10_000);
        for (int i = 0; i < 10_000; i++) {
            assertThat(burst.get(i)).isEqualTo("b" + i);
        }
        assertThat(got.get(0)).as("the burst came first").isEqualTo("b0");
        assertThat(others).hasSize(100);
        for (int i = 0; i < 100; i++) {
            assertThat(others.get(i)).isEqualTo("o" + i);
        }
        assertThat(serverSide.get().batches()).as("replies leave in batches").isLessThan(n);
    }

    @Test
    void aKickingThreadsFramesWaitForItsKickWhileOtherThreadsFramesGoAtOnce() throws Exception {
        java.util.List<String> got = java.util.Collections.synchronizedList(new java.util.ArrayList<>());
        server.onStream(peer -> (s, f) -> got.add(new String(f, java.nio.charset.StandardCharsets.US_ASCII)));
        try (PolledFrameStream c = PolledFrameStream.connect(sock, "connector", (s, f) -> { }, 16, 5000)) {
            // The writer has written the handshake and sleeps: on a busy machine it could otherwise still be on its
            // way to sleep (or hold a wake-up from the handshake) when the frames below arrive, and take them.
            assertThat(waitFor(() -> c.queued() == 0 && writerParked("stream-w-connector"))).isTrue();
            c.kick(); // this thread is the kicker from now on
            for (int i = 0; i < 5; i++) {
                assertThat(c.send("k" + i)).isTrue();
            }
            assertThat(Await.holdsFor(300, got::isEmpty)).as("a kicker's frames wait for its kick").isTrue();
            long batches = c.batches();
            c.kick();
            assertThat(waitFor(() -> got.size() == 5)).isTrue();
            assertThat(got).containsExactly("k0", "k1", "k2", "k3", "k4");
            assertThat(c.flush(5000)).isTrue(); // the counters move after the bytes leave
            assertThat(c.batches() - batches).as("one round, one write").isEqualTo(1);

            Thread other = new Thread(() -> c.send("other"));
            other.start();
            other.join();
            assertThat(waitFor(() -> got.size() == 6)).as("another thread's frame goes at once").isTrue();

            // More than the queue holds, never kicked: a full queue wakes the writer instead of waiting on it.
            for (int i = 0; i < 100; i++) {
                assertThat(c.send("f" + i)).isTrue();
            }
            c.kick();
            assertThat(waitFor(() -> got.size() == 106)).isTrue();
            assertThat(got.subList(6, 106).stream().toList()).isEqualTo(
                    java.util.stream.IntStream.range(0, 100).mapToObj(i -> "f" + i).toList());
        }
    }

    /** A stream writer thread of that name is parked (waiting for frames, with no wake-up pending). */
    private static boolean writerParked(String name) {
        return Thread.getAllStackTraces().keySet().stream()
                .anyMatch(t -> t.getName().equals(name) && t.getState() == Thread.State.WAITING);
    }

    private static boolean waitFor(java.util.function.BooleanSupplier condition) throws Exception {
        return Await.within(10_000, condition::getAsBoolean);
    }

    @Test
    void aPolledStreamIsReadBySelectorLoopInOrderLargeFramesIncludedAndReportsTheClose() throws Exception {
        int[] sizes = {5, 200 * 1024, 1, 64 * 1024, 3};
        AtomicReference<FrameStream> serverSide = new AtomicReference<>();
        CountDownLatch opened = new CountDownLatch(1);
        server.onStream(peer -> new FrameStream.Listener() {
            @Override
            public void onOpen(FrameStream s) {
                serverSide.set(s);
                opened.countDown();
            }

            @Override
            public void onFrame(FrameStream s, byte[] f) {
                s.send(f); // echo
            }
        });
        java.util.List<byte[]> got = java.util.Collections.synchronizedList(new java.util.ArrayList<>());
        CountDownLatch closed = new CountDownLatch(1);
        java.util.List<String> threads = java.util.Collections.synchronizedList(new java.util.ArrayList<>());
        PolledFrameStream c = PolledFrameStream.connect(sock, "connector", new FrameStream.Listener() {
            @Override
            public void onFrame(FrameStream s, byte[] f) {
                threads.add(Thread.currentThread().getName());
                got.add(f);
            }

            @Override
            public void onClose(FrameStream s, Throwable cause) {
                closed.countDown();
            }
        }, 64, 5000);
        assertThat(Thread.getAllStackTraces().keySet().stream().map(Thread::getName))
                .as("no reader thread").doesNotContain("stream-r-stratifier");
        java.nio.channels.Selector sel = java.nio.channels.Selector.open();
        java.util.concurrent.atomic.AtomicBoolean registered = new java.util.concurrent.atomic.AtomicBoolean(true);
        Thread loop = new Thread(() -> {
            try {
                c.registerReads(sel, c);
                while (registered.get()) {
                    sel.select(100);
                    for (java.nio.channels.SelectionKey k : sel.selectedKeys()) {
                        if (k.isValid() && k.isReadable() && !((PolledChannel) k.attachment()).readAvailable()) {
                            k.cancel();
                            registered.set(false);
                        }
                    }
                    sel.selectedKeys().clear();
                }
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }, "selector-loop");
        loop.start();
        for (int i = 0; i < sizes.length; i++) {
            byte[] f = new byte[sizes[i]];
            java.util.Arrays.fill(f, (byte) (i + 1));
            assertThat(c.send(f)).isTrue();
        }
        assertThat(waitFor(() -> got.size() == sizes.length)).isTrue();
        for (int i = 0; i < sizes.length; i++) {
            assertThat(got.get(i)).hasSize(sizes[i]);
            assertThat(got.get(i)[sizes[i] - 1]).isEqualTo((byte) (i + 1));
        }
        assertThat(threads).containsOnly("selector-loop");
        assertThat(c.framesIn()).isEqualTo(sizes.length);

        assertThat(opened.await(5, TimeUnit.SECONDS)).isTrue();
        serverSide.get().close(); // the peer goes: the loop's read meets the end of stream
        assertThat(closed.await(5, TimeUnit.SECONDS)).isTrue();
        loop.join(5000);
        assertThat(registered.get()).as("readAvailable said closed").isFalse();
        assertThat(c.isOpen()).isFalse();
        sel.close();
    }

    @Test
    void onAPolledStreamTheKickerWritesItselfAndNeverWaitsForASlowPeer() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        java.util.List<String> got = java.util.Collections.synchronizedList(new java.util.ArrayList<>());
        server.onStream(peer -> (s, f) -> {
            try {
                release.await(); // a stratifier that stops reading for a while
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            got.add(new String(f, 0, Math.min(f.length, 8), java.nio.charset.StandardCharsets.US_ASCII).trim());
        });
        try (PolledFrameStream c = PolledFrameStream.connect(sock, "connector", (s, f) -> { }, 4096, 5000)) {
            assertThat(c.send("k0")).isTrue();
            long batches = c.batches();
            c.kick();
            assertThat(c.batches() - batches).as("written by kick() itself, before it returned").isEqualTo(1);
            assertThat(c.queued()).isZero();

            // 4 MiB while the peer does not read: the socket fills, kick() leaves the rest to the writer at once
            byte[] pad = new byte[8 * 1024];
            java.util.Arrays.fill(pad, (byte) ' ');
            long slowest = 0;
            for (int i = 1; i <= 512; i++) {
                byte[] f = pad.clone();
                byte[] tag = ("k" + i).getBytes(java.nio.charset.StandardCharsets.US_ASCII);
                System.arraycopy(tag, 0, f, 0, tag.length);
                assertThat(c.send(f)).isTrue();
                long t0 = System.nanoTime();
                c.kick();
                slowest = Math.max(slowest, System.nanoTime() - t0);
            }
            // one that waited for the peer would wait until release below, i.e. for good
            assertThat(slowest).as("kick() never waits for the peer").isLessThan(TimeUnit.SECONDS.toNanos(5));
            release.countDown();
            assertThat(c.flush(20_000)).isTrue();
            assertThat(waitFor(() -> got.size() == 513)).isTrue();
            assertThat(got).isEqualTo(java.util.stream.IntStream.rangeClosed(0, 512).mapToObj(i -> "k" + i).toList());
        }
    }
}
