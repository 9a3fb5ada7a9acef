package org.jckpool.libpool.ipc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.SocketTimeoutException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.Channels;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.jckpool.testkit.Await;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FramesTest {
    @TempDir
    Path dir;

    private static byte[] raw(int len, byte[] body) {
        ByteBuffer b = ByteBuffer.allocate(4 + body.length).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(len).put(body);
        return b.array();
    }

    private static java.nio.channels.ReadableByteChannel in(byte[] bytes) {
        return Channels.newChannel(new java.io.ByteArrayInputStream(bytes));
    }

    @Test
    void headerIsLittleEndianLength() {
        ByteBuffer b = Frames.encode(Frames.utf8("ping"));
        assertThat(b.remaining()).isEqualTo(8);
        assertThat(new byte[]{b.get(0), b.get(1), b.get(2), b.get(3)}).containsExactly(4, 0, 0, 0);
        assertThat(Frames.text(new byte[]{b.get(4), b.get(5), b.get(6), b.get(7)})).isEqualTo("ping");
    }

    @Test
    void roundTripsThroughAChannel() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Frames.write(Channels.newChannel(out), Frames.utf8("loglevel=7"));
        Frames.write(Channels.newChannel(out), Frames.utf8("{\"method\":\"stats\"}"));
        var ch = in(out.toByteArray());
        assertThat(Frames.text(Frames.read(ch))).isEqualTo("loglevel=7");
        assertThat(Frames.text(Frames.read(ch))).isEqualTo("{\"method\":\"stats\"}");
        assertThat(Frames.read(ch)).isNull();
    }

    @Test
    void rejectsZeroLength() {
        assertThatThrownBy(() -> Frames.read(in(raw(0, new byte[0])))).isInstanceOf(FrameException.class)
                .hasMessageContaining("length 0");
    }

    @Test
    void rejectsOverTheCapIncludingHugeUnsignedLengths() {
        assertThatThrownBy(() -> Frames.read(in(raw(Frames.MAX_FRAME + 1, new byte[0]))))
                .isInstanceOf(FrameException.class).hasMessageContaining("MAX_FRAME");
        assertThatThrownBy(() -> Frames.read(in(raw(0xFFFFFFFF, new byte[0]))))
                .isInstanceOf(FrameException.class).hasMessageContaining("4294967295");
    }

    @Test
    void rejectsTruncatedHeaderAndBody() {
        assertThatThrownBy(() -> Frames.read(in(new byte[]{5, 0}))).isInstanceOf(FrameException.class)
                .hasMessageContaining("inside a frame");
        assertThatThrownBy(() -> Frames.read(in(raw(10, Frames.utf8("abc"))))).isInstanceOf(FrameException.class)
                .hasMessageContaining("3 of 10");
    }

    @Test
    void outgoingFramesMustFitTheCap() {
        assertThatThrownBy(() -> Frames.encode(new byte[0])).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Frames.encode(new byte[Frames.MAX_FRAME + 1])).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void readWithTimeoutTimesOutOnASilentPeerAndReturnsNullOnClose() throws Exception {
        Path sock = dir.resolve("s");
        try (ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            server.bind(UnixDomainSocketAddress.of(sock));
            try (SocketChannel client = SocketChannel.open(UnixDomainSocketAddress.of(sock));
                 SocketChannel peer = server.accept()) {
                AtomicLong nanos = new AtomicLong();
                IncomingFrame silentFrame = new IncomingFrame(1000, "the test's cap");
                CompletableFuture<Throwable> silent = readOnClock(client, silentFrame, 200, 200, nanos);
                assertThat(Await.holdsFor(100, () -> !silent.isDone())).as("waiting before the deadline").isTrue();
                nanos.addAndGet(TimeUnit.MILLISECONDS.toNanos(200));
                assertThat(silent.get(10, TimeUnit.SECONDS)).isInstanceOf(SocketTimeoutException.class)
                        .hasMessageContaining("no frame in time");
                assertThat(client.isBlocking()).isTrue();

                // a partial frame, then silence: the second deadline, counted from the first byte, applies
                peer.write(ByteBuffer.wrap(raw(10, Frames.utf8("abc"))));
                IncomingFrame partialFrame = new IncomingFrame(1000, "the test's cap");
                CompletableFuture<Throwable> partial = readOnClock(client, partialFrame, 5000, 200, nanos);
                Await.until("the first bytes are read", partialFrame::started);
                assertThat(Await.holdsFor(100, () -> !partial.isDone())).as("before the second deadline").isTrue();
                nanos.addAndGet(TimeUnit.MILLISECONDS.toNanos(200));
                assertThat(partial.get(10, TimeUnit.SECONDS)).isInstanceOf(SocketTimeoutException.class)
                        .hasMessageContaining("not completed");
            }
            try (SocketChannel client = SocketChannel.open(UnixDomainSocketAddress.of(sock));
                 SocketChannel peer = server.accept()) {
                peer.close();
                assertThat(Frames.readWithTimeout(client, 2000, 2000)).isNull();
            }
        }
    }

    /** Reads {@code f} on another thread with its deadlines on {@code nanos}; completes with what it threw. */
    private static CompletableFuture<Throwable> readOnClock(SocketChannel ch, IncomingFrame f, long firstMs,
            long restMs, AtomicLong nanos) {
        long since = nanos.get();
        return CompletableFuture.supplyAsync(() -> {
            try {
                Frames.read(ch, f, since, firstMs, restMs, nanos::get);
                return null;
            } catch (Throwable t) {
                return t;
            }
        });
    }

    /** Frames "one", 100,000 bytes ending in 7, "two". */
    private static byte[] smallLargeSmall() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        var w = Channels.newChannel(out);
        byte[] large = new byte[100_000];
        large[99_999] = 7;
        Frames.write(w, Frames.utf8("one"));
        Frames.write(w, large);
        Frames.write(w, Frames.utf8("two"));
        return out.toByteArray();
    }

    @Test
    void bufferedReaderSplitsSmallAndLargeFramesAndDetectsCuts() throws Exception {
        FrameReader r = new FrameReader(in(smallLargeSmall()), 64);
        assertThat(Frames.text(r.next())).isEqualTo("one");
        assertThat(r.next()).hasSize(100_000).endsWith(7);
        assertThat(Frames.text(r.next())).isEqualTo("two");
        assertThat(r.next()).isNull();
        assertThatThrownBy(() -> new FrameReader(in(raw(9, Frames.utf8("ab"))), 64).next())
                .isInstanceOf(FrameException.class);
        assertThatThrownBy(() -> new FrameReader(in(new byte[]{1, 0}), 64).next())
                .isInstanceOf(FrameException.class);
        assertThatThrownBy(() -> new FrameReader(in(raw(0, new byte[0])), 64).next())
                .isInstanceOf(FrameException.class);
    }

    @Test
    void nonBlockingReaderGrowsForALargeFrameAndShrinksBackAfterIt() throws Exception {
        FrameReader r = new FrameReader(in(smallLargeSmall()), 64);
        java.util.List<byte[]> got = new java.util.ArrayList<>();
        int peak = 0;
        while (r.fill() >= 0 || r.hasBufferedFrame()) {
            for (byte[] f; (f = r.nextBuffered()) != null; ) {
                got.add(f);
            }
            peak = Math.max(peak, r.bufferCapacity());
            if (got.size() == 3) {
                break;
            }
        }
        assertThat(got).hasSize(3);
        assertThat(Frames.text(got.get(0))).isEqualTo("one");
        assertThat(got.get(1)).hasSize(100_000).endsWith(7);
        assertThat(Frames.text(got.get(2))).isEqualTo("two");
        assertThat(peak).isGreaterThanOrEqualTo(100_004);
        assertThat(r.bufferCapacity()).as("back to its first size").isEqualTo(64);
    }

    @Test
    void aFrameTakesMemoryAsItsBytesArriveNotAsItsHeaderAnnounces() throws Exception {
        IncomingFrame f = new IncomingFrame(Frames.MAX_FRAME, "Frames.MAX_FRAME");
        var ch = in(raw(Frames.MAX_FRAME, new byte[1024]));
        while (f.readFrom(ch) > 0) {
            // read what the peer sent
        }
        assertThat(f.received()).isEqualTo(4 + 1024);
        assertThat(f.held()).isLessThanOrEqualTo(4 + IncomingFrame.FIRST_BODY_BYTES);

        IncomingFrame big = new IncomingFrame(Frames.MAX_FRAME, "Frames.MAX_FRAME");
        var mb = in(raw(Frames.MAX_FRAME, new byte[1_000_000]));
        while (big.readFrom(mb) > 0) {
            // read what the peer sent
        }
        assertThat(big.held()).as("at most twice what came").isLessThanOrEqualTo(4 + 2 * 1_000_000);
        assertThatThrownBy(() -> Frames.read(in(raw(Frames.MAX_FRAME, new byte[1024]))))
                .isInstanceOf(FrameException.class).hasMessageContaining("1024 of " + Frames.MAX_FRAME);
    }

    @Test
    void framesLargerThanTheFirstBufferArriveWhole() throws Exception {
        byte[] payload = new byte[3 * 1024 * 1024 + 17];
        new java.util.Random(1).nextBytes(payload);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Frames.write(Channels.newChannel(out), payload);
        Frames.write(Channels.newChannel(out), Frames.utf8("after"));
        assertThat(Frames.read(in(out.toByteArray()))).isEqualTo(payload);
        FrameReader r = new FrameReader(in(out.toByteArray()), 64 * 1024);
        assertThat(r.next()).isEqualTo(payload);
        assertThat(Frames.text(r.next())).isEqualTo("after");
    }

    @Test
    void nonBlockingReaderGrowsWithWhatArrivesNotWithTheAnnouncedLength() throws Exception {
        FrameReader r = new FrameReader(in(raw(Frames.MAX_FRAME, new byte[1024])), 64);
        int n;
        do {
            n = r.fill();
            assertThat(r.nextBuffered()).isNull();
        } while (n >= 0);
        assertThat(r.bufferCapacity()).isBetween(4 + 1024, 2 * (4 + 1024));
    }
}
