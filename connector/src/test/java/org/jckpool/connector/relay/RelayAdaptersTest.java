package org.jckpool.connector.relay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.jckpool.connector.net.Downstream;
import org.jckpool.libpool.ipc.relay.ConnectedInfo;
import org.jckpool.libpool.ipc.relay.RelayCodec;
import org.jckpool.libpool.ipc.relay.RelayFrame;
import org.jckpool.libpool.ipc.relay.RelayFrameException;
import org.jckpool.libpool.ipc.relay.RelayFrameType;
import org.junit.jupiter.api.Test;

/** FrameUpstream and DownstreamDispatcher: the connector's side of the relay codec. */
class RelayAdaptersTest {

    @Test
    void frameUpstreamEncodesConnectLineDisconnect() throws Exception {
        List<byte[]> sent = new ArrayList<>();
        FrameUpstream upstream = new FrameUpstream(sent::add);
        upstream.connected(3, "127.0.0.1", 4000, 2);
        byte[] buf = "xx{\"a\":1}yy".getBytes(StandardCharsets.US_ASCII);
        upstream.line(3, buf, 2, 7);
        upstream.disconnected(3, "client disconnected");
        upstream.drained(4);
        assertThat(sent).hasSize(4);
        assertThat(RelayCodec.decode(sent.get(3)).type()).isEqualTo(RelayFrameType.DRAINED);
        assertThat(RelayCodec.decode(sent.get(3)).clientId()).isEqualTo(4);
        assertThat(RelayCodec.parseConnected(RelayCodec.decode(sent.get(0))))
                .isEqualTo(new ConnectedInfo("127.0.0.1", 4000, 2));
        RelayFrame line = RelayCodec.decode(sent.get(1));
        assertThat(line.type()).isEqualTo(RelayFrameType.LINE);
        assertThat(line.bodyText()).isEqualTo("{\"a\":1}");
        RelayFrame gone = RelayCodec.decode(sent.get(2));
        assertThat(gone.type()).isEqualTo(RelayFrameType.DISCONNECTED);
        assertThat(gone.clientId()).isEqualTo(3);
        assertThat(gone.bodyText()).isEqualTo("client disconnected");
    }

    @Test
    void dispatcherAppliesDownstreamFramesAndRefusesUpstreamOnes() throws Exception {
        List<String> calls = new ArrayList<>();
        Downstream recorder = new Downstream() {
            @Override
            public void send(long id, byte[] line, int offset, int length) {
                calls.add("send " + id + " " + new String(line, offset, length, StandardCharsets.UTF_8));
            }

            @Override
            public void sendAll(byte[] line, int offset, int length) {
                calls.add("all " + new String(line, offset, length, StandardCharsets.UTF_8));
            }

            @Override
            public void drop(long id, String reason) {
                calls.add("drop " + id + " " + reason);
            }

            @Override
            public void subscribe(long id) {
                calls.add("subscribe " + id);
            }

            @Override
            public void whenDrained(long id) {
                calls.add("drain " + id);
            }
        };
        DownstreamDispatcher dispatcher = new DownstreamDispatcher(recorder);
        dispatcher.dispatch(RelayCodec.send(11, "one".getBytes(StandardCharsets.UTF_8)));
        dispatcher.dispatch(RelayCodec.sendAll("two".getBytes(StandardCharsets.UTF_8)));
        dispatcher.dispatch(RelayCodec.drop(12, "unauthorised"));
        dispatcher.dispatch(RelayCodec.subscribed(13));
        dispatcher.dispatch(RelayCodec.drain(14));
        assertThat(calls).containsExactly("send 11 one", "all two", "drop 12 unauthorised", "subscribe 13",
                "drain 14");

        assertThatThrownBy(() -> dispatcher.dispatch(RelayCodec.connected(1, "1.1.1.1", 1, 0)))
                .isInstanceOf(RelayFrameException.class).hasMessageContaining("C travels from connector");
        assertThatThrownBy(() -> dispatcher.dispatch(new byte[3])).isInstanceOf(RelayFrameException.class);
        assertThatThrownBy(() -> dispatcher.dispatch(RelayCodec.drained(1)))
                .isInstanceOf(RelayFrameException.class).hasMessageContaining("E travels from connector");
        assertThat(calls).hasSize(5);
    }
}
