package org.jckpool.connector.net;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;
import org.jckpool.connector.net.RecordingClientEventSink.Event;
import org.jckpool.testkit.Await;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 30, unit = TimeUnit.SECONDS)
class ConnectorServerTest {
    private static final ListenAddress LOOPBACK = ListenAddress.parse("127.0.0.1:0");

    private final RecordingClientEventSink upstream = new RecordingClientEventSink();
    private final List<AutoCloseable> toClose = new ArrayList<>();
    private ConnectorServer server;

    @AfterEach
    void tearDown() throws Exception {
        for (AutoCloseable c : toClose) {
            c.close();
        }
        if (server != null) {
            server.close();
        }
    }

    private ConnectorSettings settings() {
        return ConnectorSettings.defaults(List.of(LOOPBACK)).withHousekeepingInterval(Duration.ofMillis(50));
    }

    private InetSocketAddress start(ConnectorSettings settings) throws IOException {
        server = ConnectorServer.start(settings, upstream, true, List.of());
        return server.boundAddresses().get(0);
    }

    private TestClient connect(InetSocketAddress address) throws IOException {
        TestClient client = new TestClient(address);
        toClose.add(client);
        return client;
    }

    private static void await(String what, BooleanSupplier condition) throws Exception {
        Await.until(what, 15_000, condition::getAsBoolean);
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void relaysLinesBothWaysWithPartialWritesCrLfAndEmptyLines() throws Exception {
        InetSocketAddress address = start(settings());
        TestClient client = connect(address);
        Event connected = upstream.next("C");
        assertThat(connected.text()).isEqualTo("127.0.0.1");
        assertThat(connected.port()).isEqualTo(client.localPort());
        assertThat(connected.server()).isZero();
        long id = connected.id();

        // One line split over several TCP writes, then CRLF lines and blank lines in one write.
        client.write("{\"id\":1,\"method\":");
        Thread.sleep(20); // apart, so the pieces are likely read one by one
        client.write("\"mining.subscribe\"");
        Thread.sleep(20);
        client.write("}\r");
        Thread.sleep(20);
        client.write("\n\n\r\n{\"id\":2}\r\n{\"id\":3}\n");
        assertThat(upstream.next("L").text()).isEqualTo("{\"id\":1,\"method\":\"mining.subscribe\"}");
        assertThat(upstream.next("L").text()).isEqualTo("{\"id\":2}");
        Event third = upstream.next("L");
        assertThat(third.text()).isEqualTo("{\"id\":3}");
        assertThat(third.id()).isEqualTo(id);

        // Invalid UTF-8 is passed on as bytes.
        client.write(new byte[] {'{', (byte) 0xff, (byte) 0xc3, '}', '\n'});
        assertThat(upstream.next("L").bytes()).containsExactly('{', 0xff, 0xc3, '}');

        server.send(id, utf8("{\"id\":1,\"result\":true}"));
        server.send(id, utf8("already terminated\n"));
        byte[] framed = utf8("xx{\"id\":2}yy");
        server.send(id, framed, 2, 8);
        assertThat(client.readLine()).isEqualTo("{\"id\":1,\"result\":true}");
        assertThat(client.readLine()).isEqualTo("already terminated");
        assertThat(client.readLine()).isEqualTo("{\"id\":2}");

        client.close();
        Event gone = upstream.next("D");
        assertThat(gone.id()).isEqualTo(id);
        assertThat(gone.text()).isEqualTo("client disconnected");
        await("client count 0", () -> server.clientCount() == 0);
        assertThat(server.stats().linesIn()).isEqualTo(4);
    }

    @Test
    void clientIdsAreUniqueAndServerIndexFollowsTheServerurlOrder() throws Exception {
        server = ConnectorServer.start(ConnectorSettings.defaults(List.of(LOOPBACK, LOOPBACK)), upstream, true,
                List.of());
        List<InetSocketAddress> bound = server.boundAddresses();
        assertThat(bound).hasSize(2);
        assertThat(bound.get(0).getPort()).isNotEqualTo(bound.get(1).getPort());
        connect(bound.get(1));
        Event second = upstream.next("C");
        assertThat(second.server()).isEqualTo(1);
        TestClient first = connect(bound.get(0));
        Event firstEvent = upstream.next("C");
        assertThat(firstEvent.server()).isZero();
        assertThat(firstEvent.id()).isGreaterThan(second.id());
        first.close();
        upstream.next("D");
        connect(bound.get(0));
        assertThat(upstream.next("C").id()).isGreaterThan(firstEvent.id());
    }

    @Test
    void oversizedLineDropsTheClientButALineAtTheCapPasses() throws Exception {
        InetSocketAddress address = start(settings().withMaxLineBytes(100));
        TestClient client = connect(address);
        upstream.next("C");
        String atCap = "a".repeat(100);
        client.write(atCap + "\r\n");
        assertThat(upstream.next("L").text()).isEqualTo(atCap);

        // 101 bytes without a newline, sent in pieces: dropped before any newline arrives.
        client.write("b".repeat(60));
        Thread.sleep(20); // apart, so the pieces are likely read one by one
        client.write("b".repeat(41));
        Thread.sleep(20);
        client.write("c");
        Event dropped = upstream.next("D");
        assertThat(dropped.text()).contains("line longer than 100 bytes");
        assertThat(client.closedByServer()).isTrue();
        assertThat(server.stats().droppedOversize()).isEqualTo(1);

        // An oversized complete line in a single read is dropped too.
        TestClient other = connect(address);
        upstream.next("C");
        other.write("d".repeat(150) + "\n");
        assertThat(upstream.next("D").text()).contains("line longer");
        assertThat(other.closedByServer()).isTrue();
    }

    @Test
    void maxClientsRefusesNewConnectionsAndRecoversWhenOneLeaves() throws Exception {
        InetSocketAddress address = start(settings().withMaxClients(2));
        TestClient a = connect(address);
        connect(address);
        upstream.next("C");
        upstream.next("C");
        for (int i = 0; i < 5; i++) {
            TestClient refused = connect(address);
            assertThat(refused.closedByServer()).isTrue();
        }
        assertThat(server.stats().refusedFull()).isEqualTo(5);
        assertThat(server.clientCount()).isEqualTo(2);
        upstream.expectNothing(50);

        a.close();
        upstream.next("D");
        TestClient c = connect(address);
        long id = upstream.next("C").id();
        server.send(id, utf8("welcome"));
        assertThat(c.readLine()).isEqualTo("welcome");
    }

    @Test
    void clientThatStopsReadingIsDroppedWhenItsQueueExceedsTheCap() throws Exception {
        int cap = 256 * 1024;
        InetSocketAddress address = start(settings().withMaxQueuedBytes(cap).withStallTimeout(Duration.ZERO));
        TestClient sleeper = new TestClient(address, 4096);
        toClose.add(sleeper);
        long id = upstream.next("C").id();
        TestClient reader = connect(address);
        long readerId = upstream.next("C").id();

        byte[] line = utf8("x".repeat(1023));
        int lines = 20_000; // 20 MB: far more than the kernel buffers plus the queue cap
        for (int i = 0; i < lines; i++) {
            server.send(id, line);
        }
        Event dropped = upstream.next("D");
        assertThat(dropped.id()).isEqualTo(id);
        assertThat(dropped.text()).contains("output queue full").contains("cap " + cap);
        ConnectorStats stats = server.stats();
        assertThat(stats.peakQueuedBytes()).isPositive().isLessThanOrEqualTo(cap);
        assertThat(stats.droppedSlow()).isEqualTo(1);

        // The other client is unaffected.
        server.send(readerId, utf8("still here"));
        assertThat(reader.readLine()).isEqualTo("still here");
    }

    @Test
    void drainIsReportedOnceEverythingSentBeforeItWasWritten() throws Exception {
        InetSocketAddress address = start(settings().withMaxQueuedBytes(64 * 1024 * 1024)
                .withStallTimeout(Duration.ZERO));
        TestClient slow = new TestClient(address, 4096);
        toClose.add(slow);
        long id = upstream.next("C").id();
        server.whenDrained(id); // nothing queued: reported at once
        assertThat(upstream.next("E").id()).isEqualTo(id);

        byte[] line = utf8("y".repeat(1023));
        int lines = 16_384; // 16 MiB: more than the kernel buffers take while the client reads nothing
        for (int i = 0; i < lines; i++) {
            server.send(id, line);
        }
        server.whenDrained(id);
        upstream.expectNothing(300); // the client is not reading: its output waits in the queue
        assertThat(slow.skip(1024L * lines)).isTrue();
        assertThat(upstream.next("E").id()).isEqualTo(id);
        server.whenDrained(-99); // an unknown client: nothing
        upstream.expectNothing(100);
    }

    @Test
    void clientWithPendingDataAndNoProgressIsDroppedAfterTheStallTimeout() throws Exception {
        InetSocketAddress address = start(settings().withMaxQueuedBytes(64 * 1024 * 1024)
                .withStallTimeout(Duration.ofMillis(300)));
        TestClient sleeper = new TestClient(address, 4096);
        toClose.add(sleeper);
        long id = upstream.next("C").id();
        byte[] line = utf8("y".repeat(1023));
        long start = System.nanoTime();
        for (int i = 0; i < 16_000; i++) { // 16 MB, more than the kernel takes, well under the cap
            server.send(id, line);
        }
        Event dropped = upstream.next("D");
        assertThat(dropped.text()).contains("not reading").contains("none taken for 300 ms");
        // The stall clock starts when the queue first holds data, which is after the first send (a lower bound on
        // the server's own clock: a busy machine can only make it later).
        assertThat(System.nanoTime() - start).isGreaterThanOrEqualTo(TimeUnit.MILLISECONDS.toNanos(300));
        assertThat(server.stats().peakQueuedBytes()).isLessThanOrEqualTo(64 * 1024 * 1024);
        assertThat(sleeper.closedByServer()).isTrue();
    }

    @Test
    void silentAndIdleClientsAreDropped() throws Exception {
        InetSocketAddress address = start(settings().withFirstLineTimeout(Duration.ofMillis(200))
                .withIdleTimeout(Duration.ofMillis(1200)));
        TestClient silent = connect(address);
        long silentId = upstream.next("C").id();
        Event dropped = upstream.next("D");
        assertThat(dropped.id()).isEqualTo(silentId);
        assertThat(dropped.text()).contains("no complete line");
        assertThat(silent.closedByServer()).isTrue();

        TestClient talker = connect(address);
        long talkerId = upstream.next("C").id();
        for (int i = 0; i < 10; i++) { // stays alive past both timeouts while it talks
            talker.write("{\"id\":" + i + "}\n");
            assertThat(upstream.next("L").id()).isEqualTo(talkerId);
            Thread.sleep(150); // the talker's pace: a line every 150 ms, far inside the 1200 ms idle timeout
        }
        Event idle = upstream.next("D");
        assertThat(idle.id()).isEqualTo(talkerId);
        assertThat(idle.text()).contains("idle");
        assertThat(server.stats().droppedIdle()).isEqualTo(2);
    }

    @Test
    void dropFromUpstreamFlushesPendingLinesThenCloses() throws Exception {
        InetSocketAddress address = start(settings());
        TestClient client = connect(address);
        long id = upstream.next("C").id();
        server.send(id, utf8("[21,\"bye\",null]"));
        server.drop(id, "unauthorised after 60 s");
        assertThat(client.readLine()).isEqualTo("[21,\"bye\",null]");
        assertThat(client.closedByServer()).isTrue();
        Event gone = upstream.next("D");
        assertThat(gone.id()).isEqualTo(id);
        assertThat(gone.text()).isEqualTo("dropped by stratifier: unauthorised after 60 s");
        // Requests for a gone client are ignored.
        server.send(id, utf8("late"));
        server.drop(id, "again");
        upstream.expectNothing(100);
        assertThat(server.clientCount()).isZero();
    }

    @Test
    void failingAcceptPausesAcceptingWhileExistingClientsAreServed() throws Exception {
        AtomicBoolean outOfFiles = new AtomicBoolean();
        List<Long> failedAt = new CopyOnWriteArrayList<>();
        AcceptFunction accept = channel -> {
            if (outOfFiles.get()) {
                // A pending connection stays in the backlog, so without a pause this would spin.
                failedAt.add(System.nanoTime());
                throw new IOException("Too many open files");
            }
            return channel.accept();
        };
        server = ConnectorServer.start(settings().withAcceptPause(Duration.ofMillis(300)), upstream, true, List.of(),
                accept);
        InetSocketAddress address = server.boundAddresses().get(0);
        TestClient existing = connect(address);
        long id = upstream.next("C").id();

        outOfFiles.set(true);
        TestClient waiting = connect(address); // completes in the kernel backlog
        await("three failed accepts", () -> failedAt.size() >= 3);
        // The pause ends on the server's clock no earlier than 300 ms after a failure: a busy machine can only
        // stretch the gaps, a tight loop would make them microseconds.
        List<Long> failures = List.copyOf(failedAt);
        for (int i = 1; i < failures.size(); i++) {
            assertThat(failures.get(i) - failures.get(i - 1)).as("gap before accept retry %d", i)
                    .isGreaterThanOrEqualTo(TimeUnit.MILLISECONDS.toNanos(300));
        }
        assertThat(server.stats().acceptFailures()).isGreaterThanOrEqualTo(3);

        existing.write("{\"id\":7}\n");
        assertThat(upstream.next("L").text()).isEqualTo("{\"id\":7}");
        server.send(id, utf8("ok"));
        assertThat(existing.readLine()).isEqualTo("ok");

        outOfFiles.set(false);
        long waitingId = upstream.next("C").id();
        server.send(waitingId, utf8("finally"));
        assertThat(waiting.readLine()).isEqualTo("finally");
    }

    @Test
    void servesIpv6LoopbackWhenConfigured() throws Exception {
        boolean ipv6 = ipv6LoopbackAvailable();
        List<ListenAddress> listen = ipv6 ? List.of(LOOPBACK, ListenAddress.parse("[::1]:0")) : List.of(LOOPBACK);
        server = ConnectorServer.start(ConnectorSettings.defaults(listen), upstream, true, List.of());
        connect(server.boundAddresses().get(0));
        assertThat(upstream.next("C").text()).isEqualTo("127.0.0.1");
        if (!ipv6) {
            System.out.println("::1 is not configured on this host: IPv6 loopback assertion skipped");
            return;
        }
        TestClient v6 = connect(server.boundAddresses().get(1));
        Event connected = upstream.next("C");
        assertThat(connected.text()).isEqualTo("0:0:0:0:0:0:0:1");
        assertThat(connected.server()).isEqualTo(1);
        v6.write("{\"v\":6}\n");
        assertThat(upstream.next("L").text()).isEqualTo("{\"v\":6}");
        server.send(connected.id(), utf8("six"));
        assertThat(v6.readLine()).isEqualTo("six");
    }

    private static boolean ipv6LoopbackAvailable() {
        try (ServerSocket probe = new ServerSocket()) {
            probe.bind(new InetSocketAddress(InetAddress.getByName("::1"), 0));
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    @Test
    void twoThousandClientsGetABroadcastAndAreHeardFrom() throws Exception {
        int n = 2000;
        upstream.countOnly = true;
        InetSocketAddress address = start(settings());
        List<TestClient> clients = new ArrayList<>();
        long t0 = System.nanoTime();
        for (int i = 0; i < n; i++) {
            TestClient c = new TestClient(address);
            clients.add(c);
            toClose.add(c);
        }
        await(n + " clients connected", () -> server.clientCount() == n);
        assertThat(upstream.connects.get()).isEqualTo(n);

        System.out.printf("%d clients: open+connected in %d ms%n", n, (System.nanoTime() - t0) / 1_000_000);
        for (int i = 0; i < n; i++) {
            clients.get(i).write("{\"id\":" + i + "}\n");
        }
        for (int i = 0; i < n; i++) {
            server.subscribe(upstream.next("L").id()); // broadcasts reach subscribed clients only
        }

        System.out.printf("%d clients: lines in after %d ms%n", n, (System.nanoTime() - t0) / 1_000_000);
        String notify = "{\"params\":[\"job\"],\"id\":null,\"method\":\"mining.notify\"}";
        server.sendAll(utf8(notify));
        server.sendAll(utf8("second"));
        for (TestClient c : clients) {
            assertThat(c.readLine()).isEqualTo(notify);
            assertThat(c.readLine()).isEqualTo("second");
        }
        assertThat(server.stats().linesOut()).isEqualTo(2L * n);
        System.out.printf("%d clients: broadcasts read after %d ms%n", n, (System.nanoTime() - t0) / 1_000_000);

        for (TestClient c : clients) {
            c.close();
        }
        await("all disconnected", () -> upstream.disconnects.get() == n);
        assertThat(server.clientCount()).isZero();
    }

    @Test
    void broadcastsReachOnlySubscribedClients() throws Exception {
        InetSocketAddress address = start(settings());
        TestClient early = connect(address);
        long earlyId = upstream.next("C").id();
        TestClient late = connect(address);
        long lateId = upstream.next("C").id();
        server.subscribe(earlyId);
        server.sendAll(utf8("first"));
        server.subscribe(lateId);
        server.sendAll(utf8("second"));
        server.subscribe(12345); // unknown id: ignored
        assertThat(early.readLine()).isEqualTo("first");
        assertThat(early.readLine()).isEqualTo("second");
        assertThat(late.readLine()).isEqualTo("second");
        assertThat(server.stats().linesOut()).isEqualTo(3);
    }

    @Test
    void notAdmittingRefusesNewClientsAndDropAllAndAdminDropsAreCounted() throws Exception {
        InetSocketAddress address = start(settings());
        TestClient a = connect(address);
        long aId = upstream.next("C").id();
        TestClient b = connect(address);
        upstream.next("C");
        TestClient c = connect(address);
        long cId = upstream.next("C").id();
        a.write("hello\n");
        upstream.next("L");

        assertThat(server.dropByAdmin(cId, "dropped by admin").get(5, TimeUnit.SECONDS)).isTrue();
        assertThat(server.dropByAdmin(cId, "dropped by admin").get(5, TimeUnit.SECONDS)).isFalse();
        assertThat(upstream.next("D").text()).isEqualTo("dropped by admin");
        assertThat(c.closedByServer()).isTrue();

        server.setAdmitting(false);
        TestClient refused = connect(address);
        assertThat(refused.closedByServer()).isTrue();
        assertThat(server.dropAll("stratifier gone").get(5, TimeUnit.SECONDS)).isEqualTo(2);
        assertThat(upstream.next("D").text()).isEqualTo("stratifier gone");
        assertThat(upstream.next("D").text()).isEqualTo("stratifier gone");
        assertThat(a.closedByServer()).isTrue();
        assertThat(b.closedByServer()).isTrue();

        server.setAdmitting(true);
        connect(address);
        assertThat(upstream.next("C").id()).isGreaterThan(aId);
        ConnectorStats stats = server.stats();
        assertThat(stats.refusedNotAdmitting()).isEqualTo(1);
        assertThat(stats.droppedByAdmin()).isEqualTo(1);
        assertThat(stats.droppedAll()).isEqualTo(2);
        assertThat(stats.bytesIn()).isEqualTo(6);
        assertThat(stats.accepted()).isEqualTo(4);
        assertThat(stats.clients()).isEqualTo(1);
    }

    @Test
    void closeDisconnectsEveryClientAndStopsListening() throws Exception {
        InetSocketAddress address = start(settings());
        TestClient client = connect(address);
        long id = upstream.next("C").id();
        server.close();
        Event gone = upstream.next("D");
        assertThat(gone.id()).isEqualTo(id);
        assertThat(gone.text()).isEqualTo("connector shutting down");
        assertThat(client.closedByServer()).isTrue();
        server.send(id, utf8("after close")); // ignored, no exception
        try (java.net.Socket s = new java.net.Socket()) {
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> s.connect(address, 1000))
                    .isInstanceOf(IOException.class);
        }
    }

    @Test
    void aHandedOverSocketQueuesConnectsWhileNotAdmittingAndOutlivesTheServer() throws Exception {
        java.nio.channels.ServerSocketChannel held = java.nio.channels.ServerSocketChannel.open();
        held.bind(new InetSocketAddress("127.0.0.1", 0), 16);
        InetSocketAddress address = (InetSocketAddress) held.getLocalAddress();
        // the server gets its own descriptor of the socket, as from the listener; this test keeps the original
        java.nio.channels.ServerSocketChannel copy = org.jckpool.libpool.ipc.NioDescriptors.listening(
                org.newsclub.net.unix.FileDescriptorCast.duplicating(
                        org.jckpool.libpool.ipc.NioDescriptors.of(held)).getFileDescriptor(),
                org.jckpool.libpool.ipc.NioDescriptors.familyOf(held));
        server = ConnectorServer.start(settings(), upstream, false, List.of(copy));
        TestClient waiting = connect(address); // the kernel completes the connect; nobody accepts it yet
        assertThat(Await.holdsFor(200, () -> server.stats().accepted() == 0
                && server.stats().refusedNotAdmitting() == 0)).as("nobody accepts it yet").isTrue();
        server.setAdmitting(true);
        Event connected = upstream.next("C");
        assertThat(connected.port()).isEqualTo(waiting.localPort());
        server.close();
        assertThat(waiting.closedByServer()).isTrue();
        // the socket still listens through the other descriptor: a connect succeeds and waits in the backlog
        try (java.net.Socket s = new java.net.Socket()) {
            s.connect(address, 1000);
            assertThat(s.isConnected()).isTrue();
        }
        held.close();
    }
}
