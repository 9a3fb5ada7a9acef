package org.jckpool.generator.node;

import com.fasterxml.jackson.databind.JsonNode;
import org.jckpool.libpool.bitcoin.Hex;

/** The fields of a getblocktemplate result the pool cannot work without, checked before anything uses them. */
public final class TemplateShape {
    private TemplateShape() {
    }

    /** Null when the template is usable, else what is wrong with it. */
    public static String problem(JsonNode t) {
        if (t == null || !t.isObject()) {
            return "not an object";
        }
        String prev = t.path("previousblockhash").asText(null);
        if (prev == null || prev.length() != 64 || !Hex.isHex(prev)) {
            return "missing or bad previousblockhash";
        }
        if (!t.path("height").isIntegralNumber() || t.path("height").asLong() < 0) {
            return "missing or bad height";
        }
        if (!t.path("coinbasevalue").isIntegralNumber()) {
            return "missing or bad coinbasevalue";
        }
        String bits = t.path("bits").asText(null);
        if (bits == null || bits.length() != 8 || !Hex.isHex(bits)) {
            return "missing or bad bits";
        }
        if (!t.path("version").isIntegralNumber() || !t.path("curtime").isIntegralNumber()) {
            return "missing version or curtime";
        }
        if (!t.path("transactions").isArray()) {
            return "missing transactions";
        }
        return null;
    }
}
