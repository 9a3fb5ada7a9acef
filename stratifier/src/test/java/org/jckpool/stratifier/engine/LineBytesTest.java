package org.jckpool.stratifier.engine;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A line handed over as the connector's bytes ({@code onLine(id, buf, off, len)}, the flat fast path where it
 * applies) and the same line as a String ({@code onLine(id, line)}, Jackson) lead to the same replies, drops and
 * statistics, for usual and odd submits alike.
 */
class LineBytesTest {
    static final String W = Vectors.MAIN_ADDR + ".rig1";

    private static List<String> session(String job) {
        String p = "\"" + W + "\",\"" + job + "\"";
        List<String> lines = new ArrayList<>();
        lines.add("{\"id\":1,\"method\":\"mining.configure\",\"params\":[[\"version-rolling\"],"
                + "{\"version-rolling.mask\":\"1fffe000\"}]}");
        lines.add("{\"id\":2,\"method\":\"mining.subscribe\",\"params\":[\"test/1.0\"]}");
        lines.add("{\"id\":3,\"method\":\"mining.authorize\",\"params\":[\"" + W + "\",\"x\"]}");
        // the vector share: accepted, then a duplicate, then above target
        lines.add("{\"id\":10,\"method\":\"mining.submit\",\"params\":[" + p
                + ",\"0000002b\",\"662307b7\",\"7bec501e\",\"00a00000\"]}");
        lines.add("{\"params\": [" + p + ", \"0000002b\", \"662307b7\", \"7bec501e\", \"00a00000\"], \"id\": \"dup\","
                + " \"method\": \"mining.submit\"}\r");
        lines.add("{\"id\":null,\"method\":\"mining.submit\",\"params\":[" + p
                + ",\"0000002c\",\"662307b7\",\"7bec501e\",\"00a00000\"]}");
        // odd shapes: escapes, other types, wrong counts, unknown worker or job
        lines.add("{\"id\":\"a\\\"b\",\"method\":\"mining.submit\",\"params\":[\"" + W.replace(".", "\\u002e")
                + "\",\"" + job + "\",\"0000002d\",\"662307b7\",\"7bec501e\"]}");
        lines.add("{\"id\":12.5,\"method\":\"mining.submit\",\"params\":[" + p + ",\"0000002e\",\"662307b7\",1]}");
        lines.add("{\"id\":13,\"method\":\"mining.submit\",\"params\":[" + p
                + ",\"0000002f\",\"662307b7\",\"7bec501e\",null]}");
        lines.add("{\"id\":14,\"method\":\"mining.submit\",\"params\":[" + p
                + ",\"00000030\",\"662307b7\",\"7bec501e\",\"00a00000\",\"extra\"]}");
        lines.add("{\"id\":15,\"method\":\"mining.submit\",\"params\":[" + p + ",\"00000031\"]}");
        lines.add("{\"id\":16,\"method\":\"mining.submit\",\"params\":{\"worker\":\"" + W + "\"}}");
        lines.add("{\"id\":17,\"method\":\"mining.submit\",\"params\":null}");
        lines.add("{\"id\":18,\"method\":\"mining.submit\",\"params\":[\"someone.else\",\"" + job
                + "\",\"00000032\",\"662307b7\",\"7bec501e\"]}");
        lines.add("{\"id\":19,\"method\":\"mining.submit\",\"params\":[\"" + W
                + "\",\"ffff\",\"00000033\",\"662307b7\",\"7bec501e\"]}");
        lines.add("{\"id\":20,\"method\":\"mining.submit\",\"params\":[" + p + ",\"zz000034\",\"662307b7\",\"7bec501e\"]}");
        lines.add("{\"id\":21,\"jsonrpc\":\"2.0\",\"method\":\"mining.submit\",\"params\":[" + p
                + ",\"00000035\",\"662307b7\",\"7bec501e\"]}");
        lines.add("{\"id\":22,\"method\":\"mining.bogus\",\"params\":[]}");
        lines.add("{\"id\":23,\"result\":true,\"error\":null}");
        lines.add("{\"id\":24,\"method\":\"mining.submit\",\"params\":[\"wörker\",\"" + job + "\"]}");
        // malformed: error reply and drop
        lines.add("{\"id\":25,\"method\":\"mining.submit\",\"params\":[\"a\",]}");
        return lines;
    }

    @Test
    void bytesAndStringLinesGetTheSameAnswers() {
        EngineHarness viaString = new EngineHarness(Vectors.config(1, 1), Vectors.C_TIME + 30);
        EngineHarness viaBytes = new EngineHarness(Vectors.config(1, 1), Vectors.C_TIME + 30);
        viaString.engine.onTemplate(Vectors.templateC());
        viaBytes.engine.onTemplate(Vectors.templateC());
        String job = viaString.engine.currentJob().idHex();
        assertThat(viaBytes.engine.currentJob().idHex()).isEqualTo(job);
        viaString.engine.onConnect(1, "127.0.0.1", 0);
        viaBytes.engine.onConnect(1, "127.0.0.1", 0);

        for (String line : session(job)) {
            viaString.engine.onLine(1, line);
            // inside a larger buffer, as in a relay frame
            byte[] body = line.getBytes(StandardCharsets.UTF_8);
            byte[] frame = new byte[body.length + 13];
            System.arraycopy(body, 0, frame, 9, body.length);
            frame[frame.length - 1] = '}';
            viaBytes.engine.onLine(1, frame, 9, body.length);
            assertThat(viaBytes.out.log).as(line).isEqualTo(viaString.out.log);
        }
        assertThat(viaBytes.out.drops).isEqualTo(viaString.out.drops).containsKey(1L);
        assertThat(viaBytes.engine.stats().pool().acceptedCount()).isEqualTo(1);
        assertThat(viaBytes.engine.stats().pool().rejectsByReason())
                .isEqualTo(viaString.engine.stats().pool().rejectsByReason())
                .containsKeys("Duplicate", "Above target", "Worker mismatch", "Invalid JobID", "Invalid array size",
                        "Invalid nonce2 length", "No nonce", "Params not array");
        assertThat(viaString.out.log).anyMatch(l -> l.startsWith("1 {\"id\":\"a\\\"b\",\"result\":true")
                || l.startsWith("1 {\"id\":\"a\\\"b\",\"result\":false"));
    }
}
