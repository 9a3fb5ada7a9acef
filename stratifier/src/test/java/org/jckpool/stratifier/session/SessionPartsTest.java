package org.jckpool.stratifier.session;

import org.jckpool.libpool.stratum.StratumLineParser;
import org.jckpool.libpool.stratum.StratumMessage;
import org.jckpool.libpool.stratum.StratumProtocolException;
import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SessionPartsTest {
    final StratumLineParser parser = new StratumLineParser(StratumLineParser.REQUEST_LINE_LIMIT);

    @Test
    void extranoncesAreUniqueAndWrap() {
        Extranonce1Allocator a = new Extranonce1Allocator(2, 0xfffe);
        Set<Long> seen = new HashSet<>();
        for (int i = 0; i < 1000; i++) {
            assertThat(seen.add(a.allocate())).isTrue();
        }
        assertThat(seen).contains(0xfffeL, 0xffffL, 0L);
        assertThat(a.claim(0xfffe)).isFalse();
        a.release(0xfffe);
        assertThat(a.claim(0xfffe)).isTrue();
        assertThat(a.bytes(0x0102)).containsExactly(1, 2);
        assertThatThrownBy(() -> new Extranonce1Allocator(1, 0)).hasMessageContaining("nonce1length");
    }

    @Test
    void parserKeepsIdsAndFlatParams() throws Exception {
        StratumMessage r = parser.parse("{\"params\":[\"w\",\"1f\",\"0000002b\",\"662307b7\",\"7bec501e\"],"
                + "\"id\":4,\"method\":\"mining.submit\"}");
        assertThat(r.idJson()).isEqualTo("4");
        assertThat(r.method()).isEqualTo("mining.submit");
        assertThat(r.paramCount()).isEqualTo(5);
        assertThat(r.string(1)).isEqualTo("1f");
        assertThat(parser.parse("{\"id\":\"a\\\"b\",\"method\":\"x\"}").idJson()).isEqualTo("\"a\\\"b\"");
        assertThat(parser.parse("{\"method\":\"x\",\"params\":[1,2.5,true,null,{\"a\":1}]}").params())
                .containsExactly(1L, 2.5, true, null, new com.fasterxml.jackson.databind.ObjectMapper()
                        .readTree("{\"a\":1}"));
        assertThat(parser.parse("{\"id\":1,\"result\":true}").method()).isNull();
    }

    @Test
    void parserRefusesGarbage() {
        for (String bad : new String[]{"", "x", "[]", "{\"id\":1", "{\"id\":1}{}", "{\"method\":5}",
                "{\"method\":\"m\",\"params\":[1,}"}) {
            assertThatThrownBy(() -> parser.parse(bad)).as(bad)
                    .isInstanceOf(StratumProtocolException.class);
        }
    }

    @Test
    void workerNames() {
        assertThat(WorkerName.user("alice.rig1")).isEqualTo("alice");
        assertThat(WorkerName.user("alice_rig1.x")).isEqualTo("alice");
        assertThat(WorkerName.user("alice")).isEqualTo("alice");
        assertThat(WorkerName.problem("a/b")).isNotNull();
        assertThat(WorkerName.problem("")).isNotNull();
        assertThat(WorkerName.problem("_x")).isNotNull();
        assertThat(WorkerName.problem("ok.rig")).isNull();
    }

    @Test
    void versionRollingArithmetic() {
        assertThat(VersionRolling.negotiate(0x1fffe000, 0xffffffff)).isEqualTo(0x1fffe000);
        assertThat(VersionRolling.negotiate(0x1fffe000, 0x00fff000)).isEqualTo(0x00ffe000);
        assertThat(VersionRolling.enoughBits(0x00ffe000, 11)).isTrue();
        assertThat(VersionRolling.enoughBits(0x00ffe000, 12)).isFalse();
        assertThat(VersionRolling.apply(0x20000000, 0x1fffe000, 0x00a00000)).isEqualTo(0x20a00000);
    }

    @Test
    void jobDifficultyRingForgetsTheOldest() {
        JobDifficulties j = new JobDifficulties();
        for (int i = 0; i < 40; i++) {
            j.record(i, i, new byte[32]);
        }
        assertThat(j.find(0)).isEqualTo(-1);
        assertThat(j.diff(j.find(39))).isEqualTo(39);
        j.record(39, 7, new byte[32]);
        assertThat(j.diff(j.find(39))).isEqualTo(7);
    }

    @Test
    void repliesAreJson() {
        assertThat(Replies.setDifficulty(42)).isEqualTo("{\"id\":null,\"method\":\"mining.set_difficulty\",\"params\":[42]}");
        assertThat(Replies.number(0.001)).isEqualTo("0.001");
        assertThat(Replies.number(4.6565423739069247e-10)).isEqualTo("4.6565423739069247e-10");
        assertThat(Replies.reject("4", 23, "Low difficulty share", "Above target")).isEqualTo(
                "{\"id\":4,\"result\":false,\"error\":[23,\"Low difficulty share\",null],\"reject-reason\":\"Above target\"}");
    }
}
