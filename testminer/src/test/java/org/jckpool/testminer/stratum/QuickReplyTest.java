package org.jckpool.testminer.stratum;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class QuickReplyTest {
    @Test
    void readsTheCommonRepliesExactlyAsTheGeneralPathDoes() throws Exception {
        for (String line : new String[] {
            "{\"id\":7,\"result\":true,\"error\":null}",
            "{\"error\":null,\"result\":true,\"id\":7}",
            "{\"id\":9,\"result\":false,\"error\":[23,\"Above target\",null],\"reject-reason\":\"Above target\"}",
            "{\"id\":9,\"result\":false,\"error\":[21,\"Stale\",null]}",
            "{\"id\":9,\"result\":false,\"error\":[21,\"Stale\",{\"trace\":[1,2]}],\"reject-reason\":null}",
            "{\"id\":9,\"result\":false,\"error\":[20,\"\",null]}",
            "{\"id\":9,\"result\":false,\"error\":[21,\"Stale\",1]}",
            "{\"id\":9,\"result\":false,\"error\":[21,\"Stale\",null,\"more\"]}",
            "{\"id\":9,\"result\":false,\"error\":[20,\"multi\\nline\\u00e9\",null],\"reject-reason\":\"a\\\"b\"}",
            " { \"id\" : 12345678901 , \"result\" : false , \"error\" : null } ",
        }) {
            QuickReply quick = QuickReply.parse(line);
            StratumMessage general = StratumMessage.parse(line);
            assertThat(quick).as(line).isNotNull();
            assertThat(quick.id()).as(line).isEqualTo(general.id());
            assertThat(quick.outcome()).as(line).isEqualTo(SubmitOutcome.of(general));
        }
    }

    @Test
    void readsThePoolsUsualRepliesFromTheBytesWithoutJackson() throws Exception {
        for (String line : new String[] {
            "{\"id\":7,\"result\":true,\"error\":null}",
            "{\"id\":9,\"result\":false,\"error\":[23,\"Above target\",null],\"reject-reason\":\"Above target\"}",
            "{\"reject-reason\":\"Stale\",\"error\":[21,\"Stale\"],\"result\":false,\"id\":-3}",
            " { \"id\" : 12345678901 , \"result\" : false , \"error\" : null } ",
        }) {
            byte[] utf8 = line.getBytes(StandardCharsets.UTF_8);
            ReplyScanner scan = new ReplyScanner(utf8, 0, utf8.length);
            assertThat(scan.scan()).as(line).isTrue();
            StratumMessage general = StratumMessage.parse(line);
            assertThat(scan.reply().id()).as(line).isEqualTo(general.id());
            assertThat(scan.reply().outcome()).as(line).isEqualTo(SubmitOutcome.of(general));
        }
    }

    @Test
    void readsALineInsideALargerBuffer() {
        byte[] buf = "xx{\"id\":5,\"result\":true,\"error\":null}\n{\"id\":6".getBytes(StandardCharsets.UTF_8);
        QuickReply reply = QuickReply.parse(buf, 2, buf.length - 2 - "\n{\"id\":6".length());
        assertThat(reply).isEqualTo(new QuickReply(5, new SubmitOutcome(true, null, null)));
        assertThat(QuickReply.parse(buf, 2, 10)).isNull();
    }

    @Test
    void leavesEverythingElseToTheGeneralPath() {
        for (String line : new String[] {
            "{\"id\":null,\"method\":\"mining.notify\",\"params\":[]}",
            "{\"id\":\"7\",\"result\":true,\"error\":null}",
            "{\"id\":7.5,\"result\":true,\"error\":null}",
            "{\"id\":7,\"result\":[1,2],\"error\":null}",
            "{\"id\":7,\"result\":true}",
            "{\"id\":7,\"result\":true,\"error\":[20,\"odd\",null]}",
            "{\"id\":7,\"result\":false,\"error\":{\"code\":1,\"message\":\"x\"}}",
            "{\"id\":7,\"result\":false,\"error\":[\"x\",\"y\"]}",
            "{\"id\":7,\"result\":false,\"error\":null,\"extra\":1}",
            "{\"id\":7,\"result\":false,\"error\":null} trailing",
            "{\"id\":7,\"result\":false,\"error\":null,\"id\":}",
            "{\"id\":123456789012345678901,\"result\":false,\"error\":null}",
            "{\"id\":7,\"result\":false,\"error\":[1e3,\"x\",null]}",
            "{\"id\":7,\"result\":false,\"error\":[20,\"x\",null,}",
            "{\"id\":7,\"result\":false,\"error\":[20,\"x\" null]}",
            "{\"id\":7,\"result\":true,\"error\":null,}",
            "{\"id\":7,\"result\":tru,\"error\":null}",
            "{\"id\":7,\"result\":false,\"error\":null,\"reject-reason\":5}",
            "{\"id\":7,\"result\":false,\"error\":[20,\"cut",
            "[1,2]",
            "garbage",
            "",
        }) {
            assertThat(QuickReply.parse(line)).as(line).isNull();
        }
    }
}
