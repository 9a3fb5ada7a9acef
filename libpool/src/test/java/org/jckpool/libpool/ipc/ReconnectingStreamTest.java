package org.jckpool.libpool.ipc;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import org.jckpool.libpool.retry.Backoff;
import org.jckpool.testkit.Await;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReconnectingStreamTest {
    @TempDir
    Path dir;
    private ControlServer server;
    private ReconnectingStream link;

    @AfterEach
    void stop() {
        if (link != null) {
            link.close();
        }
        if (server != null) {
            server.close();
        }
    }

    /** Connects to {@code sock} as peer "test"; the listener wakes the link when the stream closes. */
    private class Client implements ReconnectingStream.Handler {
        final Path sock;
        final AtomicInteger attempts = new AtomicInteger();
        final List<Long> failedDelays = new CopyOnWriteArrayList<>();
        final List<Exception> downCauses = new CopyOnWriteArrayList<>();

        Client(Path sock) {
            this.sock = sock;
        }

        @Override
        public FrameStream connect() throws IOException {
            attempts.incrementAndGet();
            return FrameStream.connect(sock, "test", new FrameStream.Listener() {
                @Override
                public void onFrame(FrameStream s, byte[] frame) {
                }

                @Override
                public void onClose(FrameStream s, Throwable cause) {
                    link.wake();
                }
            });
        }

        @Override
        public long connectFailed(Exception cause, long backoffMillis) {
            failedDelays.add(backoffMillis);
            return backoffMillis;
        }

        @Override
        public long down(FrameStream stream, Exception cause, boolean stable, long backoffMillis) {
            if (cause != null) {
                downCauses.add(cause);
            }
            return backoffMillis;
        }
    }

    private static boolean linkThreadRunning() {
        return Thread.getAllStackTraces().keySet().stream().anyMatch(t -> t.getName().equals("test-link"));
    }

    private ControlServer acceptingServer(Path sock) throws IOException {
        return ControlServer.open(sock, r -> "pong").onStream(peer -> (s, f) -> { });
    }

    @Test
    void reconnectsWhenThePeerDropsTheStreamOrGoesAwayAndComesBack() throws Exception {
        Path sock = dir.resolve("peer");
        server = acceptingServer(sock);
        Client client = new Client(sock);
        link = new ReconnectingStream("test-link", new Backoff(Duration.ofMillis(10), Duration.ofMillis(50)),
                Duration.ZERO, client).start();
        Await.until("the first stream", () -> link.isUp() && link.connects() == 1);

        server.streams().forEach(FrameStream::close);
        Await.until("a second stream after the peer dropped the first", () -> link.isUp() && link.connects() == 2);

        server.close();
        Await.until("failed attempts while the peer is away", () -> link.failures() >= 3);
        assertThat(link.isUp()).isFalse();
        server = acceptingServer(sock);
        Await.until("a stream to the peer that came back", () -> link.isUp() && link.connects() == 3);
    }

    @Test
    void waitsBetweenFailedAttemptsWithADelayThatDoublesUpToItsBound() throws Exception {
        Client client = new Client(dir.resolve("nobody-listens"));
        link = new ReconnectingStream("test-link", new Backoff(Duration.ofMillis(5), Duration.ofMillis(20)),
                Duration.ZERO, client).start();
        Await.until("six failed attempts", () -> client.failedDelays.size() >= 6);
        // a copy: the link keeps adding attempts, and a live sub-list of the list would see it change
        assertThat(List.copyOf(client.failedDelays).subList(0, 6)).containsExactly(5L, 10L, 20L, 20L, 20L, 20L);
        assertThat(link.connects()).isZero();
    }

    @Test
    void aStreamDroppedBeforeItWasStableKeepsTheBackoffGrowing() throws Exception {
        Path sock = dir.resolve("flapping");
        // accepts every stream and closes it at once
        server = ControlServer.open(sock, r -> "pong").onStream(peer -> new FrameStream.Listener() {
            @Override
            public void onOpen(FrameStream s) {
                s.close();
            }

            @Override
            public void onFrame(FrameStream s, byte[] frame) {
            }
        });
        List<Long> downDelays = new CopyOnWriteArrayList<>();
        Client client = new Client(sock) {
            @Override
            public long down(FrameStream stream, Exception cause, boolean stable, long backoffMillis) {
                downDelays.add(backoffMillis);
                return backoffMillis;
            }
        };
        link = new ReconnectingStream("test-link", new Backoff(Duration.ofMillis(5), Duration.ofMillis(40)),
                Duration.ofSeconds(30), client).start();
        Await.until("four short-lived streams", () -> downDelays.size() >= 4);
        assertThat(downDelays.subList(0, 4)).containsExactly(5L, 10L, 20L, 40L);
    }

    @Test
    void aFailingHandlerHasItsStreamClosedAndConnectsAgain() throws Exception {
        Path sock = dir.resolve("peer");
        server = acceptingServer(sock);
        List<FrameStream> handed = new CopyOnWriteArrayList<>();
        Client client = new Client(sock) {
            @Override
            public void up(FrameStream stream, ReconnectingStream l) throws IOException {
                handed.add(stream);
                throw new IOException("no reply in time");
            }
        };
        link = new ReconnectingStream("test-link", new Backoff(Duration.ofMillis(5), Duration.ofMillis(20)),
                Duration.ofSeconds(30), client).start();
        Await.until("two streams handed over", () -> handed.size() >= 2);
        assertThat(handed.get(0).isOpen()).isFalse();
        assertThat(client.downCauses.get(0)).hasMessage("no reply in time");
    }

    @Test
    void closeStopsTheLinkAndLeavesAnOpenStreamToItsOwner() throws Exception {
        Path sock = dir.resolve("peer");
        server = acceptingServer(sock);
        Client client = new Client(sock);
        link = new ReconnectingStream("test-link", new Backoff(Duration.ofMillis(5), Duration.ofMillis(20)),
                Duration.ZERO, client).start();
        Await.until("the first stream", link::isUp);
        FrameStream s = link.current();
        link.close();
        assertThat(linkThreadRunning()).isFalse();
        assertThat(s).isNotNull();
        assertThat(s.isOpen()).isTrue();
        int attempts = client.attempts.get();
        server.streams().forEach(FrameStream::close);
        Await.until("the stream closed by the peer", () -> !s.isOpen());
        assertThat(client.attempts.get()).isEqualTo(attempts); // the link thread has ended: nothing reconnects
        s.close();
    }

    @Test
    void closeEndsTheWaitBetweenAttempts() throws Exception {
        Client client = new Client(dir.resolve("nobody-listens"));
        link = new ReconnectingStream("test-link", new Backoff(Duration.ofSeconds(60), Duration.ofSeconds(60)),
                Duration.ZERO, client).start();
        Await.until("the first failed attempt", () -> link.failures() == 1);
        long t0 = System.nanoTime();
        link.close();
        Await.until("the link's thread ends", () -> !linkThreadRunning());
        // the wait it was in lasts 60 s: ending within half of that is close() ending it, however busy the machine
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(30));
        assertThat(client.attempts.get()).isEqualTo(1);
    }
}
