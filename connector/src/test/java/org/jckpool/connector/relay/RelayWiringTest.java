package org.jckpool.connector.relay;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.jckpool.connector.net.ConnectorServer;
import org.jckpool.connector.net.ConnectorSettings;
import org.jckpool.connector.net.ListenAddress;
import org.jckpool.libpool.ipc.relay.ConnectedInfo;
import org.jckpool.libpool.ipc.relay.RelayCodec;
import org.jckpool.libpool.ipc.relay.RelayFrame;
import org.jckpool.libpool.ipc.relay.RelayFrameException;
import org.jckpool.libpool.ipc.relay.RelayFrameType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The networking core wired to frames, with a stand-in stratifier answering through the dispatcher. */
@Timeout(value = 20, unit = TimeUnit.SECONDS)
class RelayWiringTest {

    @Test
    void linesTravelAsFramesAndRepliesComeBackThroughTheDispatcher() throws Exception {
        BlockingQueue<RelayFrame> upFrames = new LinkedBlockingQueue<>();
        AtomicReference<DownstreamDispatcher> dispatcher = new AtomicReference<>();
        // Stand-in stratifier: "sub" marks the client subscribed (P), "broadcast" sends A, "quit" X, else echo (S).
        FrameUpstream upstream = new FrameUpstream(payload -> {
            try {
                RelayFrame frame = RelayCodec.decode(payload);
                upFrames.add(frame);
                if (frame.type() != RelayFrameType.LINE) {
                    return;
                }
                String text = frame.bodyText();
                if (text.equals("sub")) {
                    dispatcher.get().dispatch(RelayCodec.subscribed(frame.clientId()));
                }
                byte[] reply = switch (text) {
                    case "sub" -> RelayCodec.send(frame.clientId(), "ok".getBytes(StandardCharsets.UTF_8));
                    case "broadcast" -> RelayCodec.sendAll("to all".getBytes(StandardCharsets.UTF_8));
                    case "quit" -> RelayCodec.drop(frame.clientId(), "asked to quit");
                    default -> RelayCodec.send(frame.clientId(), ("echo " + text).getBytes(StandardCharsets.UTF_8));
                };
                dispatcher.get().dispatch(reply);
            } catch (RelayFrameException e) {
                throw new AssertionError(e);
            }
        });
        ConnectorSettings settings = ConnectorSettings.defaults(List.of(ListenAddress.parse("127.0.0.1:0")));
        try (ConnectorServer server = ConnectorServer.start(settings, upstream, true, List.of());
             Socket a = new Socket();
             Socket b = new Socket()) {
            dispatcher.set(new DownstreamDispatcher(server));
            a.connect(server.boundAddresses().get(0), 5000);
            b.connect(server.boundAddresses().get(0), 5000);
            a.setSoTimeout(10_000);
            b.setSoTimeout(10_000);
            RelayFrame connected = upFrames.poll(10, TimeUnit.SECONDS);
            assertThat(connected.type()).isEqualTo(RelayFrameType.CONNECTED);
            ConnectedInfo info = RelayCodec.parseConnected(connected);
            assertThat(info.ip()).isEqualTo("127.0.0.1");
            assertThat(info.port()).isEqualTo(a.getLocalPort());
            assertThat(upFrames.poll(10, TimeUnit.SECONDS).type()).isEqualTo(RelayFrameType.CONNECTED);

            BufferedReader readerA = new BufferedReader(new InputStreamReader(a.getInputStream(), StandardCharsets.UTF_8));
            BufferedReader readerB = new BufferedReader(new InputStreamReader(b.getInputStream(), StandardCharsets.UTF_8));
            OutputStream outA = a.getOutputStream();
            outA.write("{\"id\":1}\r\nsub\nbroadcast\n".getBytes(StandardCharsets.UTF_8));
            outA.flush();
            assertThat(readerA.readLine()).isEqualTo("echo {\"id\":1}");
            assertThat(readerA.readLine()).isEqualTo("ok");
            assertThat(readerA.readLine()).isEqualTo("to all");
            // B was not subscribed during the first broadcast: its first lines are its own reply, then the second.
            b.getOutputStream().write("sub\n".getBytes(StandardCharsets.UTF_8));
            assertThat(readerB.readLine()).isEqualTo("ok");
            outA.write("broadcast\n".getBytes(StandardCharsets.UTF_8));
            assertThat(readerA.readLine()).isEqualTo("to all");
            assertThat(readerB.readLine()).isEqualTo("to all");

            outA.write("quit\n".getBytes(StandardCharsets.UTF_8));
            outA.flush();
            assertThat(readerA.readLine()).isNull();
            RelayFrame gone;
            do {
                gone = upFrames.poll(10, TimeUnit.SECONDS);
            } while (gone.type() == RelayFrameType.LINE);
            assertThat(gone.type()).isEqualTo(RelayFrameType.DISCONNECTED);
            assertThat(gone.clientId()).isEqualTo(connected.clientId());
            assertThat(gone.bodyText()).isEqualTo("dropped by stratifier: asked to quit");
        }
    }
}
