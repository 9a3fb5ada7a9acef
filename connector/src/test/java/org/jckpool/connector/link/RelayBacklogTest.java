package org.jckpool.connector.link;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.jckpool.libpool.ipc.relay.RelayCodec;
import org.jckpool.libpool.ipc.relay.RelayFrame;
import org.jckpool.libpool.ipc.relay.RelayFrameType;
import org.junit.jupiter.api.Test;

class RelayBacklogTest {
    private static byte[] line(long id, String text) {
        byte[] b = text.getBytes(StandardCharsets.UTF_8);
        return RelayCodec.line(id, b, 0, b.length);
    }

    private static long hash(String text) {
        byte[] b = text.getBytes(StandardCharsets.UTF_8);
        return StratumIds.idHash(b, 0, b.length);
    }

    private static List<String> replay(RelayBacklog backlog) throws Exception {
        List<String> out = new ArrayList<>();
        assertThat(backlog.replay(f -> {
            try {
                RelayFrame frame = RelayCodec.decode(f);
                out.add(frame.type().name().charAt(0) + "" + frame.clientId() + " " + frame.bodyText());
            } catch (Exception e) {
                throw new AssertionError(e);
            }
            return true;
        })).isTrue();
        return out;
    }

    private static void sent(RelayBacklog b, long id, String text) {
        b.sent(id, line(id, text), hash(text));
    }

    private static boolean hold(RelayBacklog b, long id, String text) {
        return b.hold(id, line(id, text), hash(text));
    }

    @Test
    void idsAreFoundWithoutParsing() {
        assertThat(hash("{\"id\":12,\"method\":\"mining.submit\"}")).isEqualTo(hash("{\"id\":12,\"result\":true}"));
        assertThat(hash("{\"params\":[\"w\"], \"id\" : 12 , \"method\":\"x\"}")).isEqualTo(hash("{\"id\":12}"));
        assertThat(hash("{\"id\":\"a\\\"b\",\"method\":\"x\"}")).isEqualTo(hash("{\"id\":\"a\\\"b\"}"));
        assertThat(hash("{\"id\":12}")).isNotEqualTo(hash("{\"id\":13}"));
        assertThat(hash("{\"id\":null,\"method\":\"mining.notify\"}")).isEqualTo(StratumIds.NONE);
        assertThat(hash("{\"method\":\"mining.notify\"}")).isEqualTo(StratumIds.NONE);
        assertThat(hash("garbage")).isEqualTo(StratumIds.NONE);
        byte[] b = "{\"params\":[],\"id\":\"x7\"}".getBytes(StandardCharsets.UTF_8);
        assertThat(StratumIds.idToken(b, 0, b.length)).isEqualTo("\"x7\"");
    }

    @Test
    void onALinkTheMinersClientIdIsPartOfTheMatch() {
        // a downstream's request and the pool's reply name the miner in different places
        assertThat(hash("{\"id\":5,\"method\":\"mining.submit\",\"client_id\":7,\"address\":\"10.0.0.7\"}"))
                .isEqualTo(hash("{\"id\":5,\"result\":true,\"error\":null,\"client_id\":7}"))
                .isNotEqualTo(hash("{\"id\":5,\"result\":true,\"error\":null,\"client_id\":8}"))
                .isNotEqualTo(hash("{\"id\":5,\"result\":true}"));
        assertThat(hash("{\"client_id\":7,\"method\":\"mining.notify\"}")).isEqualTo(StratumIds.NONE);
    }

    @Test
    void twoMinersOfOneLinkWithTheSameIdEachWaitForTheirOwnReply() throws Exception {
        RelayBacklog b = new RelayBacklog(HoldLimits.DEFAULT);
        b.connected(1, RelayCodec.connected(1, "10.0.0.1", 5000, 0), true);
        sent(b, 1, "{\"id\":5,\"method\":\"mining.submit\",\"client_id\":7}");
        sent(b, 1, "{\"id\":5,\"method\":\"mining.submit\",\"client_id\":8}");
        b.answered(1, hash("{\"id\":5,\"result\":true,\"error\":null,\"client_id\":8}"));
        // miner 7's request is the one still unanswered: only it is replayed, miner 8 is not answered twice
        assertThat(replay(b)).containsExactly("C1 10.0.0.1 5000 0 resumed",
                "L1 {\"id\":5,\"method\":\"mining.submit\",\"client_id\":7}");
    }

    @Test
    void answeredLinesAreForgottenAndTheRestIsReplayedInOrderMarkedResumed() throws Exception {
        RelayBacklog b = new RelayBacklog(HoldLimits.DEFAULT);
        b.connected(1, RelayCodec.connected(1, "10.0.0.1", 5000, 0), true);
        sent(b, 1, "{\"id\":1,\"method\":\"mining.subscribe\"}");
        sent(b, 1, "{\"id\":2,\"method\":\"mining.submit\"}");
        sent(b, 1, "{\"id\":3,\"method\":\"mining.submit\"}");
        sent(b, 1, "{\"id\":null,\"method\":\"x\"}"); // expects nothing: not kept
        b.answered(1, hash("{\"id\":1,\"result\":[]}"));
        b.answered(1, hash("{\"id\":null,\"method\":\"mining.notify\"}"));
        b.answered(1, hash("{\"id\":3,\"result\":true}"));
        assertThat(b.waiting()).isEqualTo(1);
        // the stream is lost: a line held, a new client connects (its C frame never went out) and sends one
        assertThat(hold(b, 1, "{\"id\":4,\"method\":\"mining.submit\"}")).isTrue();
        b.connected(2, RelayCodec.connected(2, "10.0.0.2", 5001, 0), false);
        assertThat(hold(b, 2, "{\"id\":1,\"method\":\"mining.subscribe\"}")).isTrue();
        assertThat(hold(b, 2, "no id at all")).isTrue();
        assertThat(b.heldLines()).isEqualTo(3);

        assertThat(replay(b)).containsExactly(
                "C1 10.0.0.1 5000 0 resumed",
                "L1 {\"id\":2,\"method\":\"mining.submit\"}",
                "L1 {\"id\":4,\"method\":\"mining.submit\"}",
                "C2 10.0.0.2 5001 0",
                "L2 {\"id\":1,\"method\":\"mining.subscribe\"}",
                "L2 no id at all");
        assertThat(b.heldLines()).isZero();
        assertThat(b.heldBytes()).isZero();
        assertThat(b.waiting()).isEqualTo(3); // 2 and 4 of client 1, 1 of client 2: still unanswered
        assertThat(b.replayedLines()).isEqualTo(4);

        // a second loss before the replies: both clients are resumed now, the same three lines go again
        b.answered(1, hash("{\"id\":2,\"result\":true}"));
        b.disconnected(2);
        assertThat(replay(b)).containsExactly("C1 10.0.0.1 5000 0 resumed",
                "L1 {\"id\":4,\"method\":\"mining.submit\"}");
        assertThat(b.waiting()).isEqualTo(1);
        assertThat(b.replayFrames()).isEqualTo(2);
    }

    @Test
    void heldLinesAreBoundedInCountAndBytes() {
        RelayBacklog byCount = new RelayBacklog(new HoldLimits(1 << 20, 3, 256, Duration.ofSeconds(60)));
        byCount.connected(1, RelayCodec.connected(1, "h", 1, 0), true);
        for (int i = 0; i < 3; i++) {
            assertThat(hold(byCount, 1, "{\"id\":" + i + "}")).isTrue();
        }
        assertThat(hold(byCount, 1, "{\"id\":9}")).isFalse();
        assertThat(byCount.refused()).isEqualTo(1);
        byCount.disconnected(1); // a client that goes frees its share of the bound
        byCount.connected(2, RelayCodec.connected(2, "h", 1, 0), true);
        assertThat(hold(byCount, 2, "{\"id\":1}")).isTrue();

        int frameBytes = line(1, "{\"id\":1}").length;
        RelayBacklog byBytes = new RelayBacklog(new HoldLimits(2L * frameBytes, 1000, 256, Duration.ofSeconds(60)));
        byBytes.connected(1, RelayCodec.connected(1, "h", 1, 0), true);
        assertThat(hold(byBytes, 1, "{\"id\":1}")).isTrue();
        assertThat(hold(byBytes, 1, "{\"id\":2}")).isTrue();
        assertThat(hold(byBytes, 1, "{\"id\":3}")).isFalse();
        assertThat(byBytes.heldBytes()).isEqualTo(2L * frameBytes);
    }

    @Test
    void linesNeverAnsweredAreForgottenPastThePerClientCap() throws Exception {
        RelayBacklog b = new RelayBacklog(new HoldLimits(1 << 20, 1000, 2, Duration.ofSeconds(60)));
        b.connected(1, RelayCodec.connected(1, "h", 1, 0), true);
        for (int i = 1; i <= 5; i++) {
            sent(b, 1, "{\"id\":" + i + ",\"method\":\"m\"}");
        }
        assertThat(b.waiting()).isEqualTo(2);
        assertThat(b.forgotten()).isEqualTo(3);
        assertThat(replay(b)).containsExactly("C1 h 1 0 resumed", "L1 {\"id\":4,\"method\":\"m\"}",
                "L1 {\"id\":5,\"method\":\"m\"}");
    }

    @Test
    void aReplayCutShortKeepsEverythingForTheNextStream() {
        RelayBacklog b = new RelayBacklog(HoldLimits.DEFAULT);
        b.connected(1, RelayCodec.connected(1, "h", 1, 0), false);
        assertThat(hold(b, 1, "{\"id\":1}")).isTrue();
        int[] budget = {1};
        assertThat(b.replay(f -> budget[0]-- > 0)).isFalse(); // C went out, then the stream closed
        assertThat(b.heldLines()).isEqualTo(1);
        assertThat(RelayCodec.asResumed(RelayCodec.connected(1, "h", 1, 0))[0]).isEqualTo(RelayFrameType.CONNECTED.code());
    }
}
