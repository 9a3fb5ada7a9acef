package org.jckpool.libpool.ipc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.jckpool.libpool.log.Log;
import org.jckpool.testkit.Await;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ControlServerTest {
    @TempDir
    Path dir;
    private ControlServer server;
    private Path sock;
    private final ByteArrayOutputStream logged = new ByteArrayOutputStream();

    @BeforeEach
    void start() throws IOException {
        Log.setStderr(new PrintStream(logged, true, StandardCharsets.UTF_8));
        sock = dir.resolve("listener");
        server = ControlServer.open(sock, new CommandTable().text("ping", r -> "pong").text("quiet", r -> null))
                .requestTimeout(300);
    }

    @AfterEach
    void stop() {
        server.close();
        Log.setStderr(System.err);
    }

    private void assertStillServes() throws IOException {
        assertThat(ControlClient.request(sock, "ping", 2000)).contains("pong");
    }

    private static byte[] header(int len) {
        return ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(len).array();
    }

    /** Sends raw bytes, then reads until the server closes; returns what it sent back. */
    private byte[] rawExchange(byte[] bytes, boolean halfClose) throws IOException {
        try (SocketChannel c = SocketChannel.open(UnixDomainSocketAddress.of(sock))) {
            c.write(ByteBuffer.wrap(bytes));
            if (halfClose) {
                c.shutdownOutput();
            }
            ByteBuffer got = ByteBuffer.allocate(1024);
            try {
                while (c.read(got) >= 0) {
                    if (!got.hasRemaining()) {
                        break;
                    }
                }
            } catch (java.net.SocketException e) {
                // the server closed with our bytes unread: a reset is how that looks
            }
            got.flip();
            byte[] out = new byte[got.remaining()];
            got.get(out);
            return out;
        }
    }

    @Test
    void answersOneRequestPerConnection() throws IOException {
        assertThat(ControlClient.request(sock, "ping", 2000)).contains("pong");
        assertThat(ControlClient.request(sock, "PiNg", 2000)).contains("pong");
        assertThat(ControlClient.request(sock, "nothing-like-it", 2000)).contains("unknown");
        assertThat(ControlClient.request(sock, "quiet", 2000)).isEqualTo(Optional.empty());
    }

    @Test
    void socketAndModes() throws IOException {
        assertThat(Files.getPosixFilePermissions(sock)).isEqualTo(PosixFilePermissions.fromString("rwxrwx---"));
        assertThat(server.path()).isEqualTo(sock);
    }

    @Test
    void zeroLengthFrameIsDroppedAndLogged() throws IOException {
        assertThat(rawExchange(header(0), false)).isEmpty();
        assertThat(logged.toString()).contains("length 0");
        assertStillServes();
    }

    @Test
    void oversizedFrameIsDroppedAndLogged() throws IOException {
        assertThat(rawExchange(header(Frames.MAX_FRAME + 1), false)).isEmpty();
        assertThat(logged.toString()).contains("over the request cap of " + sock);
        assertStillServes();
    }

    @Test
    void truncatedFrameIsDropped() throws IOException {
        byte[] partial = new byte[4 + 3];
        System.arraycopy(header(100), 0, partial, 0, 4);
        assertThat(rawExchange(partial, true)).isEmpty();
        assertThat(logged.toString()).contains("bad frame").contains("3 of 100");
        assertStillServes();
    }

    @Test
    void garbageIsDroppedOrAnsweredUnknown() throws IOException {
        // text where the header should be: "GET " is a length of 0x20544547 > cap
        assertThat(rawExchange("GET / HTTP/1.0\r\n\r\n".getBytes(StandardCharsets.US_ASCII), false)).isEmpty();
        // a well-formed frame of binary junk is just an unknown command
        byte[] junk = {(byte) 0xff, 0x00, (byte) 0xfe, 0x01};
        byte[] framed = new byte[8];
        System.arraycopy(header(4), 0, framed, 0, 4);
        System.arraycopy(junk, 0, framed, 4, 4);
        byte[] reply = rawExchange(framed, false);
        assertThat(new String(reply, 4, reply.length - 4, StandardCharsets.UTF_8)).isEqualTo("unknown");
        assertStillServes();
    }

    @Test
    void silentClientIsDroppedAtTheRequestDeadlineWhileOthersAreServed() throws Exception {
        AtomicLong nanos = new AtomicLong();
        server.clock(nanos::get); // the 300 ms request deadline runs on this clock only
        try (SocketChannel silent = SocketChannel.open(UnixDomainSocketAddress.of(sock))) {
            silent.configureBlocking(false);
            Await.until("the silent client is being read", () -> server.connectionsInProgress() >= 1);
            assertStillServes();
            nanos.addAndGet(TimeUnit.MILLISECONDS.toNanos(299));
            assertStillServes();
            assertThat(silent.read(ByteBuffer.allocate(16))).as("still connected before its deadline").isZero();
            nanos.addAndGet(TimeUnit.MILLISECONDS.toNanos(1));
            Await.until("the silent client is dropped", () -> silent.read(ByteBuffer.allocate(16)) < 0);
        }
        assertThat(logged.toString()).contains("no frame in time");
        assertStillServes();
    }

    @Test
    void clientThatConnectsAndClosesIsHarmless() throws IOException {
        SocketChannel.open(UnixDomainSocketAddress.of(sock)).close();
        assertStillServes();
    }

    @Test
    void refusesASecondServerOnALiveSocketAndReplacesAStaleOne() throws IOException {
        assertThatThrownBy(() -> ControlServer.open(sock, r -> "x")).hasMessageContaining("in use");
        Path stale = dir.resolve("stale");
        Files.createFile(stale);
        try (ControlServer s2 = ControlServer.open(stale, r -> "fresh")) {
            assertThat(ControlClient.request(stale, "anything", 2000)).contains("fresh");
        }
        assertThat(stale).doesNotExist();
    }

    @Test
    void clientFailsClearlyOnAMissingSocket() {
        assertThatThrownBy(() -> ControlClient.request(dir.resolve("missing"), "ping", 500))
                .isInstanceOf(IOException.class);
    }

    @Test
    void streamOpenHandsTheConnectionToTheAcceptor() throws Exception {
        List<String> serverGot = new CopyOnWriteArrayList<>();
        CountDownLatch serverClosed = new CountDownLatch(1);
        List<String> peers = new CopyOnWriteArrayList<>();
        server.onStream(peer -> {
            peers.add(peer);
            return new FrameStream.Listener() {
                @Override
                public void onFrame(FrameStream s, byte[] f) {
                    serverGot.add(Frames.text(f));
                    s.send(Frames.utf8("echo:" + Frames.text(f)));
                }

                @Override
                public void onClose(FrameStream s, Throwable cause) {
                    serverClosed.countDown();
                }
            };
        });
        List<String> clientGot = new CopyOnWriteArrayList<>();
        CountDownLatch three = new CountDownLatch(3);
        try (FrameStream c = FrameStream.connect(sock, "stratifier", (s, f) -> {
            clientGot.add(Frames.text(f));
            three.countDown();
        })) {
            c.send("a");
            c.send("b");
            c.send("c");
            assertThat(three.await(5, TimeUnit.SECONDS)).isTrue();
            assertThat(server.streams()).hasSize(1);
        }
        assertThat(serverClosed.await(5, TimeUnit.SECONDS)).isTrue();
        assertThat(peers).containsExactly("stratifier");
        assertThat(serverGot).containsExactly("a", "b", "c");
        assertThat(clientGot).containsExactly("echo:a", "echo:b", "echo:c");
        assertStillServes();
    }

    @Test
    void streamWithoutAcceptorIsRefused() throws Exception {
        // the refusal is known at connect: no accepted frame, so no stream that merely looks open for a while
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> FrameStream.connect(sock, "connector", (s, f) -> { }))
                .isInstanceOf(IOException.class).hasMessageContaining("stream refused by");
        assertThat(logged.toString()).contains("refusing stream from connector");
        // an acceptor that says no (returns null) is a refusal too
        server.onStream(peer -> null);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> FrameStream.connect(sock, "connector", (s, f) -> { }))
                .isInstanceOf(IOException.class).hasMessageContaining("closed without accepting");
        assertStillServes();
    }

    @Test
    void closeRemovesTheSocketFile() {
        server.close();
        assertThat(sock).doesNotExist();
    }

    /** Connects and sends a header announcing {@code announced} bytes and then {@code sent} bytes of body. */
    private SocketChannel announce(int announced, int sent) throws IOException {
        SocketChannel c = SocketChannel.open(UnixDomainSocketAddress.of(sock));
        ByteBuffer b = ByteBuffer.allocate(4 + sent).order(ByteOrder.LITTLE_ENDIAN).putInt(announced);
        c.write(b.position(0));
        return c;
    }

    /** True when the server has closed {@code c} (its read sees the end, or a reset). */
    private static boolean closedByServer(SocketChannel c) throws IOException {
        try {
            return c.read(ByteBuffer.allocate(16)) < 0;
        } catch (java.net.SocketException e) {
            return true;
        }
    }

    @Test
    void sixteenHugeAnnouncementsAreRefusedAtTheHeaderByTheRequestCap() throws Exception {
        List<SocketChannel> clients = new java.util.ArrayList<>();
        try {
            for (int i = 0; i < 16; i++) {
                clients.add(announce(Frames.MAX_FRAME, 1024));
            }
            for (SocketChannel c : clients) {
                assertThat(closedByServer(c)).isTrue();
            }
        } finally {
            for (SocketChannel c : clients) {
                c.close();
            }
        }
        assertThat(logged.toString()).contains("Rejecting frame of " + Frames.MAX_FRAME + " bytes: over the request cap")
                .contains("bad frame");
        assertStillServes();
    }

    @Test
    void memoryFollowsTheBytesThatArriveNotTheAnnouncedLength() throws Exception {
        server.maxRequestBytes(Frames.MAX_FRAME).requestTimeout(60_000);
        List<SocketChannel> clients = new java.util.ArrayList<>();
        try {
            for (int i = 0; i < 16; i++) {
                clients.add(announce(Frames.MAX_FRAME, 1024));
            }
            Await.until("the server has read 16 x 1 KB", () -> server.requestBytesReceived() == 16 * (4 + 1024));
            assertThat(server.requestBytesHeld()).as("16 announced 32 MiB frames, 1 KB each sent")
                    .isLessThanOrEqualTo(16 * (4 + IncomingFrame.FIRST_BODY_BYTES));
        } finally {
            for (SocketChannel c : clients) {
                c.close();
            }
        }
        Await.until("the cut frames are let go", () -> server.connectionsInProgress() == 0);
        assertThat(server.requestBytesHeld()).isZero();
        assertThat(logged.toString()).contains("1024 of " + Frames.MAX_FRAME + " bytes");
        assertStillServes();
    }

    @Test
    void aRequestOverTheCapIsRefusedWhileAStreamCarriesALargeFrame() throws Exception {
        byte[] big = new byte[ControlServer.DEFAULT_MAX_REQUEST_BYTES + 1];
        java.util.Arrays.fill(big, (byte) 'x');
        try (SocketChannel c = announce(big.length, 0)) {
            assertThat(closedByServer(c)).isTrue();
        }
        assertThat(logged.toString()).contains("Rejecting frame of " + big.length + " bytes: over the request cap of "
                + sock + " (" + ControlServer.DEFAULT_MAX_REQUEST_BYTES + " bytes)");

        byte[] large = new byte[20 << 20];
        large[large.length - 1] = 9;
        List<byte[]> got = new CopyOnWriteArrayList<>();
        server.onStream(peer -> (s, f) -> got.add(f));
        try (FrameStream c = FrameStream.connect(sock, "generator", (s, f) -> { })) {
            assertThat(c.send(large)).isTrue();
            Await.until("the 20 MiB frame arrived", () -> got.size() == 1);
        }
        assertThat(got.get(0)).hasSize(large.length).endsWith(9);
        assertStillServes();
    }

    @Test
    void connectionsOverTheCapAreRefusedWithALogLine() throws Exception {
        server.maxConnections(2).requestTimeout(60_000);
        try (SocketChannel a = SocketChannel.open(UnixDomainSocketAddress.of(sock));
             SocketChannel b = SocketChannel.open(UnixDomainSocketAddress.of(sock))) {
            Await.until("two silent connections are being served", () -> server.connectionsInProgress() == 2);
            try (SocketChannel third = SocketChannel.open(UnixDomainSocketAddress.of(sock))) {
                assertThat(closedByServer(third)).isTrue();
            }
            assertThat(server.connectionsInProgress()).as("the first two still wait for their request").isEqualTo(2);
            assertThat(logged.toString()).contains("2 connections in progress, refusing a new one");
        }
        Await.until("the two silent connections are let go", () -> server.connectionsInProgress() == 0);
        assertStillServes();
    }

    @Test
    void aClientTricklingItsRequestIsCutOffAtTheRequestDeadline() throws Exception {
        // 300 ms for the whole request, from connecting; the clock moves 20 ms a byte
        AtomicLong nanos = new AtomicLong();
        server.clock(nanos::get);
        try (SocketChannel c = announce(100, 0)) {
            c.configureBlocking(false);
            Await.until("the server is reading the request", () -> server.connectionsInProgress() == 1);
            for (int i = 0; i < 14; i++) {
                nanos.addAndGet(TimeUnit.MILLISECONDS.toNanos(20));
                c.write(ByteBuffer.wrap(new byte[] {'x'}));
            }
            assertThat(closedByServer(c)).as("still connected at 280 ms").isFalse();
            nanos.addAndGet(TimeUnit.MILLISECONDS.toNanos(20));
            c.write(ByteBuffer.wrap(new byte[] {'x'})); // a byte at the deadline does not extend it
            Await.until("the trickle is cut", () -> closedByServer(c));
        }
        assertThat(logged.toString()).contains("frame not completed in time");
        assertStillServes();
    }
}
