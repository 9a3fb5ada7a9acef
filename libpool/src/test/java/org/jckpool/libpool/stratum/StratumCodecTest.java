package org.jckpool.libpool.stratum;

import org.jckpool.libpool.json.Json;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class StratumCodecTest {
    @Test
    void aSubmitBuiltByHandIsTheTextOfTheGeneralRequest() {
        assertThat(StratumCodec.submit(7, "acct.w1", "1a", "00000001aabbccdd", "5f5e1000", "12345678", null))
                .isEqualTo(StratumCodec.request(7, "mining.submit", "acct.w1", "1a", "00000001aabbccdd", "5f5e1000",
                        "12345678"));
        String odd = "we\"ird\\name\n\u0001é";
        assertThat(StratumCodec.submit(8, odd, "j", "00", "5f5e1000", "12345678", "1fffe000"))
                .isEqualTo(StratumCodec.request(8, "mining.submit", odd, "j", "00", "5f5e1000", "12345678",
                        "1fffe000"));
        assertThat(Json.parseOrNull(StratumCodec.submit(9, odd, "j", "00", "1", "2", null)).path("params").get(0)
                .asText()).isEqualTo(odd);
    }

    @Test
    void classifiesRequestsNotificationsAndReplies() {
        StratumMessage req = StratumCodec.parse("{\"id\":5,\"method\":\"mining.ping\",\"params\":[]}");
        assertThat(req.kind()).isEqualTo(StratumMessage.Kind.REQUEST);
        assertThat(req.idLong()).isEqualTo(5);
        StratumMessage note = StratumCodec.parse("{\"id\":null,\"method\":\"mining.set_difficulty\",\"params\":[8]}");
        assertThat(note.kind()).isEqualTo(StratumMessage.Kind.NOTIFICATION);
        assertThat(note.number(0)).isEqualTo(8);
        assertThat(note.param(0)).isEqualTo(8L);
        StratumMessage noId = StratumCodec.parse("{\"method\":\"mining.notify\",\"params\":[]}");
        assertThat(noId.kind()).isEqualTo(StratumMessage.Kind.NOTIFICATION);
        StratumMessage reply = StratumCodec.parse("{\"id\":3,\"result\":true,\"error\":null}");
        assertThat(reply.kind()).isEqualTo(StratumMessage.Kind.REPLY);
        assertThat(reply.isSuccess()).isTrue();
        assertThat(reply.error()).isNull();
    }

    @Test
    void readsEveryErrorForm() {
        // ckpool: [code, message, null]
        StratumMessage a = StratumCodec.parse("{\"id\":4,\"result\":false,\"error\":[21,\"Stale\",null]}");
        assertThat(a.error()).isEqualTo(new StratumError(21, "Stale"));
        assertThat(a.isSuccess()).isFalse();
        // JSON-RPC 2.0 style object
        StratumMessage o = StratumCodec.parse("{\"id\":4,\"result\":null,\"error\":{\"code\":23,\"message\":\"Low difficulty share\"}}");
        assertThat(o.error()).isEqualTo(new StratumError(23, "Low difficulty share"));
        // bare string
        StratumMessage s = StratumCodec.parse("{\"id\":4,\"result\":null,\"error\":\"Duplicate share\"}");
        assertThat(s.error()).isEqualTo(new StratumError(-1, "Duplicate share"));
        // result false with no error: a refusal without reason
        StratumMessage f = StratumCodec.parse("{\"id\":4,\"result\":false,\"error\":null}");
        assertThat(f.error()).isNull();
        assertThat(f.isSuccess()).isFalse();
        // error false (some pools) is no error
        assertThat(StratumCodec.parse("{\"id\":4,\"result\":true,\"error\":false}").isSuccess()).isTrue();
    }

    @Test
    void refusesNonsense() {
        assertThatThrownBy(() -> StratumCodec.parse("hello")).isInstanceOf(StratumProtocolException.class);
        assertThatThrownBy(() -> StratumCodec.parse("[1,2]")).isInstanceOf(StratumProtocolException.class);
        assertThatThrownBy(() -> StratumCodec.parse("{\"id\":1")).isInstanceOf(StratumProtocolException.class);
        assertThatThrownBy(() -> StratumCodec.parse("{\"method\":5}")).isInstanceOf(StratumProtocolException.class);
        assertThatThrownBy(() -> StratumCodec.parse("{\"id\":1} x")).isInstanceOf(StratumProtocolException.class);
        // unknown members are skipped: a line of only those is a reply to no request
        assertThat(StratumCodec.parse("{\"foo\":1}").idLong()).isEqualTo(-1);
    }

    @Test
    void writesRequestsRepliesAndErrors() {
        assertThat(StratumCodec.request(7, "mining.submit", "w", "1a", "00000001", "5f000000", "0000abcd"))
                .isEqualTo("{\"id\":7,\"method\":\"mining.submit\",\"params\":[\"w\",\"1a\",\"00000001\",\"5f000000\",\"0000abcd\"]}");
        assertThat(StratumCodec.result("3", "pong"))
                .isEqualTo("{\"id\":3,\"result\":\"pong\",\"error\":null}");
        assertThat(StratumCodec.error("\"a\"", 20, "no \"quoted\""))
                .isEqualTo("{\"id\":\"a\",\"result\":null,\"error\":[20,\"no \\\"quoted\\\"\",null]}");
        assertThat(StratumCodec.notification("mining.set_difficulty", 2.5))
                .isEqualTo("{\"id\":null,\"method\":\"mining.set_difficulty\",\"params\":[2.5]}");
    }

    @Test
    void subscribeResultShapes() throws Exception {
        // jckpool / most pools: two subscription pairs
        SubscribeResult j = SubscribeResult.parse(Json.MAPPER.readTree(
                "[[[\"mining.set_difficulty\",\"0a0b0c0d\"],[\"mining.notify\",\"0a0b0c0d\"]],\"0a0b0c0d\",8]"));
        assertThat(j).isEqualTo(new SubscribeResult("0a0b0c0d", "0a0b0c0d", 8));
        // ckpool 0.9.x: one pair, session id = extranonce1 (4 bytes), extranonce2 size 8
        SubscribeResult ck = SubscribeResult.parse(Json.MAPPER.readTree(
                "[[[\"mining.notify\",\"2a010000\"]],\"2a010000\",8]"));
        assertThat(ck).isEqualTo(new SubscribeResult("2a010000", "2a010000", 8));
        // later ckpool releases: the session id is the client's session number ("%08x"), not extranonce1
        SubscribeResult ckSession = SubscribeResult.parse(Json.MAPPER.readTree(
                "[[[\"mining.notify\",\"0000002a\"]],\"2a010000\",8]"));
        assertThat(ckSession).isEqualTo(new SubscribeResult("0000002a", "2a010000", 8));
        // ckpool's first releases: an 8-byte extranonce1 (its enonce1_64), extranonce2 size 8
        assertThat(SubscribeResult.parse(Json.MAPPER.readTree(
                "[[[\"mining.notify\",\"2a00000000000000\"]],\"2a00000000000000\",8]")).extranonce1())
                .hasSize(16);
        // ckpool -p as the upstream: a blank session id (never resumed), its own extranonce1 plus the carved bytes
        assertThat(SubscribeResult.parse(Json.MAPPER.readTree("[[[\"mining.notify\",\"\"]],\"2a01000001\",7]")))
                .isEqualTo(new SubscribeResult(null, "2a01000001", 7));
        // a flat pair, upper-case hex, extranonce2 size 4
        SubscribeResult flat = SubscribeResult.parse(Json.MAPPER.readTree("[[\"mining.notify\",\"abc\"],\"F0A1\",4]"));
        assertThat(flat).isEqualTo(new SubscribeResult("abc", "f0a1", 4));
        // no subscriptions at all: the session id is extranonce1
        assertThat(SubscribeResult.parse(Json.MAPPER.readTree("[null,\"01\",4]")).sessionId()).isEqualTo("01");
        assertThatThrownBy(() -> SubscribeResult.parse(Json.MAPPER.readTree("[[],\"0g\",4]")))
                .isInstanceOf(StratumProtocolException.class);
        assertThatThrownBy(() -> SubscribeResult.parse(Json.MAPPER.readTree("[[],\"00\"]")))
                .isInstanceOf(StratumProtocolException.class);
    }

    @Test
    void notifyParams() throws Exception {
        String prev = "4d16b6f85af6e2198f44ae2a6de67f78487ae5611b77c6c0440b921e00000000";
        Notify n = Notify.parse(notify("[\"bf\",\"" + prev + "\",\"01000000AB\",\"ffffffff\",[\""
                + "a".repeat(64) + "\"],\"20000000\",\"1d00ffff\",\"504e86ed\",true]"));
        assertThat(n.jobId()).isEqualTo("bf");
        assertThat(n.prevHash()).isEqualTo(prev);
        assertThat(n.coinb1()).isEqualTo("01000000ab");
        assertThat(n.branch()).hasSize(1);
        assertThat(n.clean()).isTrue();
        // numeric job ids happen
        assertThat(Notify.parse(notify("[12,\"" + prev + "\",\"00\",\"00\",[],\"20000000\",\"1d00ffff\",\"504e86ed\",false]"))
                .jobId()).isEqualTo("12");
        assertThatThrownBy(() -> Notify.parse(notify("[\"1\",\"00\",\"00\",\"00\",[],\"2\",\"1\",\"5\",false]")))
                .isInstanceOf(StratumProtocolException.class);
    }

    private static StratumMessage notify(String params) {
        return StratumCodec.parse("{\"id\":null,\"method\":\"mining.notify\",\"params\":" + params + "}");
    }

    @Test
    void reconnectPolicyDoublesToItsCapAndResets() {
        ReconnectPolicy p = new ReconnectPolicy(100, 450);
        assertThat(p.nextDelayMillis()).isEqualTo(100);
        assertThat(p.nextDelayMillis()).isEqualTo(200);
        assertThat(p.nextDelayMillis()).isEqualTo(400);
        assertThat(p.nextDelayMillis()).isEqualTo(450);
        assertThat(p.failures()).isEqualTo(4);
        p.reset();
        assertThat(p.nextDelayMillis()).isEqualTo(100);
    }
}
