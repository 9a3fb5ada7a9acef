package org.jckpool.generator.submit;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.jckpool.libpool.json.Json;

/**
 * What became of a submitted block: accepted by at least one node (reason null, or "duplicate"), rejected with
 * the node's reason, or lost (no node answered: {@code answered} false); {@code node} is the node that decided;
 * {@code confirmed} when that node's getblockhash(height) equals the block's hash afterwards.
 */
public record SubmitOutcome(boolean accepted, String reason, String node, boolean confirmed, boolean answered) {
    public SubmitOutcome(boolean accepted, String reason, String node, boolean confirmed) {
        this(accepted, reason, node, confirmed, true);
    }

    /** No node answered. */
    public static SubmitOutcome lost(String reason) {
        return new SubmitOutcome(false, reason, null, false, false);
    }

    /** "accepted", "rejected" or "lost". */
    public String outcome() {
        return accepted ? "accepted" : answered ? "rejected" : "lost";
    }

    /** The {@code result} object of {@code submitblock.result}. */
    public ObjectNode toJson() {
        ObjectNode o = Json.object();
        o.put("accepted", accepted);
        o.put("outcome", outcome());
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
