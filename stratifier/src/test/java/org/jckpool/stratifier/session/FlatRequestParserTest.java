package org.jckpool.stratifier.session;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

/**
 * The byte-level reader of flat requests against the general (Jackson) parser: for every line the bytes entry point
 * must give the same request, or the same error, as the String entry point; and the common shapes must really take
 * the flat path.
 */
class FlatRequestParserTest {
    private final StratumRequestParser parser = new StratumRequestParser();

    /** Lines the flat reader handles itself. */
    private static final List<String> FLAT = List.of(
            "{\"id\":4,\"method\":\"mining.submit\",\"params\":[\"w.1\",\"1f\",\"0000002b\",\"662307b7\",\"7bec501e\"]}",
            "{\"params\": [\"w\", \"1f\", \"0000002b\", \"662307b7\", \"7bec501e\", \"00a00000\"], \"id\": 12, "
                    + "\"method\": \"mining.submit\"}",
            " \t{ \"method\" :\"mining.submit\" ,\r\n\"id\":\"abc-1\",\"params\":[ ] } \r\n",
            "{\"id\":null,\"method\":\"mining.subscribe\",\"params\":[\"cgminer/4.10\"]}",
            "{\"id\":-7,\"method\":\"x\",\"params\":null}",
            "{\"id\":0,\"method\":\"mining.submit\",\"params\":[\"a\",\"b\",\"c\",\"d\",\"e\",\"f\",\"g\"]}",
            "{\"id\":9223372036854775807,\"method\":\"mining.submit\",\"params\":[\"\"]}",
            "{\"id\":\"\",\"method\":\"\"}",
            "{\"id\":-0,\"method\":\"m\"}",
            "{\"id\":\"a b/c{}[],:\"}",
            "{}",
            "{\"method\":\"mining.authorize\",\"params\":[\"user.worker\",\"x\"]}");

    /** Lines left to the general parser: valid but unusual, or malformed. */
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
            "{\"id\":123456789012345678901234,\"method\":\"m\"}",
            // other params
            "{\"id\":1,\"method\":\"mining.submit\",\"params\":[\"w\",1,\"c\"]}",
            "{\"id\":1,\"method\":\"mining.submit\",\"params\":[\"w\",\"1f\",\"0000002b\",\"662307b7\",\"7bec501e\",null]}",
            "{\"id\":1,\"method\":\"mining.submit\",\"params\":[\"w\",true]}",
            "{\"id\":1,\"method\":\"mining.submit\",\"params\":[[\"w\"]]}",
            "{\"id\":1,\"method\":\"mining.submit\",\"params\":{\"worker\":\"w\"}}",
            "{\"id\":1,\"method\":\"mining.submit\",\"params\":\"w\"}",
            "{\"id\":1,\"method\":\"mining.configure\",\"params\":[[\"version-rolling\"],{}]}",
            "{\"id\":1,\"method\":\"mining.suggest_difficulty\",\"params\":[0.5]}",
            // other members, repeated members, other method types
            "{\"id\":1,\"jsonrpc\":\"2.0\",\"method\":\"mining.submit\",\"params\":[]}",
            "{\"id\":1,\"id\":2,\"method\":\"mining.submit\",\"params\":[]}",
            "{\"id\":1,\"method\":\"a\",\"method\":\"b\"}",
            "{\"id\":1,\"method\":\"m\",\"params\":[],\"params\":[\"x\"]}",
            "{\"id\":1,\"method\":null}",
            "{\"id\":1,\"method\":5}",
            "{\"id\":1,\"result\":true,\"error\":null}",
            // malformed
            "", "   ", "x", "[]", "null", "\"s\"", "{", "{\"id\":1", "{\"id\":1,}", "{\"id\":1}{}", "{\"id\":1} x",
            "{\"id\":01,\"method\":\"m\"}", "{\"id\":-,\"method\":\"m\"}", "{\"id\":1 2}", "{\"id\" 1}", "{id:1}",
            "{\"id\":nul}", "{\"id\":nullx}", "{\"id\":1,\"method\":\"m\",\"params\":[\"a\",]}",
            "{\"id\":1,\"method\":\"m\",\"params\":[\"a\" \"b\"]}", "{\"id\":1,\"method\":\"m\",\"params\":[\"a\"}",
            "{\"id\":1,\"method\":\"m\",\"params\":[\"a", "{\"id\":1,\"method\":\"m\",\"params\":[",
            "{\"id\":\"unterminated}", "{\"id\":1\u000b}", "{'id':1}", "{\"id\":1}\u0000");

    @Test
    void commonShapesTakeTheFlatPathWithTheGeneralParsersResult() throws Exception {
        for (String line : FLAT) {
            byte[] b = line.getBytes(StandardCharsets.UTF_8);
            StratumRequest flat = FlatRequestParser.parse(b, 0, b.length);
            assertThat(flat).as(line).isNotNull();
            assertThat(flat).as(line).isEqualTo(parser.parse(line));
            assertThat(parser.parse(b, 0, b.length)).as(line).isEqualTo(parser.parse(line));
        }
    }

    @Test
    void flatResultsKeepIdsAsTheyMustBeEchoed() throws Exception {
        byte[] b = FLAT.get(2).getBytes(StandardCharsets.UTF_8);
        StratumRequest r = FlatRequestParser.parse(b, 0, b.length);
        assertThat(r.idJson()).isEqualTo("\"abc-1\"");
        assertThat(r.method()).isEqualTo("mining.submit");
        assertThat(r.params()).isEmpty();
        b = FLAT.get(1).getBytes(StandardCharsets.UTF_8);
        r = FlatRequestParser.parse(b, 0, b.length);
        assertThat(r.idJson()).isEqualTo("12");
        assertThat(r.params()).containsExactly("w", "1f", "0000002b", "662307b7", "7bec501e", "00a00000");
        b = FLAT.get(4).getBytes(StandardCharsets.UTF_8);
        r = FlatRequestParser.parse(b, 0, b.length);
        assertThat(r.idJson()).isEqualTo("-7");
        assertThat(r.params()).isNull();
        b = "{}".getBytes(StandardCharsets.UTF_8);
        r = FlatRequestParser.parse(b, 0, b.length);
        assertThat(r.idJson()).isEqualTo("null");
        assertThat(r.method()).isNull();
    }

    @Test
    void unusualLinesAreLeftToTheGeneralParserWithTheSameResultOrError() {
        for (String line : GENERAL) {
            byte[] b = line.getBytes(StandardCharsets.UTF_8);
            assertThat(FlatRequestParser.parse(b, 0, b.length)).as(line).isNull();
            assertSameOutcome(line, b);
        }
    }

    @Test
    void theFrameSliceIsRespected() throws Exception {
        String line = FLAT.get(0);
        byte[] inner = line.getBytes(StandardCharsets.UTF_8);
        byte[] framed = new byte[inner.length + 20];
        Arrays.fill(framed, (byte) '}');
        System.arraycopy(inner, 0, framed, 9, inner.length);
        assertThat(parser.parse(framed, 9, inner.length)).isEqualTo(parser.parse(line));
        // a cut line is malformed, not read past its end
        Throwable cut = catchThrowable(() -> parser.parse(framed, 9, inner.length - 1));
        assertThat(cut).isInstanceOf(StratumRequestParser.MalformedRequest.class);
    }

    @Test
    void invalidUtf8AndOversizedLinesGoThroughTheGeneralParser() {
        byte[] bad = {'{', '"', 'i', 'd', '"', ':', '"', (byte) 0xff, '"', ',', '"', 'm', 'e', 't', 'h', 'o', 'd',
                '"', ':', '"', 'm', '"', '}'};
        assertSameOutcome(new String(bad, StandardCharsets.UTF_8), bad);

        String big = "{\"id\":1,\"method\":\"mining.submit\",\"params\":[\"" + "a".repeat(StratumRequestParser.MAX_LINE)
                + "\"]}";
        byte[] b = big.getBytes(StandardCharsets.UTF_8);
        Throwable e = catchThrowable(() -> parser.parse(b, 0, b.length));
        assertThat(e).isInstanceOf(StratumRequestParser.MalformedRequest.class).hasMessageContaining("exceeds");
    }

    @Test
    void randomlyMutatedLinesGiveTheSameOutcomeOnBothPaths() {
        // Differential check of the hand-written reader on inputs nobody thought of: deletions, insertions of
        // JSON-significant characters, repeats and cuts of the lines above (seeded: a failure is repeatable).
        java.util.Random random = new java.util.Random(20261126L);
        String alphabet = "{}[]\",:\\ 0123456789-+.eEtrufalsn\t\r\u00e9\u0000x";
        List<String> seeds = new java.util.ArrayList<>(FLAT);
        seeds.addAll(GENERAL);
        int flatTaken = 0;
        for (int i = 0; i < 30_000; i++) {
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
            if (FlatRequestParser.parse(b, 0, b.length) != null) {
                flatTaken++;
            }
            assertSameOutcome(text, b);
        }
        assertThat(flatTaken).as("mutants the flat reader took itself").isGreaterThan(500);
    }

    /** The bytes entry point and the String entry point agree: equal requests, or errors with equal messages. */
    private void assertSameOutcome(String line, byte[] b) {
        Object viaString;
        Object viaBytes;
        try {
            viaString = parser.parse(line);
        } catch (StratumRequestParser.MalformedRequest e) {
            viaString = "error: " + e.getMessage();
        }
        try {
            viaBytes = parser.parse(b, 0, b.length);
        } catch (StratumRequestParser.MalformedRequest e) {
            viaBytes = "error: " + e.getMessage();
        }
        assertThat(viaBytes).as(line).isEqualTo(viaString);
    }
}
