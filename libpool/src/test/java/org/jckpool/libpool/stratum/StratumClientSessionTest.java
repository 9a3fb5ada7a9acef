package org.jckpool.libpool.stratum;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The client state machine without a socket: what it sends, and what it makes of each line from the pool. */
class StratumClientSessionTest {
    private final List<String> sent = new ArrayList<>();
    private final List<String> events = new ArrayList<>();

    private StratumClientSession session(int mask, String resume, Double suggest) {
        return new StratumClientSession(new StratumClientSession.Handshake("miner/1", "u.w\"1", "x", mask, 2, true,
                resume, suggest), sent::add, new StratumClientSession.Handler() {
            @Override
            public void onConfigured(int grantedMask) {
                events.add("configured " + Integer.toHexString(grantedMask));
            }

            @Override
            public void onSubscribed(SubscribeResult r) {
                events.add("subscribed " + r.extranonce1() + " " + r.extranonce2Size() + " " + r.sessionId());
            }

            @Override
            public void onSubscribeFailed(String reason) {
                events.add("subscribe failed " + reason);
            }

            @Override
            public void onAuthorized(StratumMessage reply) {
                events.add("authorized " + reply.isSuccess());
            }

            @Override
            public void onNotify(Notify n) {
                events.add("notify " + n.jobId());
            }

            @Override
            public void onDifficulty(double d) {
                events.add("diff " + d);
            }

            @Override
            public void onReply(StratumMessage m) {
                events.add("reply " + m.idLong());
            }

            @Override
            public void onReconnectRequest(String host, int port, int wait) {
                events.add("reconnect " + host + " " + port + " " + wait);
            }

            @Override
            public void onMalformed(String why, String line) {
                events.add("malformed");
            }
        });
    }

    @Test
    void handshakeIsPipelinedInOrder() {
        session(0x1fffe000, "0a1b", 0.001).start();
        assertThat(sent).containsExactly(
                "{\"id\":1,\"method\":\"mining.configure\",\"params\":[[\"version-rolling\"],"
                        + "{\"version-rolling.mask\":\"1fffe000\",\"version-rolling.min-bit-count\":2}]}",
                "{\"id\":2,\"method\":\"mining.subscribe\",\"params\":[\"miner/1\",\"0a1b\"]}",
                "{\"id\":3,\"method\":\"mining.extranonce.subscribe\",\"params\":[]}",
                "{\"id\":4,\"method\":\"mining.authorize\",\"params\":[\"u.w\\\"1\",\"x\"]}",
                "{\"id\":5,\"method\":\"mining.suggest_difficulty\",\"params\":[0.001]}");
    }

    @Test
    void handshakeRepliesAreReadAndOtherRepliesPassedOn() {
        StratumClientSession s = session(0x1fffe000, null, null);
        s.start();
        line(s, "{\"id\":1,\"result\":{\"version-rolling\":true,\"version-rolling.mask\":\"ffffffff\"},\"error\":null}");
        line(s, "{\"id\":2,\"result\":[[[\"mining.notify\",\"ae68\"]],\"08000002\",4],\"error\":null}");
        line(s, "{\"id\":3,\"result\":null,\"error\":[-3,\"Method not found\",null]}");
        line(s, "{\"id\":4,\"result\":true,\"error\":null}");
        long own = s.nextId();
        line(s, "{\"id\":" + own + ",\"result\":false,\"error\":[23,\"Low difficulty share\",null]}");
        assertThat(events).containsExactly("configured 1fffe000", "subscribed 08000002 4 ae68", "authorized true",
                "reply " + own);
        assertThat(s.versionMask()).isEqualTo(0x1fffe000);
        assertThat(s.subscribed()).isTrue();
        assertThat(s.authorized()).isTrue();
        assertThat(s.extranonce1()).isEqualTo("08000002");
    }

    @Test
    void badLinesAreReportedAndTheSessionGoesOn() {
        StratumClientSession s = session(0, null, null);
        s.start();
        line(s, "not json");
        line(s, "{\"id\":null,\"method\":\"mining.notify\",\"params\":[\"x\"]}");
        line(s, "{\"id\":null,\"method\":\"mining.set_difficulty\",\"params\":[-1]}");
        line(s, "{\"id\":null,\"method\":\"mining.set_extranonce\",\"params\":[\"zz\",4]}");
        line(s, "{\"id\":null,\"method\":\"client.reconnect\",\"params\":[\"\",\"port\",0]}");
        line(s, "{\"id\":null,\"method\":\"mining.set_difficulty\",\"params\":[\"0.5\"]}");
        line(s, "{\"id\":null,\"method\":\"client.reconnect\",\"params\":[\"h\",\"3334\",99999]}");
        assertThat(events).containsExactly("malformed", "malformed", "malformed", "malformed", "malformed",
                "diff 0.5", "reconnect h 3334 3600");
        assertThat(s.difficulty()).isEqualTo(0.5);
    }

    @Test
    void answersThePoolsRequests() {
        StratumClientSession s = session(0, null, null);
        s.start();
        sent.clear();
        line(s, "{\"id\":\"p\",\"method\":\"mining.ping\",\"params\":[]}");
        line(s, "{\"id\":8,\"method\":\"client.get_version\",\"params\":[]}");
        line(s, "{\"id\":9,\"method\":\"client.mystery\",\"params\":[]}");
        line(s, "{\"id\":null,\"method\":\"client.mystery\",\"params\":[]}");
        assertThat(sent).containsExactly("{\"id\":\"p\",\"result\":\"pong\",\"error\":null}",
                "{\"id\":8,\"result\":\"miner/1\",\"error\":null}",
                "{\"id\":9,\"result\":null,\"error\":[20,\"Method not supported: client.mystery\",null]}");
    }

    @Test
    void refusedSubscribeIsReported() {
        StratumClientSession s = session(0, null, null);
        s.start();
        line(s, "{\"id\":1,\"result\":null,\"error\":[20,\"go away\",null]}");
        assertThat(events).containsExactly("subscribe failed mining.subscribe refused: 20 go away");
        assertThat(s.subscribed()).isFalse();
    }

    private static void line(StratumClientSession s, String line) {
        byte[] b = line.getBytes(StandardCharsets.UTF_8);
        s.onLine(b, 0, b.length);
    }
}
