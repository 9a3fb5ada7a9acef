package org.jckpool.simnode.rpc;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.NullNode;
import java.util.List;

/**
 * The params of one call, positional or named (JSON-RPC allows both, and Core maps names to positions).
 * Accessors raise Core's type errors (-3) and "missing parameter" errors (-1) with readable messages.
 */
public final class RpcParams {
    private final String method;
    private final JsonNode[] values;

    RpcParams(String method, JsonNode raw, List<String> names) {
        this.method = method;
        if (raw == null || raw.isNull() || raw.isMissingNode()) {
            values = new JsonNode[0];
        } else if (raw.isArray()) {
            if (raw.size() > names.size()) {
                throw new CoreRpcException(RpcCodes.MISC_ERROR,
                        method + ": too many parameters (" + raw.size() + ", at most " + names.size() + ")");
            }
            values = new JsonNode[raw.size()];
            for (int i = 0; i < raw.size(); i++) {
                values[i] = raw.get(i);
            }
        } else {
            values = new JsonNode[names.size()];
            var fields = raw.fieldNames();
            while (fields.hasNext()) {
                String name = fields.next();
                int index = names.indexOf(name);
                if (index < 0) {
                    throw new CoreRpcException(RpcCodes.INVALID_PARAMETER, "Unknown named parameter " + name);
                }
                values[index] = raw.get(name);
            }
        }
    }

    /** The value at {@code index}, or null when absent or JSON null. */
    public JsonNode get(int index) {
        if (index >= values.length || values[index] == null || values[index] instanceof NullNode) {
            return null;
        }
        return values[index];
    }

    public boolean has(int index) {
        return get(index) != null;
    }

    public JsonNode require(int index, String name) {
        JsonNode node = get(index);
        if (node == null) {
            throw new CoreRpcException(RpcCodes.MISC_ERROR, method + ": missing required parameter '" + name + "'");
        }
        return node;
    }

    public String string(int index, String name) {
        JsonNode node = require(index, name);
        if (!node.isTextual()) {
            throw typeError(node, "string");
        }
        return node.asText();
    }

    public long integer(int index, String name) {
        JsonNode node = require(index, name);
        if (!node.isNumber()) {
            throw typeError(node, "number");
        }
        if (!node.canConvertToLong() || node.isFloatingPointNumber() && node.asDouble() != Math.rint(node.asDouble())) {
            throw new CoreRpcException(RpcCodes.TYPE_ERROR, "JSON integer out of range or not an integer");
        }
        return node.asLong();
    }

    public long integer(int index, String name, long fallback) {
        return has(index) ? integer(index, name) : fallback;
    }

    public boolean bool(int index, String name, boolean fallback) {
        JsonNode node = get(index);
        if (node == null) {
            return fallback;
        }
        if (!node.isBoolean()) {
            throw typeError(node, "bool");
        }
        return node.asBoolean();
    }

    public JsonNode object(int index, String name) {
        JsonNode node = get(index);
        if (node != null && !node.isObject()) {
            throw typeError(node, "object");
        }
        return node;
    }

    static CoreRpcException typeError(JsonNode node, String expected) {
        return new CoreRpcException(RpcCodes.TYPE_ERROR,
                "JSON value of type " + typeName(node) + " is not of expected type " + expected);
    }

    static String typeName(JsonNode node) {
        if (node == null || node.isNull()) {
            return "null";
        }
        if (node.isBoolean()) {
            return "bool";
        }
        if (node.isNumber()) {
            return "number";
        }
        if (node.isTextual()) {
            return "string";
        }
        if (node.isArray()) {
            return "array";
        }
        return "object";
    }
}
