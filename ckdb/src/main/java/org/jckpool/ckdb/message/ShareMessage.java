package org.jckpool.ckdb.message;

import com.fasterxml.jackson.core.JsonToken;

/**
 * The fields of one {@code shares} message as read by {@link BatchReader}, kept as raw scalars (token kind and
 * text) without a JSON tree. The accessors check them by the same rules and with the same error texts as
 * {@link Fields} applies to a tree, so a share is accepted or refused the same way on either path.
 */
public final class ShareMessage {
    String source;
    JsonToken seqKind;
    String seq;
    JsonToken userKind;
    String username;
    JsonToken workerKind;
    String workername;
    JsonToken workinfoKind;
    String workinfoid;
    JsonToken diffKind;
    String diff;
    JsonToken sdiffKind;
    String sdiff;
    JsonToken createdKind;
    String createdate;

    /** {@code params.source} as text ("" when absent or not a scalar), compared with the batch's source. */
    public String sourceText() {
        return source == null ? "" : source;
    }

    public long seq() throws BadRequestException {
        return integer("seq", seqKind, seq);
    }

    public String username() throws BadRequestException {
        return name("username", userKind, username);
    }

    public String workername(String dflt) throws BadRequestException {
        if (absent(workerKind) || (workerKind == JsonToken.VALUE_STRING && workername.isEmpty())) {
            return dflt;
        }
        return name("workername", workerKind, workername);
    }

    public long workinfoId() throws BadRequestException {
        return absent(workinfoKind) ? 0 : integer("workinfoid", workinfoKind, workinfoid);
    }

    public double diff() throws BadRequestException {
        return number("diff", diffKind, diff);
    }

    public double sdiff(double dflt) throws BadRequestException {
        return absent(sdiffKind) ? dflt : number("sdiff", sdiffKind, sdiff);
    }

    /** Epoch milliseconds from {@code createdate} ("sec,nsec" or seconds), or {@code now} when absent. */
    public long createdMillis(long now) throws BadRequestException {
        if (absent(createdKind)) {
            return now;
        }
        return Fields.createdMillis(createdate == null ? "" : createdate);
    }

    private static boolean absent(JsonToken kind) {
        return kind == null || kind == JsonToken.VALUE_NULL;
    }

    private static boolean isNumber(JsonToken kind) {
        return kind == JsonToken.VALUE_NUMBER_INT || kind == JsonToken.VALUE_NUMBER_FLOAT;
    }

    private static String name(String field, JsonToken kind, String text) throws BadRequestException {
        if (absent(kind)) {
            throw new BadRequestException("missing field '" + field + "'");
        }
        if (kind != JsonToken.VALUE_STRING && !isNumber(kind)) {
            throw new BadRequestException("field '" + field + "' must be a string");
        }
        return Fields.checkName(field, text);
    }

    private static long integer(String field, JsonToken kind, String text) throws BadRequestException {
        if (absent(kind)) {
            throw new BadRequestException("missing field '" + field + "'");
        }
        if (kind == JsonToken.VALUE_NUMBER_INT || kind == JsonToken.VALUE_STRING) {
            try {
                long v = Long.parseLong(text);
                if (v >= 0) {
                    return v;
                }
                if (kind == JsonToken.VALUE_NUMBER_INT) {
                    throw new BadRequestException("field '" + field + "' is negative");
                }
            } catch (NumberFormatException e) {
                // falls through to the error below
            }
        }
        throw new BadRequestException("field '" + field + "' is not a whole number in range");
    }

    private static double number(String field, JsonToken kind, String text) throws BadRequestException {
        if (absent(kind)) {
            throw new BadRequestException("missing field '" + field + "'");
        }
        if (!isNumber(kind) && kind != JsonToken.VALUE_STRING) {
            throw new BadRequestException("field '" + field + "' is not a number");
        }
        double v;
        try {
            v = Double.parseDouble(text);
        } catch (NumberFormatException e) {
            throw new BadRequestException("field '" + field + "' is not a number");
        }
        return Fields.checkRange(field, v);
    }
}
