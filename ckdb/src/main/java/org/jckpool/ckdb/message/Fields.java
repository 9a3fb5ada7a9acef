package org.jckpool.ckdb.message;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** Typed, checked access to request fields; every failure names the field. */
public final class Fields {
    /** Largest difficulty or amount accepted anywhere; well above any real Bitcoin value. */
    public static final double MAX_DIFF = 1e24;
    private static final int MAX_NAME = 128;

    private Fields() {
    }

    public static String name(ObjectNode p, String field) throws BadRequestException {
        return checkName(field, text(p, field, MAX_NAME));
    }

    /** The name rules (length, no control characters, not empty) applied to a value already read as text. */
    static String checkName(String field, String s) throws BadRequestException {
        if (s.length() > MAX_NAME) {
            throw new BadRequestException("field '" + field + "' longer than " + MAX_NAME);
        }
        for (int i = 0; i < s.length(); i++) {
            if (Character.isISOControl(s.charAt(i))) {
                throw new BadRequestException("field '" + field + "' has a control character");
            }
        }
        if (s.isEmpty()) {
            throw new BadRequestException("field '" + field + "' is empty");
        }
        return s;
    }

    public static String optName(ObjectNode p, String field, String dflt) throws BadRequestException {
        JsonNode n = p.get(field);
        return n == null || n.isNull() || (n.isTextual() && n.asText().isEmpty()) ? dflt : name(p, field);
    }

    public static String text(ObjectNode p, String field, int maxLen) throws BadRequestException {
        JsonNode n = p.get(field);
        if (n == null || n.isNull()) {
            throw new BadRequestException("missing field '" + field + "'");
        }
        if (!n.isTextual() && !n.isNumber()) {
            throw new BadRequestException("field '" + field + "' must be a string");
        }
        String s = n.asText();
        if (s.length() > maxLen) {
            throw new BadRequestException("field '" + field + "' longer than " + maxLen);
        }
        return s;
    }

    public static String optText(ObjectNode p, String field, int maxLen) throws BadRequestException {
        JsonNode n = p.get(field);
        return n == null || n.isNull() ? null : text(p, field, maxLen);
    }

    /** A non-negative finite number no larger than {@link #MAX_DIFF}; numeric strings are accepted (ckpool sends them). */
    public static double number(ObjectNode p, String field) throws BadRequestException {
        JsonNode n = p.get(field);
        if (n == null || n.isNull()) {
            throw new BadRequestException("missing field '" + field + "'");
        }
        double v;
        if (n.isNumber()) {
            v = n.asDouble();
        } else if (n.isTextual()) {
            try {
                v = Double.parseDouble(n.asText());
            } catch (NumberFormatException e) {
                throw new BadRequestException("field '" + field + "' is not a number");
            }
        } else {
            throw new BadRequestException("field '" + field + "' is not a number");
        }
        return checkRange(field, v);
    }

    static double checkRange(String field, double v) throws BadRequestException {
        if (!Double.isFinite(v) || v < 0 || v > MAX_DIFF) {
            throw new BadRequestException("field '" + field + "' out of range");
        }
        return v;
    }

    public static double optNumber(ObjectNode p, String field, double dflt) throws BadRequestException {
        JsonNode n = p.get(field);
        return n == null || n.isNull() ? dflt : number(p, field);
    }

    /** A whole number in [0, 2^63). */
    public static long integer(ObjectNode p, String field) throws BadRequestException {
        JsonNode n = p.get(field);
        if (n == null || n.isNull()) {
            throw new BadRequestException("missing field '" + field + "'");
        }
        if (n.isIntegralNumber() && n.canConvertToLong()) {
            long v = n.asLong();
            if (v < 0) {
                throw new BadRequestException("field '" + field + "' is negative");
            }
            return v;
        }
        if (n.isTextual()) {
            try {
                long v = Long.parseLong(n.asText());
                if (v >= 0) {
                    return v;
                }
            } catch (NumberFormatException e) {
                // falls through to the error below
            }
        }
        throw new BadRequestException("field '" + field + "' is not a whole number in range");
    }

    public static long optInteger(ObjectNode p, String field, long dflt) throws BadRequestException {
        JsonNode n = p.get(field);
        return n == null || n.isNull() ? dflt : integer(p, field);
    }

    /** Epoch milliseconds from ckpool's "createdate" ("sec,nsec" or seconds) or now. */
    public static long createdMillis(ObjectNode p, long now) throws BadRequestException {
        JsonNode n = p.get("createdate");
        if (n == null || n.isNull()) {
            return now;
        }
        return createdMillis(n.asText());
    }

    static long createdMillis(String s) throws BadRequestException {
        try {
            int comma = s.indexOf(',');
            if (comma > 0) {
                long sec = Long.parseLong(s.substring(0, comma));
                long nsec = Long.parseLong(s.substring(comma + 1));
                if (sec < 0 || sec > 1e11 || nsec < 0 || nsec >= 1_000_000_000L) {
                    throw new BadRequestException("field 'createdate' out of range");
                }
                return sec * 1000L + nsec / 1_000_000;
            }
            double sec = Double.parseDouble(s);
            if (!Double.isFinite(sec) || sec < 0 || sec > 1e11) {
                throw new BadRequestException("field 'createdate' out of range");
            }
            return (long) (sec * 1000);
        } catch (NumberFormatException | ArithmeticException e) {
            throw new BadRequestException("field 'createdate' is not sec,nsec");
        }
    }
}
