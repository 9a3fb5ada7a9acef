package org.jckpool.connector;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;

import com.fasterxml.jackson.databind.JsonNode;
import org.jckpool.connector.link.HoldLimits;
import org.jckpool.connector.link.StratifierUplink;
import org.jckpool.connector.net.ConnectorSettings;
import org.jckpool.connector.net.ListenAddress;
import org.jckpool.suite.config.ConfigLoader;
import org.jckpool.suite.config.PoolConfig;
import org.jckpool.libpool.ipc.CommandTable;
import org.jckpool.libpool.ipc.ControlServer;
import org.jckpool.libpool.ipc.FrameStream;
import org.jckpool.libpool.ipc.relay.ConnectedInfo;
import org.jckpool.libpool.ipc.relay.RelayCodec;
import org.jckpool.libpool.ipc.relay.RelayFrame;
import org.jckpool.libpool.ipc.relay.RelayFrameException;
import org.jckpool.libpool.ipc.relay.RelayFrameType;
import org.jckpool.libpool.json.Json;
import org.jckpool.testkit.Await;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The connector process pieces in-process against a fake stratifier socket, with real TCP miners: start before
 * the stratifier, relaying, broadcasts to subscribed clients only, operator commands, loss and return of the
 * stratifier stream.
 */
@Timeout(value = 40, unit = TimeUnit.SECONDS)
class ConnectorProcessTest {
    private static final StratifierUplink.Timing FAST = new StratifierUplink.Timing(Duration.ofMillis(20),
            Duration.ofMillis(100), Duration.ofMillis(500), Duration.ofSeconds(1), 1024);

    private final List<AutoCloseable> toClose = new ArrayList<>();

    @AfterEach
    void tearDown() throws Exception {
        for (int i = toClose.size() - 1; i >= 0; i--) {
            toClose.get(i).close();
        }
    }

    /**
     * Stand-in stratifier: records every frame; answers a line "sub" with P then S "ok", a line "bcast" with
     * A "to-all", anything else with S "echo &lt;line&gt;".
     */
    private static final class FakeStratifier implements AutoCloseable {
        final BlockingQueue<RelayFrame> frames = new LinkedBlockingQueue<>();
        final ControlServer server;

        FakeStratifier(Path socket) throws IOException {
            // Bound under another name and renamed once the stream handler is set, so that the connector never
            // meets a socket that refuses its stream (as a real stratifier registers its handler before opening).
            Path staging = socket.resolveSibling(socket.getFileName() + ".staging");
            server = ControlServer.open(staging, request -> "unknown");
            server.onStream(peer -> "connector".equals(peer) ? new FrameStream.Listener() {
                @Override
                public void onFrame(FrameStream stream, byte[] payload) {
                    try {
                        RelayFrame frame = RelayCodec.decode(payload);
                        frames.add(frame);
                        if (frame.type() != RelayFrameType.LINE) {
                            return;
                        }
                        String line = frame.bodyText();
                        long id = frame.clientId();
                        switch (line) {
                            case "sub" -> {
                                stream.send(RelayCodec.subscribed(id));
                                stream.send(RelayCodec.send(id, utf8("ok")));
                            }
                            case "bcast" -> stream.send(RelayCodec.sendAll(utf8("to-all")));
                            default -> stream.send(RelayCodec.send(id, utf8("echo " + line)));
                        }
                    } catch (RelayFrameException e) {
                        throw new AssertionError(e);
                    }
                }
            } : null);
            Files.move(staging, socket, StandardCopyOption.REPLACE_EXISTING);
        }

        RelayFrame next(RelayFrameType type) throws InterruptedException {
            RelayFrame f = frames.poll(10, TimeUnit.SECONDS);
            assertThat(f).as("a " + type + " frame within 10 s").isNotNull();
            assertThat(f.type()).as(f.toString()).isEqualTo(type);
            return f;
        }

        @Override
        public void close() {
            server.close();
        }
    }

    /** A blocking line client standing in for a miner. */
    private static final class Miner implements AutoCloseable {
        final Socket socket = new Socket();
        final InputStream in;

        Miner(InetSocketAddress address) throws IOException {
            socket.connect(address, 5000);
            socket.setSoTimeout(10_000);
            in = socket.getInputStream();
        }

        void send(String line) throws IOException {
            socket.getOutputStream().write(utf8(line + "\n"));
            socket.getOutputStream().flush();
        }

        String readLine() throws IOException {
            ByteArrayOutputStream line = new ByteArrayOutputStream();
            for (int b = in.read(); b != '\n'; b = in.read()) {
                if (b < 0) {
                    return line.size() == 0 ? null : line.toString(StandardCharsets.UTF_8);
                }
                line.write(b);
            }
            return line.toString(StandardCharsets.UTF_8);
        }

        /** True when the server closes the connection (EOF or reset) within the timeout. */
        boolean closedByServer() throws IOException {
            try {
                while (in.read() >= 0) {
                    // discard
                }
                return true;
            } catch (SocketTimeoutException e) {
                return false;
            } catch (IOException e) {
                return true;
            }
        }

        int port() {
            return socket.getLocalPort();
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }

    private Miner miner(InetSocketAddress address) throws IOException {
        Miner m = new Miner(address);
        toClose.add(m);
        return m;
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static void await(String what, BooleanSupplier condition) throws Exception {
        Await.until(what, condition::getAsBoolean);
    }

    private static JsonNode stats(CommandTable commands) {
        return Json.parseOrNull(commands.handle("{\"method\":\"stats\"}"));
    }

    @Test
    void relaysThroughTheStratifierStreamAndSurvivesItsLossAndReturn() throws Exception {
        Path dir = Files.createTempDirectory("jckpool-connector");
        Path socket = dir.resolve("stratifier");
        ConnectorSettings settings = ConnectorSettings.defaults(List.of(ListenAddress.parse("127.0.0.1:0")));
        ConnectorProcess process = ConnectorProcess.start(settings, socket, FAST, () -> { });
        toClose.add(process);
        CommandTable commands = new CommandTable();
        process.registerCommands(commands, Json::object);
        InetSocketAddress address = process.server().boundAddresses().get(0);

        // Started before the stratifier: miners are refused, the link keeps retrying.
        assertThat(miner(address).closedByServer()).isTrue();
        assertThat(stats(commands).path("stream").path("state").asText()).isEqualTo("down");
        assertThat(stats(commands).path("dropped").path("refused_no_stratifier").asLong()).isEqualTo(1);

        FakeStratifier stratifier = new FakeStratifier(socket);
        toClose.add(stratifier);
        await("stream up", () -> streamUp(process) && process.server().isAdmitting());

        Miner a = miner(address);
        ConnectedInfo infoA = RelayCodec.parseConnected(stratifier.next(RelayFrameType.CONNECTED));
        assertThat(infoA).isEqualTo(new ConnectedInfo("127.0.0.1", a.port(), 0));
        Miner b = miner(address);
        RelayFrame connectedB = stratifier.next(RelayFrameType.CONNECTED);
        assertThat(RelayCodec.parseConnected(connectedB).port()).isEqualTo(b.port());

        a.send("{\"id\":1,\"method\":\"mining.subscribe\"}");
        assertThat(a.readLine()).isEqualTo("echo {\"id\":1,\"method\":\"mining.subscribe\"}");
        long idA = stratifier.next(RelayFrameType.LINE).clientId();
        a.send("sub");
        assertThat(a.readLine()).isEqualTo("ok");
        b.send("bcast");
        assertThat(a.readLine()).isEqualTo("to-all");
        // b is not subscribed: the broadcast skipped it, so its next line is the answer to its own request.
        b.send("hello");
        assertThat(b.readLine()).isEqualTo("echo hello");

        assertThat(commands.handle("clients")).isEqualTo("2");
        JsonNode st = stats(commands);
        assertThat(st.path("clients").asInt()).isEqualTo(2);
        assertThat(st.path("accepted").asLong()).isEqualTo(2); // the refused one is not counted
        assertThat(st.path("bytes_in").asLong()).isPositive();
        assertThat(st.path("bytes_out").asLong()).isPositive();
        assertThat(st.path("stream").path("state").asText()).isEqualTo("up");
        assertThat(st.path("stream").path("connects").asLong()).isEqualTo(1);
        // ckpool's text form (ckpmsg -N connector stats): connected now and created since start
        assertThat(commands.handle("stats")).isEqualTo("{\"clients\":{\"count\":2,\"generated\":2}}");

        // dropclient: the client goes, the stratifier hears D with the reason.
        assertThat(commands.handle("dropclient=" + idA)).isEqualTo("dropped");
        assertThat(a.closedByServer()).isTrue();
        RelayFrame gone;
        do {
            gone = stratifier.frames.poll(10, TimeUnit.SECONDS);
            assertThat(gone).isNotNull();
        } while (gone.type() != RelayFrameType.DISCONNECTED);
        assertThat(gone.clientId()).isEqualTo(idA);
        assertThat(gone.bodyText()).contains("dropclient");
        assertThat(commands.handle("dropclient=" + idA)).isEqualTo("unknown client " + idA);
        assertThat(commands.handle("dropclient=abc")).isEqualTo("Invalid");
        assertThat(commands.handle("clients")).isEqualTo("1");

        // Stream loss: the clients stay, new miners are admitted, their lines are held.
        b.send("{\"id\":7,\"method\":\"pending\"}"); // answered by the first stratifier...
        assertThat(b.readLine()).isEqualTo("echo {\"id\":7,\"method\":\"pending\"}");
        stratifier.close();
        await("stream down", () -> !streamUp(process));
        b.send("{\"id\":8,\"method\":\"held\"}");
        Miner c = miner(address);
        c.send("{\"id\":1,\"method\":\"new\"}");
        await("two lines held", () -> stats(commands).path("stream").path("held_lines").asInt() == 2);
        st = stats(commands);
        assertThat(st.path("clients").asInt()).isEqualTo(2);
        assertThat(process.server().isAdmitting()).isTrue();
        assertThat(st.path("stream").path("state").asText()).isEqualTo("down");
        assertThat(st.path("dropped").path("stratifier_lost").asLong()).isZero();
        assertThat(st.path("dropped").path("by_operator").asLong()).isEqualTo(1);
        assertThat(st.path("dropped").path("refused_no_stratifier").asLong()).isEqualTo(1);

        // The stratifier returns: b is told as resumed with its held line (its answered line is not sent
        // again), c as new with its line; both get their answers. a's D frame is not replayed.
        FakeStratifier second = new FakeStratifier(socket);
        toClose.add(second);
        await("stream up again", () -> streamUp(process) && process.server().isAdmitting());
        RelayFrame resumedB = second.next(RelayFrameType.CONNECTED);
        assertThat(RelayCodec.parseConnected(resumedB)).isEqualTo(new ConnectedInfo("127.0.0.1", b.port(), 0, true));
        assertThat(second.next(RelayFrameType.LINE).bodyText()).isEqualTo("{\"id\":8,\"method\":\"held\"}");
        assertThat(RelayCodec.parseConnected(second.next(RelayFrameType.CONNECTED)))
                .isEqualTo(new ConnectedInfo("127.0.0.1", c.port(), 0, false));
        assertThat(second.next(RelayFrameType.LINE).bodyText()).isEqualTo("{\"id\":1,\"method\":\"new\"}");
        assertThat(b.readLine()).isEqualTo("echo {\"id\":8,\"method\":\"held\"}");
        assertThat(c.readLine()).isEqualTo("echo {\"id\":1,\"method\":\"new\"}");
        Miner d = miner(address);
        assertThat(RelayCodec.parseConnected(second.next(RelayFrameType.CONNECTED)).port()).isEqualTo(d.port());
        d.send("again");
        assertThat(d.readLine()).isEqualTo("echo again");
        assertThat(second.next(RelayFrameType.LINE).bodyText()).isEqualTo("again");
        st = stats(commands);
        assertThat(st.path("stream").path("connects").asLong()).isEqualTo(2);
        assertThat(st.path("stream").path("losses").asLong()).isEqualTo(1);
        assertThat(st.path("stream").path("held_lines").asInt()).isZero();
        assertThat(st.path("stream").path("replayed_lines").asLong()).isEqualTo(2);
        assertThat(st.path("stream").path("awaiting_reply").asInt()).isZero();

        // Closing the connector: the client's D frame still reaches the stratifier.
        process.close();
        assertThat(d.closedByServer()).isTrue();
        assertThat(second.next(RelayFrameType.DISCONNECTED).bodyText()).isEqualTo("connector shutting down");
    }

    @Test
    void requestsOverTheHoldLimitAreAnsweredAndClientsGoAfterHoldFor() throws Exception {
        Path socket = Files.createTempDirectory("jckpool-connector").resolve("stratifier");
        FakeStratifier stratifier = new FakeStratifier(socket);
        toClose.add(stratifier);
        ConnectorProcess process = ConnectorProcess.start(
                ConnectorSettings.defaults(List.of(ListenAddress.parse("127.0.0.1:0"))), socket, FAST,
                new HoldLimits(1 << 20, 2, 64, Duration.ofSeconds(2)), () -> { });
        toClose.add(process);
        CommandTable commands = new CommandTable();
        process.registerCommands(commands, Json::object);
        await("stream up", () -> streamUp(process) && process.server().isAdmitting());
        Miner m = miner(process.server().boundAddresses().get(0));
        stratifier.next(RelayFrameType.CONNECTED);
        stratifier.close();
        await("stream down", () -> !streamUp(process));
        m.send("{\"id\":1,\"method\":\"a\"}");
        m.send("{\"id\":2,\"method\":\"b\"}");
        m.send("{\"id\":3,\"method\":\"c\"}");
        m.send("no id: dropped without a reply");
        m.send("{\"id\":\"x\",\"method\":\"d\"}");
        // two held; the others are over the bound: the requests with an id are answered at once
        assertThat(m.readLine()).isEqualTo("{\"id\":3,\"result\":null,\"error\":[-1,\"pool restarting, try again\",null]}");
        assertThat(m.readLine()).isEqualTo("{\"id\":\"x\",\"result\":null,\"error\":[-1,\"pool restarting, try again\",null]}");
        JsonNode st = stats(commands);
        assertThat(st.path("stream").path("held_lines").asInt()).isEqualTo(2);
        assertThat(st.path("stream").path("refused_restarting").asLong()).isEqualTo(3);
        // holdFor (2 s) passes without a stratifier: the client is dropped, new miners refused
        assertThat(m.closedByServer()).isTrue();
        await("refusing", () -> !process.server().isAdmitting());
        // the miner sees its close a moment before the I/O thread reports the drop (and frees its lines)
        await("held lines freed", () -> stats(commands).path("stream").path("held_lines").asInt() == 0);
        assertThat(stats(commands).path("dropped").path("stratifier_lost").asLong()).isEqualTo(1);
    }

    @Test
    void ckpoolsRejectHoldsNewConnectionsInTheBacklogUntilAccept() throws Exception {
        Path socket = Files.createTempDirectory("jckpool-connector").resolve("stratifier");
        ConnectorProcess process = ConnectorProcess.start(
                ConnectorSettings.defaults(List.of(ListenAddress.parse("127.0.0.1:0"))), socket, FAST, () -> { });
        toClose.add(process);
        CommandTable commands = new CommandTable();
        process.registerCommands(commands, Json::object);
        FakeStratifier stratifier = new FakeStratifier(socket);
        toClose.add(stratifier);
        await("stream up", () -> streamUp(process) && process.server().isAdmitting());
        InetSocketAddress address = process.server().boundAddresses().get(0);
        Miner served = miner(address);
        assertThat(RelayCodec.parseConnected(stratifier.next(RelayFrameType.CONNECTED)).port()).isEqualTo(served.port());

        assertThat(commands.handle("reject")).isEqualTo("rejecting");
        assertThat(stats(commands).path("operator_hold").asBoolean()).isTrue();
        Miner waiting = miner(address); // the kernel completes the connect; the connector does not accept it
        assertThat(Await.holdsFor(500, stratifier.frames::isEmpty)).as("no connect while held").isTrue();
        served.send("still served");
        assertThat(served.readLine()).isEqualTo("echo still served");
        assertThat(stratifier.next(RelayFrameType.LINE).bodyText()).isEqualTo("still served");

        assertThat(commands.handle("accept")).isEqualTo("accepting");
        assertThat(RelayCodec.parseConnected(stratifier.next(RelayFrameType.CONNECTED)).port()).isEqualTo(waiting.port());
        waiting.send("hello");
        assertThat(waiting.readLine()).isEqualTo("echo hello");
        assertThat(stats(commands).path("operator_hold").asBoolean()).isFalse();
        assertThat(stats(commands).path("dropped").path("refused_no_stratifier").asLong()).isZero();
    }

    @Test
    void aStratifierThatRefusesTheStreamAdmitsNoMiners() throws Exception {
        Path socket = Files.createTempDirectory("jckpool-connector").resolve("stratifier");
        ControlServer notReady = ControlServer.open(socket, request -> "unknown"); // no stream handler yet
        toClose.add(notReady);
        // A stream counts as accepted once it stays open for minRetry: 200 ms, not FAST's 20 ms, so that a busy
        // machine noticing the refusal late does not make it look accepted.
        StratifierUplink.Timing patient = new StratifierUplink.Timing(Duration.ofMillis(200), Duration.ofMillis(400),
                Duration.ofMillis(500), Duration.ofSeconds(1), 1024);
        ConnectorProcess process = ConnectorProcess.start(
                ConnectorSettings.defaults(List.of(ListenAddress.parse("127.0.0.1:0"))), socket, patient, () -> { });
        toClose.add(process);
        CommandTable commands = new CommandTable();
        process.registerCommands(commands, Json::object);
        assertThat(Await.holdsFor(1200, () -> !process.server().isAdmitting()))
                .as("not admitting through several refused attempts").isTrue();
        assertThat(miner(process.server().boundAddresses().get(0)).closedByServer()).isTrue();
        JsonNode st = stats(commands);
        assertThat(st.path("stream").path("connects").asLong()).isZero();
        assertThat(st.path("stream").path("state").asText()).isEqualTo("down");
    }

    @Test
    void aStratifierThatStopsReadingIsTreatedAsLostWithoutStallingTheConnector() throws Exception {
        Path socket = Files.createTempDirectory("jckpool-connector").resolve("stratifier");
        CountDownLatch release = new CountDownLatch(1);
        AtomicInteger streams = new AtomicInteger();
        ControlServer stuck = ControlServer.open(socket, request -> "unknown");
        toClose.add(stuck);
        toClose.add(release::countDown); // closed after the server: lets the blocked reader go
        stuck.onStream(peer -> {
            streams.incrementAndGet();
            return (stream, frame) -> {
                try {
                    release.await(); // never reads past the first frame
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            };
        });
        StratifierUplink.Timing tight = new StratifierUplink.Timing(Duration.ofMillis(20), Duration.ofMillis(100),
                Duration.ofMillis(200), Duration.ofSeconds(1), 4);
        ConnectorProcess process = ConnectorProcess.start(
                ConnectorSettings.defaults(List.of(ListenAddress.parse("127.0.0.1:0"))), socket, tight, () -> { });
        toClose.add(process);
        await("stream up", () -> streamUp(process) && process.server().isAdmitting());
        Miner flooder = miner(process.server().boundAddresses().get(0));

        // 8 MiB of lines: far more than the socket buffers and a 4-frame queue hold while nobody reads.
        byte[] line = utf8("x".repeat(8191) + "\n");
        Thread writer = new Thread(() -> {
            try {
                for (int i = 0; i < 1024; i++) {
                    flooder.socket.getOutputStream().write(line);
                }
            } catch (IOException expected) {
                // dropped while writing
            }
        });
        writer.setDaemon(true);
        writer.start();
        CommandTable commands = new CommandTable();
        process.registerCommands(commands, Json::object);
        await("stream given up", () -> stats(commands).path("stream").path("losses").asLong() >= 1);
        JsonNode st = stats(commands);
        assertThat(st.path("stream").path("congested").asLong()).isPositive();
        // The miner stays (its lines are held up to the bound); the I/O thread is not stuck: the control
        // command above was answered and the link reconnects.
        await("reconnected", () -> streams.get() >= 2);
        assertThat(commands.handle("clients")).isEqualTo("1");
    }

    @Test
    void settingsComeFromServerurlMaxclientsAndDropidle() throws Exception {
        PoolConfig cfg = ConfigLoader.parse("{\"btcaddress\":\"bcrt1qw508d6qejxtdg4y5r3zarvary0c5xw7kygt080\","
                + "\"serverurl\":[\"127.0.0.1:3333\",\"[::1]:4444\"],\"maxclients\":123,\"dropidle\":90}");
        ConnectorSettings s = ConnectorProcess.settingsFrom(cfg);
        assertThat(s.listen()).containsExactly(new ListenAddress("127.0.0.1", 3333), new ListenAddress("::1", 4444));
        assertThat(s.maxClients()).isEqualTo(123);
        assertThat(s.idleTimeout()).isEqualTo(Duration.ofSeconds(90));

        PoolConfig defaults = ConfigLoader.parse("{\"btcaddress\":\"bcrt1qw508d6qejxtdg4y5r3zarvary0c5xw7kygt080\"}");
        ConnectorSettings d = ConnectorProcess.settingsFrom(defaults);
        assertThat(d.listen()).containsExactly(new ListenAddress("0.0.0.0", 3333));
        assertThat(d.idleTimeout()).isZero();
        assertThat(d.maxClients()).isEqualTo(ConnectorProcess.defaultMaxClients()).isPositive();

        PoolConfig nodes = ConfigLoader.parse("{\"btcaddress\":\"bcrt1qw508d6qejxtdg4y5r3zarvary0c5xw7kygt080\","
                + "\"nodeserver\":[\"127.0.0.1:3335\"]}");
        assertThat(ConnectorProcess.settingsFrom(nodes).listen()).as("the default serverurl, then the nodeserver")
                .containsExactly(new ListenAddress("0.0.0.0", 3333), new ListenAddress("127.0.0.1", 3335));
        assertThat(nodes.nodeServerIndexes()).containsExactly(1);
    }

    private static boolean streamUp(ConnectorProcess process) {
        return "up".equals(process.link().stats().path("state").asText());
    }
}
