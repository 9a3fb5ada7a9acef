package org.jckpool.libpool.ipc.relay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class RelayCodecTest {

    @Test
    void headerIsTypeByteThenLittleEndianId() {
        byte[] payload = RelayCodec.encode(RelayFrameType.LINE, 0x0102030405060708L, "hi");
        assertThat(payload).containsExactly('L', 8, 7, 6, 5, 4, 3, 2, 1, 'h', 'i');
    }

    @Test
    void everyTypeRoundTrips() throws Exception {
        long[] ids = {0, 1, -1, Long.MAX_VALUE, Long.MIN_VALUE, 1_800_000_000_000L << 20};
        for (RelayFrameType type : RelayFrameType.values()) {
            for (long id : ids) {
                long useId = type == RelayFrameType.SEND_ALL ? 0 : id;
                byte[] body = ("body ü " + type).getBytes(StandardCharsets.UTF_8);
                RelayFrame frame = RelayCodec.decode(RelayCodec.encode(type, useId, body));
                assertThat(frame.type()).isEqualTo(type);
                assertThat(frame.clientId()).isEqualTo(useId);
                assertThat(frame.body()).isEqualTo(body);
                assertThat(frame.bodyText()).isEqualTo("body ü " + type);
            }
        }
    }

    @Test
    void decodesAtAnOffsetWithoutCopying() throws Exception {
        byte[] inner = RelayCodec.send(42, "{\"id\":1}".getBytes(StandardCharsets.UTF_8));
        byte[] outer = new byte[inner.length + 7];
        System.arraycopy(inner, 0, outer, 4, inner.length);
        RelayFrame frame = RelayCodec.decode(outer, 4, inner.length);
        assertThat(frame.buffer()).isSameAs(outer);
        assertThat(frame.bodyOffset()).isEqualTo(4 + RelayCodec.HEADER_BYTES);
        assertThat(frame.bodyText()).isEqualTo("{\"id\":1}");
        assertThat(frame.clientId()).isEqualTo(42);
    }

    @Test
    void emptyBodyAndInvalidUtf8AreKeptAsBytes() throws Exception {
        assertThat(RelayCodec.decode(RelayCodec.drop(5, "")).bodyLength()).isZero();
        byte[] bad = {(byte) 0xff, (byte) 0xfe, 'x'};
        assertThat(RelayCodec.decode(RelayCodec.line(5, bad, 0, 3)).body()).isEqualTo(bad);
    }

    @Test
    void shortPayloadIsRejected() {
        assertThatThrownBy(() -> RelayCodec.decode(new byte[] {'S', 1, 2, 3, 4, 5, 6, 7}))
                .isInstanceOf(RelayFrameException.class).hasMessageContaining("too short: 8 bytes");
        assertThatThrownBy(() -> RelayCodec.decode(new byte[0]))
                .isInstanceOf(RelayFrameException.class).hasMessageContaining("too short: 0 bytes");
    }

    @Test
    void unknownTypeIsRejected() {
        byte[] payload = RelayCodec.send(1, new byte[] {'x'});
        payload[0] = 'Q';
        assertThatThrownBy(() -> RelayCodec.decode(payload))
                .isInstanceOf(RelayFrameException.class).hasMessageContaining("unknown relay frame type 0x51");
        payload[0] = (byte) 0x9c;
        assertThatThrownBy(() -> RelayCodec.decode(payload)).hasMessageContaining("0x9c");
    }

    @Test
    void broadcastMustCarryIdZero() {
        byte[] payload = RelayCodec.encode(RelayFrameType.SEND_ALL, 7, "x");
        assertThatThrownBy(() -> RelayCodec.decode(payload)).isInstanceOf(RelayFrameException.class)
                .hasMessageContaining("client id 0");
    }

    @Test
    void connectedBodyParsesIpv4AndIpv6() throws Exception {
        ConnectedInfo v4 = RelayCodec.parseConnected(RelayCodec.decode(RelayCodec.connected(9, "10.0.0.2", 50123, 1)));
        assertThat(v4).isEqualTo(new ConnectedInfo("10.0.0.2", 50123, 1));
        ConnectedInfo v6 = RelayCodec.parseConnected(RelayCodec.decode(RelayCodec.connected(9, "::1", 7, 0)));
        assertThat(v6).isEqualTo(new ConnectedInfo("::1", 7, 0));
    }

    @Test
    void aResumedClientCarriesTheMark() throws Exception {
        byte[] plain = RelayCodec.connected(9, "10.0.0.2", 50123, 1);
        ConnectedInfo resumed = RelayCodec.parseConnected(RelayCodec.decode(RelayCodec.asResumed(plain)));
        assertThat(resumed).isEqualTo(new ConnectedInfo("10.0.0.2", 50123, 1, true));
        assertThat(RelayCodec.asResumed(plain)).isEqualTo(RelayCodec.resumed(9, "10.0.0.2", 50123, 1));
        assertThat(RelayCodec.parseConnected(RelayCodec.decode(plain)).resumed()).isFalse();
    }

    @Test
    void badConnectedBodiesAreRejected() throws Exception {
        for (String body : new String[] {"", "1.2.3.4", "1.2.3.4 x 0", "1.2.3.4 70000 0", "1.2.3.4 1 2 3", "1.2.3.4 1 2 resumed x", " 1 2"}) {
            RelayFrame frame = RelayCodec.decode(RelayCodec.encode(RelayFrameType.CONNECTED, 1, body));
            assertThatThrownBy(() -> RelayCodec.parseConnected(frame)).as(body)
                    .isInstanceOf(RelayFrameException.class);
        }
        RelayFrame line = RelayCodec.decode(RelayCodec.line(1, new byte[] {'a'}, 0, 1));
        assertThatThrownBy(() -> RelayCodec.parseConnected(line)).hasMessageContaining("expected a C frame");
    }

    @Test
    void subscribedFrameCarriesTheIdAndNoBody() throws Exception {
        byte[] payload = RelayCodec.subscribed(77);
        assertThat(payload).hasSize(RelayCodec.HEADER_BYTES);
        assertThat(payload[0]).isEqualTo((byte) 'P');
        RelayFrame frame = RelayCodec.decode(payload);
        assertThat(frame.type()).isEqualTo(RelayFrameType.SUBSCRIBED);
        assertThat(frame.clientId()).isEqualTo(77);
        assertThat(frame.bodyLength()).isZero();
    }

    @Test
    void drainRequestAndReportCarryTheIdAndNoBody() throws Exception {
        RelayFrame w = RelayCodec.decode(RelayCodec.drain(-5));
        assertThat(w.type()).isEqualTo(RelayFrameType.DRAIN);
        assertThat(RelayCodec.drain(5)[0]).isEqualTo((byte) 'W');
        assertThat(w.clientId()).isEqualTo(-5);
        assertThat(w.bodyLength()).isZero();
        RelayFrame e = RelayCodec.decode(RelayCodec.drained(9));
        assertThat(e.type()).isEqualTo(RelayFrameType.DRAINED);
        assertThat(RelayCodec.drained(9)[0]).isEqualTo((byte) 'E');
        assertThat(e.clientId()).isEqualTo(9);
    }
}
