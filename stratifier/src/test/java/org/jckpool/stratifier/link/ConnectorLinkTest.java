package org.jckpool.stratifier.link;

import org.jckpool.stratifier.share.SolutionOutcome;
import org.jckpool.libpool.ipc.ControlServer;
import org.jckpool.libpool.ipc.FrameStream;
import org.jckpool.libpool.ipc.relay.RelayCodec;
import org.jckpool.libpool.ipc.relay.RelayFrame;
import org.jckpool.libpool.ipc.relay.RelayFrameType;
import org.jckpool.stratifier.engine.StratumEngine;
import org.jckpool.stratifier.engine.Vectors;
import org.jckpool.testkit.Await;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;

import static org.assertj.core.api.Assertions.assertThat;

/** The connector stream over a real Unix socket, with a fake connector on the other end. */
class ConnectorLinkTest {
    @TempDir
    Path dir;
    private ControlServer server;
    private final List<String> events = new CopyOnWriteArrayList<>();
    private final List<RelayFrame> down = new CopyOnWriteArrayList<>();

    @AfterEach
    void close() {
        if (server != null) {
            server.close();
        }
    }

    private final ClientEvents recording = new ClientEvents() {
        @Override
        public void connected(long id, String address, int serverIndex) {
            events.add("C " + id + " " + address + " " + serverIndex);
        }

        @Override
        public void line(long id, String line) {
            events.add("L " + id + " " + line);
        }

        @Override
        public void disconnected(long id, String reason) {
            events.add("D " + id + " " + reason);
        }
    };

    private FrameStream connector(ConnectorLink link, CountDownLatch closed) throws Exception {
        server = ControlServer.open(dir.resolve("stratifier"), r -> null).onStream(link);
        return FrameStream.connect(dir.resolve("stratifier"), "connector", new FrameStream.Listener() {
            @Override
            public void onFrame(FrameStream s, byte[] frame) {
                try {
                    down.add(RelayCodec.decode(frame));
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }

            @Override
            public void onClose(FrameStream s, Throwable cause) {
                closed.countDown();
            }
        });
    }

    private static boolean waitFor(BooleanSupplier c) throws Exception {
        return Await.within(5000, c::getAsBoolean);
    }

    @Test
    void upstreamFramesReachTheEventsAndRepliesGoDownAsFrames() throws Exception {
        ConnectorLink link = new ConnectorLink(recording, () -> true);
        CountDownLatch closed = new CountDownLatch(1);
        FrameStream c = connector(link, closed);
        c.send(RelayCodec.connected(7, "127.0.0.1", 50000, 1));
        c.send(RelayCodec.line(7, "{\"id\":1}".getBytes(StandardCharsets.UTF_8), 0, 8));
        c.send(RelayCodec.connected(8, "::1", 50001, 0));
        c.send(new byte[]{'Q', 1, 2}); // bad frame: ignored, the stream stays up
        c.send(RelayCodec.disconnected(7, "eof"));
        assertThat(waitFor(() -> events.size() == 4)).as("%s", events).isTrue();
        assertThat(events).containsExactly("C 7 127.0.0.1:50000 1", "L 7 {\"id\":1}", "C 8 ::1:50001 0", "D 7 eof");

        assertThat(waitFor(link::connected)).isTrue();
        link.send(8, "{\"id\":2,\"result\":true,\"error\":null}");
        link.broadcast("{\"méthode\":1}");
        link.subscribed(8);
        link.drop(8, "bye");
        assertThat(waitFor(() -> down.size() == 4)).isTrue();
        assertThat(down).extracting(RelayFrame::type).containsExactly(RelayFrameType.SEND, RelayFrameType.SEND_ALL,
                RelayFrameType.SUBSCRIBED, RelayFrameType.DROP);
        assertThat(down.get(0).clientId()).isEqualTo(8);
        assertThat(down.get(0).bodyText()).isEqualTo("{\"id\":2,\"result\":true,\"error\":null}");
        assertThat(down.get(1).clientId()).isZero();
        assertThat(down.get(1).bodyText()).isEqualTo("{\"méthode\":1}");
        assertThat(down.get(3).bodyText()).isEqualTo("bye");

        // the connector goes away: its remaining client is disconnected
        c.close();
        assertThat(waitFor(() -> events.contains("D 8 connector stream closed"))).as("%s", events).isTrue();
        assertThat(waitFor(() -> !link.connected())).isTrue();
        link.send(8, "lost"); // no stream: nowhere to send, nothing queued
        assertThat(link.droppedLines()).isZero();
    }

    @Test
    void drainRequestsGoDownAsWFramesAndReportsComeBackAsDrained() throws Exception {
        List<Long> drained = new CopyOnWriteArrayList<>();
        ClientEvents events = new ClientEvents() {
            @Override
            public void connected(long id, String address, int serverIndex) {
            }

            @Override
            public void line(long id, String line) {
            }

            @Override
            public void disconnected(long id, String reason) {
            }

            @Override
            public void drained(long id) {
                drained.add(id);
            }
        };
        ConnectorLink link = new ConnectorLink(events, () -> true);
        assertThat(link.whenDrained(5)).as("no stream: nothing could report").isFalse();
        FrameStream c = connector(link, new CountDownLatch(1));
        assertThat(waitFor(link::connected)).isTrue();
        link.send(5, "{\"bulk\":1}");
        assertThat(link.whenDrained(5)).isTrue();
        assertThat(waitFor(() -> down.size() == 2)).isTrue();
        assertThat(down).extracting(RelayFrame::type).containsExactly(RelayFrameType.SEND, RelayFrameType.DRAIN);
        assertThat(down.get(1).clientId()).isEqualTo(5);
        c.send(RelayCodec.drained(5));
        assertThat(waitFor(() -> drained.equals(List.of(5L)))).as("%s", drained).isTrue();
        c.close();
    }

    @Test
    void refusedUntilReadyAndOtherPeersAreRefused() throws Exception {
        AtomicBoolean ready = new AtomicBoolean(false);
        ConnectorLink link = new ConnectorLink(recording, ready::get);
        assertThat(link.open("connector")).isNull();
        assertThat(link.open("generator")).isNull();
        ready.set(true);
        assertThat(link.open("connector")).isNotNull();
        assertThat(link.open("someone")).isNull();
    }

    @Test
    void engineSubscribeSendsReplyThenP() throws Exception {
        ConnectorLink[] holder = new ConnectorLink[1];
        StratumEngine[] engine = new StratumEngine[1];
        ClientEvents toEngine = new ClientEvents() {
            @Override
            public void connected(long id, String address, int serverIndex) {
                engine[0].onConnect(id, address, serverIndex);
            }

            @Override
            public void line(long id, String line) {
                engine[0].onLine(id, line);
            }

            @Override
            public void disconnected(long id, String reason) {
                engine[0].onDisconnect(id, reason);
            }
        };
        holder[0] = new ConnectorLink(toEngine, () -> true);
        engine[0] = new StratumEngine(Vectors.config(1, 1), holder[0], s -> SolutionOutcome.SUBMITTED, Clock.systemUTC());
        FrameStream c = connector(holder[0], new CountDownLatch(1));
        c.send(RelayCodec.connected(42, "127.0.0.1", 1234, 0));
        byte[] sub = "{\"id\":1,\"method\":\"mining.subscribe\",\"params\":[\"t/1\"]}".getBytes(StandardCharsets.UTF_8);
        c.send(RelayCodec.line(42, sub, 0, sub.length));
        assertThat(waitFor(() -> down.size() == 2)).as("%s", down).isTrue();
        assertThat(down.get(0).type()).isEqualTo(RelayFrameType.SEND);
        assertThat(down.get(0).bodyText()).contains("mining.notify");
        assertThat(down.get(1).type()).isEqualTo(RelayFrameType.SUBSCRIBED);
        assertThat(down.get(1).clientId()).isEqualTo(42);
        c.close();
    }

    @Test
    void aConnectorThatStallsForLongerThanTheSendWaitLosesNoReply() throws Exception {
        // Every line is answered; the fake connector takes nothing for 2.5 s at first, so the stratifier's queue
        // (8192 frames) stays full for well over a second while 30 000 lines are waiting.
        int lines = 30_000;
        ConnectorLink[] link = new ConnectorLink[1];
        ClientEvents echo = new ClientEvents() {
            @Override
            public void connected(long id, String address, int serverIndex) {
            }

            @Override
            public void line(long id, String line) {
                link[0].send(id, "{\"id\":" + line + ",\"result\":true,\"error\":null}");
            }

            @Override
            public void disconnected(long id, String reason) {
            }
        };
        link[0] = new ConnectorLink(echo, () -> true);
        server = ControlServer.open(dir.resolve("stratifier"), r -> null).onStream(link[0]);
        CountDownLatch firstFrame = new CountDownLatch(1);
        java.util.concurrent.atomic.AtomicInteger answered = new java.util.concurrent.atomic.AtomicInteger();
        java.util.concurrent.atomic.AtomicInteger outOfOrder = new java.util.concurrent.atomic.AtomicInteger();
        java.util.concurrent.atomic.AtomicLong readDuringStall = new java.util.concurrent.atomic.AtomicLong(-1);
        FrameStream c = FrameStream.connect(dir.resolve("stratifier"), "connector", new FrameStream.Listener() {
            @Override
            public void onFrame(FrameStream s, byte[] frame) {
                if (firstFrame.getCount() > 0) {
                    firstFrame.countDown();
                    try {
                        Thread.sleep(2500); // the scenario: the connector stalls on its first frame
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    readDuringStall.set(link[0].stream().framesIn());
                }
                try {
                    String body = RelayCodec.decode(frame).bodyText();
                    int n = answered.getAndIncrement();
                    if (!body.startsWith("{\"id\":" + n + ",")) {
                        outOfOrder.incrementAndGet();
                    }
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }
        }, FrameStream.DEFAULT_QUEUE_CAPACITY, 30_000);
        for (int i = 0; i < lines; i++) {
            byte[] b = Integer.toString(i).getBytes(StandardCharsets.UTF_8);
            assertThat(c.send(RelayCodec.line(1, b, 0, b.length))).isTrue();
        }
        Await.within(20_000, () -> answered.get() >= lines);
        assertThat(answered.get()).isEqualTo(lines);
        assertThat(outOfOrder.get()).isZero();
        assertThat(link[0].droppedLines()).isZero();
        // back-pressure: while the connector stalled, the stratifier's reader waited to write its replies and
        // stopped taking lines (it does not queue or drop them)
        assertThat(readDuringStall.get()).isBetween(1L, (long) lines - 1);
        c.close();
    }

    @Test
    void lineFramesReachTheEventsAsTheirBodyBytes() {
        List<String> bodies = new CopyOnWriteArrayList<>();
        ClientEvents bytesEvents = new ClientEvents() {
            @Override
            public void connected(long id, String address, int serverIndex) {
            }

            @Override
            public void line(long id, String line) {
                bodies.add("text " + id + " " + line);
            }

            @Override
            public void line(long id, byte[] buf, int off, int len) {
                bodies.add("bytes " + id + " " + new String(buf, off, len, StandardCharsets.UTF_8));
            }

            @Override
            public void disconnected(long id, String reason) {
            }
        };
        FrameStream.Listener frames = new ConnectorLink(bytesEvents, () -> true).open(ConnectorLink.PEER);
        byte[] line = "{\"id\":1,\"méthode\":2}".getBytes(StandardCharsets.UTF_8);
        frames.onFrame(null, RelayCodec.line(5, line, 0, line.length));
        assertThat(bodies).containsExactly("bytes 5 {\"id\":1,\"méthode\":2}");
        // an events object that only takes text gets the decoded line
        frames = new ConnectorLink(recording, () -> true).open(ConnectorLink.PEER);
        frames.onFrame(null, RelayCodec.line(6, line, 0, line.length));
        assertThat(events).containsExactly("L 6 {\"id\":1,\"méthode\":2}");
    }

    @Test
    void asciiLinesAreEncodedLikeTheCodec() {
        String line = "{\"id\":1,\"result\":true}";
        assertThat(ConnectorLink.encodeLine(RelayFrameType.SEND, 0x0102030405060708L, line))
                .isEqualTo(RelayCodec.send(0x0102030405060708L, line.getBytes(StandardCharsets.UTF_8)));
        assertThat(ConnectorLink.encodeLine(RelayFrameType.SEND, -1, "é"))
                .isEqualTo(RelayCodec.send(-1, "é".getBytes(StandardCharsets.UTF_8)));
    }
}
