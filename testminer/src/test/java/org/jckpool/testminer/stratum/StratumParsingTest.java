package org.jckpool.testminer.stratum;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.jckpool.libpool.stratum.Notify;
import org.jckpool.libpool.stratum.StratumCodec;
import org.jckpool.libpool.stratum.StratumProtocolException;
import org.jckpool.testminer.VectorC;
import org.junit.jupiter.api.Test;

class StratumParsingTest {
    @Test
    void notifyWithBadFieldsIsMalformed() throws Exception {
        String good = VectorC.NOTIFY_LINE;
        assertThat(job(good).jobId()).isEqualTo("1f");
        for (String bad : new String[] {
            good.replace("\"17034219\"", "\"1703421\""),
            good.replace("\"662307b7\"", "\"zz2307b7\""),
            good.replace(",true]", ",\"yes\"]"),
            good.replace(VectorC.PREVHASH, "abcd"),
            good.replace(VectorC.BRANCH0, "00"),
            good.replace(VectorC.COINB1, "0g"),
            "{\"id\":null,\"method\":\"mining.notify\",\"params\":[\"1f\"]}",
        }) {
            assertThatThrownBy(() -> job(bad))
                    .as(bad).isInstanceOf(StratumProtocolException.class);
        }
    }

    @Test
    void submitOutcomeReadsBothRejectStyles() throws Exception {
        assertThat(SubmitReply.of(StratumCodec.parse("{\"id\":4,\"result\":true,\"error\":null}")).accepted()).isTrue();
        SubmitReply standard = SubmitReply.of(StratumCodec.parse(
                "{\"id\":4,\"result\":null,\"error\":[23,\"Low difficulty share\",null]}"));
        assertThat(standard.accepted()).isFalse();
        assertThat(standard.code()).isEqualTo(23);
        assertThat(standard.reason()).isEqualTo("Low difficulty share");
        SubmitReply ckpool = SubmitReply.of(StratumCodec.parse(
                "{\"id\":4,\"result\":false,\"error\":null,\"reject-reason\":\"Above target\"}"));
        assertThat(ckpool.accepted()).isFalse();
        assertThat(ckpool.reason()).isEqualTo("Above target");
        SubmitReply both = SubmitReply.of(StratumCodec.parse(
                "{\"id\":4,\"result\":false,\"error\":[21,\"Job not found\",null],\"reject-reason\":\"Stale\"}"));
        assertThat(both.reason()).isEqualTo("Stale");
        assertThat(both.code()).isEqualTo(21);
        assertThat(SubmitReply.of(StratumCodec.parse("{\"id\":4,\"result\":false}")).reason())
                .isEqualTo("rejected without reason");
        assertThat(SubmitReply.of(StratumCodec.parse("{\"id\":4,\"result\":null,\"error\":\"bad\"}")).reason())
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

    private static MiningJob job(String notifyLine) {
        return MiningJob.from(Notify.parse(StratumCodec.parse(notifyLine)));
    }
}
