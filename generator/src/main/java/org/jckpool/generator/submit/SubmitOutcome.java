package org.jckpool.generator.submit;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.jckpool.libpool.json.Json;

/**
 * What became of a submitted block: accepted by at least one node (reason null, or "duplicate"), or rejected with
 * the node's reason; {@code node} is the node that decided; {@code confirmed} when that node's
 * getblockhash(height) equals the block's hash afterwards.
 */
public record SubmitOutcome(boolean accepted, String reason, String node, boolean confirmed) {
    /** The {@code result} object of {@code submitblock.result}. */
    public ObjectNode toJson() {
        ObjectNode o = Json.object();
        o.put("accepted", accepted);
        if (reason == null) {
            o.putNull("reason");
        } else {
            o.put("reason", reason);
        }
        if (node == null) {
            o.putNull("node");
        } else {
            o.put("node", node);
        }
        o.put("confirmed", confirmed);
        return o;
    }
}
