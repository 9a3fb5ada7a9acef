package org.jckpool.generator.link;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.jckpool.generator.work.FetchedTemplate;
import org.jckpool.libpool.bitcoin.Hex;
import org.jckpool.libpool.bitcoin.Witness;
import org.jckpool.libpool.ipc.Frames;
import org.jckpool.libpool.json.Json;
import org.jckpool.libpool.log.Log;

/**
 * Builds the {@code template} frame: {@code {"method":"template","params":{"node","reason","template"}}}. A frame
 * must fit {@link Frames#MAX_FRAME}; a template too big for that loses transactions from its end (a transaction
 * only depends on earlier ones, so any prefix is valid), with {@code coinbasevalue} lowered by their fees and
 * {@code default_witness_commitment} recomputed for the transactions that remain.
 */
public final class TemplateMessage {
    private TemplateMessage() {
    }

    public static byte[] encode(FetchedTemplate t) {
        return encode(t, Frames.MAX_FRAME);
    }

    /** As {@link #encode(FetchedTemplate)} with a chosen cap (tests). */
    public static byte[] encode(FetchedTemplate t, int maxBytes) {
        byte[] frame = frame(t, t.body());
        if (frame.length <= maxBytes) {
            return frame;
        }
        JsonNode body = t.body();
        int total = body.path("transactions").size();
        // estimate how many to keep from the average size per transaction, then shrink until it fits
        int keep = (int) Math.max(0, (long) total * maxBytes / frame.length - 1);
        while (true) {
            ObjectNode trimmed = trim(body, keep);
            frame = frame(t, trimmed);
            if (frame.length <= maxBytes || keep == 0) {
                break;
            }
            keep = Math.max(0, keep - Math.max(1, keep / 20));
        }
        Log.warning("Template at height %d is too big for one frame: sent with %d of %d transactions (%d bytes)",
                t.height(), keep, total, frame.length);
        if (frame.length > maxBytes) {
            throw new IllegalStateException("template does not fit a frame even without transactions");
        }
        return frame;
    }

    private static byte[] frame(FetchedTemplate t, JsonNode body) {
        ObjectNode msg = Json.object();
        msg.put("method", "template");
        ObjectNode p = msg.putObject("params");
        p.put("node", t.node());
        p.put("reason", t.reason());
        p.set("template", body);
        return Json.write(msg).getBytes(StandardCharsets.UTF_8);
    }

    static ObjectNode trim(JsonNode body, int keep) {
        ObjectNode copy = body.deepCopy();
        ArrayNode txs = (ArrayNode) copy.get("transactions");
        long droppedFees = 0;
        while (txs.size() > keep) {
            droppedFees += txs.get(txs.size() - 1).path("fee").asLong(0);
            txs.remove(txs.size() - 1);
        }
        copy.put("coinbasevalue", copy.path("coinbasevalue").asLong() - droppedFees);
        if (copy.has("default_witness_commitment")) {
            List<byte[]> wtxids = new ArrayList<>();
            for (JsonNode tx : txs) {
                String h = tx.path("hash").asText(tx.path("txid").asText());
                wtxids.add(Hex.fromRpc(h));
            }
            byte[] script = Witness.commitmentScript(Witness.commitmentHash(wtxids));
            copy.put("default_witness_commitment", Hex.encode(script));
        }
        return copy;
    }
}
