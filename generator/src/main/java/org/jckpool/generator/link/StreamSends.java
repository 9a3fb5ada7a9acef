package org.jckpool.generator.link;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.jckpool.libpool.ipc.FrameStream;
import org.jckpool.libpool.ipc.Frames;
import org.jckpool.libpool.json.Json;
import org.jckpool.libpool.log.Log;

import java.util.concurrent.TimeUnit;

/** Frames the generator sends to a stratifier stream, in pool and proxy mode alike. */
public final class StreamSends {
    /** How long a send waits for queue room before the frame is dropped (logged). */
    public static final long SEND_TIMEOUT_MS = 2_000;

    private StreamSends() {
    }

    public static void send(FrameStream s, byte[] frame) {
        if (!s.send(frame, SEND_TIMEOUT_MS, TimeUnit.MILLISECONDS) && s.isOpen()) {
            Log.warning("Stream to %s: frame dropped (queue full)", s.peer());
        }
    }

    /** Answers a message whose method means nothing here with {"method":"error","id",…,"error":why}. */
    public static void unknownMethod(FrameStream s, JsonNode msg, String why) {
        Log.warning("Stream from %s: %s", s.peer(), why);
        ObjectNode err = Json.object();
        err.put("method", "error");
        err.set("id", msg.get("id"));
        err.put("error", why);
        send(s, Frames.utf8(Json.write(err)));
    }
}
