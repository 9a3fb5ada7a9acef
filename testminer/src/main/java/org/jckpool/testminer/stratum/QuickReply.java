package org.jckpool.testminer.stratum;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * The common reply to a request, {@code {"id":N,"result":true|false,"error":null|[code,"msg",...],
 * "reject-reason":"..."}} in any member order, read without a tree: the load mode reads tens of thousands of these
 * a second. Anything else (a method, another id or result type, other members) gives null, and the caller takes
 * the general {@link StratumMessage} path; the outcome is the one {@link SubmitOutcome#of} gives for the same line.
 *
 * <p>The line's bytes are scanned directly ({@link ReplyScanner}); what that scan does not cover (escapes in a
 * string, an error's nested third member) goes to Jackson's streaming parser, which decides.
 */
public record QuickReply(long id, SubmitOutcome outcome) {
    private static final JsonFactory JSON = StratumMessage.MAPPER.getFactory();

    public static QuickReply parse(String line) {
        byte[] utf8 = line.getBytes(StandardCharsets.UTF_8);
        return parse(utf8, 0, utf8.length);
    }

    /** The reply in {@code length} UTF-8 bytes of {@code line} from {@code offset} (no line terminator). */
    public static QuickReply parse(byte[] line, int offset, int length) {
        ReplyScanner scan = new ReplyScanner(line, offset, length);
        if (scan.scan()) {
            return scan.reply();
        }
        if (!scan.needsFullParser()) {
            return null;
        }
        try (JsonParser p = JSON.createParser(line, offset, length)) {
            return read(p);
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    private static QuickReply read(JsonParser p) throws IOException {
        if (p.nextToken() != JsonToken.START_OBJECT) {
            return null;
        }
        Long id = null;
        Boolean result = null;
        boolean errorSeen = false;
        Integer code = null;
        String message = null;
        String rejectReason = null;
        JsonToken t;
        while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            JsonToken v = p.nextToken();
            switch (name) {
                case "id" -> {
                    if (v != JsonToken.VALUE_NUMBER_INT || p.getNumberType() != JsonParser.NumberType.INT
                            && p.getNumberType() != JsonParser.NumberType.LONG) {
                        return null;
                    }
                    id = p.getLongValue();
                }
                case "result" -> {
                    if (v != JsonToken.VALUE_TRUE && v != JsonToken.VALUE_FALSE) {
                        return null;
                    }
                    result = v == JsonToken.VALUE_TRUE;
                }
                case "error" -> {
                    errorSeen = true;
                    if (v == JsonToken.VALUE_NULL) {
                        break;
                    }
                    if (v != JsonToken.START_ARRAY || p.nextToken() != JsonToken.VALUE_NUMBER_INT
                            || p.getNumberType() != JsonParser.NumberType.INT) {
                        return null;
                    }
                    code = p.getIntValue();
                    if (p.nextToken() != JsonToken.VALUE_STRING) {
                        return null;
                    }
                    message = p.getText();
                    JsonToken rest;
                    while ((rest = p.nextToken()) != JsonToken.END_ARRAY) {
                        if (rest == null) {
                            return null;
                        }
                        p.skipChildren(); // a nested third member ("traceback")
                    }
                }
                case "reject-reason" -> {
                    if (v == JsonToken.VALUE_STRING) {
                        rejectReason = p.getText();
                    } else if (v != JsonToken.VALUE_NULL) {
                        return null;
                    }
                }
                default -> {
                    return null;
                }
            }
        }
        if (t != JsonToken.END_OBJECT || p.nextToken() != null || id == null || result == null || !errorSeen) {
            return null;
        }
        if (result) {
            // accepted with an error is rare enough for the general path
            return message == null ? new QuickReply(id, new SubmitOutcome(true, null, null)) : null;
        }
        return new QuickReply(id, SubmitOutcome.rejected(code, message, rejectReason));
    }
}
