package org.jckpool.testminer.stratum;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.jckpool.testminer.VectorC;
import org.junit.jupiter.api.Test;

class StratumParsingTest {
    @Test
    void rejectsLinesThatAreNotStratumMessages() {
        assertThatThrownBy(() -> StratumMessage.parse("garbage{")).isInstanceOf(MalformedMessageException.class);
        assertThatThrownBy(() -> StratumMessage.parse("[1,2,3]")).isInstanceOf(MalformedMessageException.class);
        assertThatThrownBy(() -> StratumMessage.parse("{\"foo\":1}")).isInstanceOf(MalformedMessageException.class);
        assertThatThrownBy(() -> StratumMessage.parse("{\"method\":5}")).isInstanceOf(MalformedMessageException.class);
        assertThatThrownBy(() -> StratumMessage.parse("{\"id\":null,\"method\":\"mining.notify\",\"params\":{}}").params())
                .isInstanceOf(MalformedMessageException.class);
    }

    @Test
    void notifyWithBadFieldsIsMalformed() throws Exception {
        String good = VectorC.NOTIFY_LINE;
        assertThat(MiningJob.fromNotifyParams(StratumMessage.parse(good).params()).jobId()).isEqualTo("1f");
        for (String bad : new String[] {
            good.replace("\"17034219\"", "\"1703421\""),
            good.replace("\"662307b7\"", "\"zz2307b7\""),
            good.replace(",true]", ",\"yes\"]"),
            good.replace(VectorC.PREVHASH, "abcd"),
            good.replace(VectorC.BRANCH0, "00"),
            good.replace(VectorC.COINB1, "0g"),
            "{\"id\":null,\"method\":\"mining.notify\",\"params\":[\"1f\"]}",
        }) {
            assertThatThrownBy(() -> MiningJob.fromNotifyParams(StratumMessage.parse(bad).params()))
                    .as(bad).isInstanceOf(MalformedMessageException.class);
        }
    }

    @Test
    void subscribeResultGivesExtranonceAndTheNotifySubscriptionAsSession() throws Exception {
        SubscribeResult r = SubscribeResult.parse(StratumMessage.parse(
                "{\"id\":2,\"result\":[[[\"mining.set_difficulty\",\"aa\"],[\"mining.notify\",\"0a1b\"]],\"8d3b5a1c\",4],\"error\":null}")
                .result());
        assertThat(r.extranonce1()).containsExactly(0x8d, 0x3b, 0x5a, 0x1c);
        assertThat(r.extranonce2Size()).isEqualTo(4);
        assertThat(r.sessionId()).isEqualTo("0a1b");
        SubscribeResult single = SubscribeResult.parse(StratumMessage.parse(
                "{\"id\":2,\"result\":[[\"mining.notify\",\"77\"],\"00ff\",8],\"error\":null}").result());
        assertThat(single.sessionId()).isEqualTo("77");
        assertThatThrownBy(() -> SubscribeResult.parse(StratumMessage.parse(
                "{\"id\":2,\"result\":[[],\"xyz\",4],\"error\":null}").result()))
                .isInstanceOf(MalformedMessageException.class);
        assertThatThrownBy(() -> SubscribeResult.parse(StratumMessage.parse(
                "{\"id\":2,\"result\":[[],\"00\",0],\"error\":null}").result()))
                .isInstanceOf(MalformedMessageException.class);
    }

    @Test
    void submitOutcomeReadsBothRejectStyles() throws Exception {
        assertThat(SubmitOutcome.of(StratumMessage.parse("{\"id\":4,\"result\":true,\"error\":null}")).accepted()).isTrue();
        SubmitOutcome standard = SubmitOutcome.of(StratumMessage.parse(
                "{\"id\":4,\"result\":null,\"error\":[23,\"Low difficulty share\",null]}"));
        assertThat(standard.accepted()).isFalse();
        assertThat(standard.code()).isEqualTo(23);
        assertThat(standard.reason()).isEqualTo("Low difficulty share");
        SubmitOutcome ckpool = SubmitOutcome.of(StratumMessage.parse(
                "{\"id\":4,\"result\":false,\"error\":null,\"reject-reason\":\"Above target\"}"));
        assertThat(ckpool.accepted()).isFalse();
        assertThat(ckpool.reason()).isEqualTo("Above target");
        SubmitOutcome both = SubmitOutcome.of(StratumMessage.parse(
                "{\"id\":4,\"result\":false,\"error\":[21,\"Job not found\",null],\"reject-reason\":\"Stale\"}"));
        assertThat(both.reason()).isEqualTo("Stale");
        assertThat(both.code()).isEqualTo(21);
        assertThat(SubmitOutcome.of(StratumMessage.parse("{\"id\":4,\"result\":false}")).reason())
                .isEqualTo("rejected without reason");
        assertThat(SubmitOutcome.of(StratumMessage.parse("{\"id\":4,\"result\":null,\"error\":\"bad\"}")).reason())
                .isEqualTo("bad");
    }

    @Test
    void poolAddressForms() {
        assertThat(PoolAddress.parse("stratum+tcp://127.0.0.1:3333")).isEqualTo(new PoolAddress("127.0.0.1", 3333));
        assertThat(PoolAddress.parse("localhost:4000")).isEqualTo(new PoolAddress("localhost", 4000));
        assertThat(PoolAddress.parse("stratum+tcp://[::1]:3333/")).isEqualTo(new PoolAddress("::1", 3333));
        assertThatThrownBy(() -> PoolAddress.parse("http://x:1")).hasMessageContaining("scheme");
        assertThatThrownBy(() -> PoolAddress.parse("stratum+tcp://host")).hasMessageContaining("port");
        assertThatThrownBy(() -> PoolAddress.parse("host:70000")).hasMessageContaining("range");
    }

    @Test
    void requestEncodings() {
        assertThat(StratumRequests.configureVersionRolling(1, 0x1fffe000L, 2)).isEqualTo(
                "{\"id\":1,\"method\":\"mining.configure\",\"params\":[[\"version-rolling\"],"
                        + "{\"version-rolling.mask\":\"1fffe000\",\"version-rolling.min-bit-count\":2}]}");
        assertThat(StratumRequests.subscribe(2, "jckpool-testminer/0.1", null))
                .isEqualTo("{\"id\":2,\"method\":\"mining.subscribe\",\"params\":[\"jckpool-testminer/0.1\"]}");
        assertThat(StratumRequests.subscribe(2, "a/1", "0a1b"))
                .isEqualTo("{\"id\":2,\"method\":\"mining.subscribe\",\"params\":[\"a/1\",\"0a1b\"]}");
        assertThat(StratumRequests.authorize(3, "u.w\"1", "x"))
                .isEqualTo("{\"id\":3,\"method\":\"mining.authorize\",\"params\":[\"u.w\\\"1\",\"x\"]}");
        assertThat(StratumRequests.suggestDifficulty(5, 0.001))
                .isEqualTo("{\"id\":5,\"method\":\"mining.suggest_difficulty\",\"params\":[0.001]}");
    }
}
