package org.jckpool.libpool.stratum;

import org.jckpool.libpool.json.Json;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

/**
 * The differential test of the two reading paths: for every line the fast path ({@link FlatLineReader}) either
 * gives null or a message equal to the general path's ({@link StratumCodec#parse}), and {@link StratumLineParser}
 * gives the same message, or the same error, from the bytes as from the text. The common shapes (miners'
 * requests, pools' replies and notifications) must really take the fast path.
 */
class FastAndGeneralPathTest {
    private static final int MAX = 16 * 1024;
    private final StratumLineParser parser = new StratumLineParser(MAX);

    /** Lines the fast path reads itself. */
    private static final List<String> FAST = List.of(
            "{\"id\":4,\"method\":\"mining.submit\",\"params\":[\"w.1\",\"1f\",\"0000002b\",\"662307b7\",\"7bec501e\"]}",
            "{\"params\": [\"w\", \"1f\", \"0000002b\", \"662307b7\", \"7bec501e\", \"00a00000\"], \"id\": 12, "
                    + "\"method\": \"mining.submit\"}",
            " \t{ \"method\" :\"mining.submit\" ,\r\n\"id\":\"abc-1\",\"params\":[ ] } \r\n",
            "{\"id\":null,\"method\":\"mining.subscribe\",\"params\":[\"cgminer/4.10\"]}",
            "{\"id\":-7,\"method\":\"x\",\"params\":null}",
            "{\"id\":0,\"method\":\"mining.submit\",\"params\":[\"a\",\"b\",\"c\",\"d\",\"e\",\"f\",\"g\"]}",
            "{\"id\":999999999999999999,\"method\":\"mining.submit\",\"params\":[\"\"]}",
            "{\"id\":\"\",\"method\":\"\"}",
            "{\"id\":-0,\"method\":\"m\"}",
            "{\"id\":\"a b/c{}[],:\"}",
            "{}",
            "{\"method\":\"mining.authorize\",\"params\":[\"user.worker\",\"x\"]}",
            "{\"id\":1,\"method\":\"mining.submit\",\"params\":[\"w\",\"1f\",\"0000002b\",\"662307b7\",\"7bec501e\",null]}",
            "{\"id\":1,\"method\":\"m\",\"params\":[\"w\",true,false,-12,0]}",
            // pools' replies and notifications
            "{\"id\":7,\"result\":true,\"error\":null}",
            "{\"result\":false,\"error\":[23,\"Low difficulty share\",null],\"id\":8,\"reject-reason\":\"Above target\"}",
            "{\"id\":9,\"result\":null,\"error\":[21,\"Job not found\"]}",
            "{\"id\":10,\"result\":\"pong\",\"error\":null}",
            "{\"id\":null,\"method\":\"mining.set_difficulty\",\"params\":[42]}",
            "{\"id\":null,\"method\":\"mining.notify\",\"params\":[\"6a0b\",\"4d16b6f85af6e2198f44ae2a6de67f78487ae56"
                    + "11b77c6c0440b921e00000000\",\"0100\",\"ffff\",[\"" + "aa".repeat(32) + "\",\"" + "bb".repeat(32)
                    + "\"],\"20000000\",\"1d00ffff\","
                    + "\"504e86ed\",true]}",
            "{\"id\":null,\"method\":\"mining.notify\",\"params\":[\"1\",\"2\",\"3\",\"4\",[],\"5\",\"6\",\"7\",false]}",
            "{\"id\":5,\"method\":\"client.reconnect\",\"params\":[]}");

    /** Lines left to the general path: valid but unusual, or malformed. */
    private static final List<String> GENERAL = List.of(
            // escapes and characters beyond printable ASCII
            "{\"id\":\"a\\\"b\",\"method\":\"mining.submit\",\"params\":[]}",
            "{\"id\":1,\"method\":\"mining.submit\",\"params\":[\"w\\u002e1\",\"1f\"]}",
            "{\"id\":1,\"method\":\"mining.su\\u0062mit\",\"params\":[]}",
            "{\"i\\u0064\":5,\"method\":\"mining.submit\"}",
            "{\"id\":1,\"method\":\"mining.submit\",\"params\":[\"wörker\",\"1f\"]}",
            "{\"id\":1,\"method\":\"m\",\"params\":[\"tab\there\"]}",
            "{\"id\":\"\u007f\",\"method\":\"m\"}",
            // other id types
            "{\"id\":1.5,\"method\":\"mining.submit\",\"params\":[]}",
            "{\"id\":1e3,\"method\":\"mining.submit\",\"params\":[]}",
            "{\"id\":true,\"method\":\"m\"}",
            "{\"id\":[1],\"method\":\"m\"}",
            "{\"id\":{\"a\":1},\"method\":\"m\"}",
            "{\"id\":9223372036854775807,\"method\":\"m\"}",
            "{\"id\":123456789012345678901234,\"method\":\"m\"}",
            // other params
            "{\"id\":1,\"method\":\"mining.submit\",\"params\":[\"w\",1.5,\"c\"]}",
            "{\"id\":1,\"method\":\"mining.submit\",\"params\":[[\"w\",1]]}",
            "{\"id\":1,\"method\":\"mining.submit\",\"params\":[[[\"w\"]]]}",
            "{\"id\":1,\"method\":\"mining.submit\",\"params\":{\"worker\":\"w\"}}",
            "{\"id\":1,\"method\":\"mining.submit\",\"params\":\"w\"}",
            "{\"id\":1,\"method\":\"mining.configure\",\"params\":[[\"version-rolling\"],{}]}",
            "{\"id\":1,\"method\":\"mining.suggest_difficulty\",\"params\":[0.5]}",
            // other results and errors
            "{\"id\":1,\"result\":[[[\"mining.notify\",\"ae6812eb4cd7735a302a8a9dd95cf71f\"]],\"08000002\",4],\"error\":null}",
            "{\"id\":1,\"result\":{\"version-rolling\":true},\"error\":null}",
            "{\"id\":1,\"result\":true,\"error\":false}",
            "{\"id\":1,\"result\":null,\"error\":{\"code\":23,\"message\":\"Low\"}}",
            "{\"id\":1,\"result\":null,\"error\":\"Duplicate\"}",
            "{\"id\":1,\"result\":null,\"error\":[21,\"Stale\",{\"trace\":1}]}",
            "{\"id\":1,\"result\":null,\"error\":[2147483648,\"big\",null]}",
            "{\"id\":1,\"result\":false,\"error\":null,\"reject-reason\":5}",
            // other members, repeated members, other method types
            "{\"id\":1,\"jsonrpc\":\"2.0\",\"method\":\"mining.submit\",\"params\":[]}",
            "{\"id\":1,\"id\":2,\"method\":\"mining.submit\",\"params\":[]}",
            "{\"id\":1,\"method\":\"a\",\"method\":\"b\"}",
            "{\"id\":1,\"method\":\"m\",\"params\":[],\"params\":[\"x\"]}",
            "{\"id\":1,\"result\":true,\"result\":false}",
            "{\"id\":1,\"method\":null}",
            "{\"id\":1,\"method\":5}",
            // malformed
            "", "   ", "x", "[]", "null", "\"s\"", "{", "{\"id\":1", "{\"id\":1,}", "{\"id\":1}{}", "{\"id\":1} x",
            "{\"id\":01,\"method\":\"m\"}", "{\"id\":-,\"method\":\"m\"}", "{\"id\":1 2}", "{\"id\" 1}", "{id:1}",
            "{\"id\":nul}", "{\"id\":nullx}", "{\"id\":1,\"method\":\"m\",\"params\":[\"a\",]}",
            "{\"id\":1,\"method\":\"m\",\"params\":[\"a\" \"b\"]}", "{\"id\":1,\"method\":\"m\",\"params\":[\"a\"}",
            "{\"id\":1,\"method\":\"m\",\"params\":[\"a", "{\"id\":1,\"method\":\"m\",\"params\":[",
            "{\"id\":1,\"method\":\"m\",\"params\":[01]}", "{\"id\":1,\"method\":\"m\",\"params\":[tru]}",
            "{\"id\":1,\"result\":true,\"error\":[21 \"x\"]}", "{\"id\":1,\"error\":[21,\"x\",null,]}",
            "{\"id\":\"unterminated}", "{\"id\":1\u000b}", "{'id':1}", "{\"id\":1}\u0000");

    @Test
    void commonShapesTakeTheFastPathWithTheGeneralPathsResult() {
        for (String line : FAST) {
            byte[] b = line.getBytes(StandardCharsets.UTF_8);
            StratumMessage fast = FlatLineReader.read(b, 0, b.length);
            assertThat(fast).as(line).isNotNull();
            assertThat(fast).as(line).isEqualTo(StratumCodec.parse(line));
            assertThat(parser.parse(b, 0, b.length)).as(line).isEqualTo(parser.parse(line));
        }
    }

    @Test
    void fastResultsKeepIdsAsTheyMustBeEchoed() {
        StratumMessage r = fast(FAST.get(2));
        assertThat(r.idJson()).isEqualTo("\"abc-1\"");
        assertThat(r.idLong()).isEqualTo(-1);
        assertThat(r.method()).isEqualTo("mining.submit");
        assertThat(r.params()).isEmpty();
        r = fast(FAST.get(1));
        assertThat(r.idJson()).isEqualTo("12");
        assertThat(r.idLong()).isEqualTo(12);
        assertThat(r.params()).containsExactly("w", "1f", "0000002b", "662307b7", "7bec501e", "00a00000");
        r = fast(FAST.get(4));
        assertThat(r.idJson()).isEqualTo("-7");
        assertThat(r.params()).isNull();
        r = fast("{}");
        assertThat(r.idJson()).isEqualTo("null");
        assertThat(r.method()).isNull();
        assertThat(r.kind()).isEqualTo(StratumMessage.Kind.REPLY);
    }

    @Test
    void fastRepliesAndNotifiesCarryWhatClientsRead() throws Exception {
        StratumMessage refused = fast(FAST.get(15));
        assertThat(refused.idLong()).isEqualTo(8);
        assertThat(refused.isSuccess()).isFalse();
        assertThat(refused.error()).isEqualTo(new StratumError(23, "Low difficulty share"));
        assertThat(refused.rejectReason()).isEqualTo("Above target");
        assertThat(fast(FAST.get(14)).isSuccess()).isTrue();
        StratumMessage notify = fast(FAST.get(19));
        assertThat(notify.kind()).isEqualTo(StratumMessage.Kind.NOTIFICATION);
        assertThat(notify.param(4)).isEqualTo(Json.MAPPER.createArrayNode().add("aa".repeat(32)).add("bb".repeat(32)));
        assertThat(notify.param(8)).isEqualTo(Boolean.TRUE);
        assertThat(Notify.parse(notify).branch()).containsExactly("aa".repeat(32), "bb".repeat(32));
        assertThat(fast(FAST.get(18)).number(0)).isEqualTo(42);
    }

    @Test
    void unusualLinesAreLeftToTheGeneralPathWithTheSameResultOrError() {
        for (String line : GENERAL) {
            byte[] b = line.getBytes(StandardCharsets.UTF_8);
            assertThat(FlatLineReader.read(b, 0, b.length)).as(line).isNull();
            assertSameOutcome(line, b);
        }
    }

    @Test
    void theLineSliceIsRespected() {
        String line = FAST.get(0);
        byte[] inner = line.getBytes(StandardCharsets.UTF_8);
        byte[] framed = new byte[inner.length + 20];
        Arrays.fill(framed, (byte) '}');
        System.arraycopy(inner, 0, framed, 9, inner.length);
        assertThat(parser.parse(framed, 9, inner.length)).isEqualTo(parser.parse(line));
        // a cut line is malformed, not read past its end
        Throwable cut = catchThrowable(() -> parser.parse(framed, 9, inner.length - 1));
        assertThat(cut).isInstanceOf(StratumProtocolException.class);
    }

    @Test
    void invalidUtf8AndOversizedLinesGoThroughTheGeneralPath() {
        byte[] bad = {'{', '"', 'i', 'd', '"', ':', '"', (byte) 0xff, '"', ',', '"', 'm', 'e', 't', 'h', 'o', 'd',
                '"', ':', '"', 'm', '"', '}'};
        assertSameOutcome(new String(bad, StandardCharsets.UTF_8), bad);

        String big = "{\"id\":1,\"method\":\"mining.submit\",\"params\":[\"" + "a".repeat(MAX) + "\"]}";
        byte[] b = big.getBytes(StandardCharsets.UTF_8);
        Throwable e = catchThrowable(() -> parser.parse(b, 0, b.length));
        assertThat(e).isInstanceOf(StratumProtocolException.class).hasMessageContaining("exceeds");
    }

    @Test
    void randomlyMutatedLinesGiveTheSameOutcomeOnBothPaths() {
        // Differential check of the hand-written reader on inputs nobody thought of: deletions, insertions of
        // JSON-significant characters, repeats and cuts of the lines above (seeded: a failure is repeatable).
        Random random = new Random(20261126L);
        String alphabet = "{}[]\",:\\ 0123456789-+.eEtrufalsn\t\r\u00e9\u0000x";
        List<String> seeds = new ArrayList<>(FAST);
        seeds.addAll(GENERAL);
        int fastTaken = 0;
        for (int i = 0; i < 40_000; i++) {
            StringBuilder line = new StringBuilder(seeds.get(random.nextInt(seeds.size())));
            for (int m = 1 + random.nextInt(3); m > 0; m--) {
                int at = line.length() == 0 ? 0 : random.nextInt(line.length() + 1);
                switch (random.nextInt(4)) {
                    case 0 -> {
                        if (at < line.length()) {
                            line.deleteCharAt(at);
                        }
                    }
                    case 1 -> line.insert(at, alphabet.charAt(random.nextInt(alphabet.length())));
                    case 2 -> {
                        int end = Math.min(line.length(), at + random.nextInt(8));
                        line.insert(at, line.substring(at, end));
                    }
                    default -> line.setLength(at);
                }
            }
            String text = line.toString();
            byte[] b = text.getBytes(StandardCharsets.UTF_8);
            StratumMessage fast = FlatLineReader.read(b, 0, b.length);
            if (fast != null) {
                fastTaken++;
                assertThat(fast).as(text).isEqualTo(StratumCodec.parse(text));
            }
            assertSameOutcome(text, b);
        }
        assertThat(fastTaken).as("mutants the fast path took itself").isGreaterThan(1000);
    }

    private static StratumMessage fast(String line) {
        byte[] b = line.getBytes(StandardCharsets.UTF_8);
        return FlatLineReader.read(b, 0, b.length);
    }

    /** The bytes entry point and the text entry point agree: equal messages, or errors with equal messages. */
    private void assertSameOutcome(String line, byte[] b) {
        Object viaString;
        Object viaBytes;
        try {
            viaString = parser.parse(line);
        } catch (StratumProtocolException e) {
            viaString = "error: " + e.getMessage();
        }
        try {
            viaBytes = parser.parse(b, 0, b.length);
        } catch (StratumProtocolException e) {
            viaBytes = "error: " + e.getMessage();
        }
        assertThat(viaBytes).as(line).isEqualTo(viaString);
    }
}
