package org.jckpool.stratifier.admin;

import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.jckpool.libpool.ipc.CommandTable;
import org.jckpool.libpool.json.Json;
import org.jckpool.libpool.log.Log;
import org.jckpool.stratifier.engine.StratumEngine;

/**
 * The session table a handover carries from the old instance to the new one. Control commands:
 * {@code {"method":"sessions"}} → {@code {"sessions":{"<session id>":extranonce1,…}}} (connected and kept
 * sessions) and {@code {"method":"sessions.import","params":{"sessions":{…}}}} → {@code {"imported":N}}.
 *
 * <p>A stratifier started for a handover ({@value #AWAIT_PROPERTY}=true, set by the new listener) refuses the
 * connector stream until the table is imported, so that no miner subscribes before its session is known; after
 * {@value #AWAIT_LIMIT_MS} ms without one it serves anyway (logged).
 */
public final class HandoverSessions {
    static final String AWAIT_PROPERTY = "jckpool.awaitSessions";
    static final long AWAIT_LIMIT_MS = 30_000;

    private final StratumEngine engine;
    private final long startedMillis = System.currentTimeMillis();
    private final boolean startedForHandover = Boolean.getBoolean(AWAIT_PROPERTY);
    private volatile boolean awaiting = startedForHandover;

    public HandoverSessions(StratumEngine engine) {
        this.engine = engine;
        if (awaiting) {
            Log.notice("Stratifier started for a handover: miners wait until the old instance's sessions arrive");
        }
    }

    /** Started by a new instance taking a running one over (whose processes may still hold ports for a while). */
    public boolean startedForHandover() {
        return startedForHandover;
    }

    /** False while a handover's session table is awaited. */
    public boolean ready() {
        if (awaiting && System.currentTimeMillis() - startedMillis > AWAIT_LIMIT_MS) {
            awaiting = false;
            Log.warning("No session table from the old instance after %d s: serving miners without it",
                    AWAIT_LIMIT_MS / 1000);
        }
        return !awaiting;
    }

    public void register(CommandTable commands) {
        commands.json("sessions", p -> {
            ObjectNode o = Json.object();
            ObjectNode table = o.putObject("sessions");
            engine.exportSessions().forEach(table::put);
            return o;
        });
        commands.json("sessions.import", p -> {
            Map<String, Long> table = new HashMap<>();
            JsonNode given = p.path("sessions");
            for (Iterator<Map.Entry<String, JsonNode>> it = given.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                if (e.getValue().canConvertToLong()) {
                    table.put(e.getKey(), e.getValue().asLong());
                }
            }
            engine.importSessions(table);
            boolean wasAwaiting = awaiting;
            awaiting = false;
            Log.notice("Imported %d sessions from the old instance%s", table.size(),
                    wasAwaiting ? "; serving miners" : "");
            return Json.object().put("imported", table.size());
        });
    }
}
