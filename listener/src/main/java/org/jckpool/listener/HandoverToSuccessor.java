package org.jckpool.listener;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import org.jckpool.libpool.ipc.ControlClient;
import org.jckpool.libpool.ipc.ControlServer;
import org.jckpool.libpool.json.Json;
import org.jckpool.libpool.log.Log;
import org.jckpool.suite.process.ChildRuntime;

/**
 * The old instance's side of -H ({@link Handover} is the new one's): {@link #release} frees the socket paths for the
 * new instance, {@link #finish} stops the connector and hands over the stratifier's session table. The
 * {@link Supervisor} answers {@link Handover#RELEASE} and {@link Handover#FINISH} with these, and stops afterwards.
 */
final class HandoverToSuccessor {
    private final Path sockdir;
    private final List<ManagedChild> children;

    HandoverToSuccessor(Path sockdir, List<ManagedChild> children) {
        this.sockdir = sockdir;
        this.children = children;
    }

    /**
     * Each child moves its socket to {@code <sockdir>/<process>.<pid>} (one that does not is stopped) and so does
     * the listener's {@code admin} socket; everything goes on serving. Returns the reply to the new instance.
     */
    String release(ControlServer admin) {
        for (ManagedChild c : children) {
            if (!c.alive()) {
                continue;
            }
            String r;
            try {
                r = ControlClient.request(c.controlSocket(sockdir), ChildRuntime.RELEASE_SOCKET,
                        Supervisor.CONTROL_TIMEOUT_MS).orElse("");
            } catch (IOException e) {
                r = e.getMessage();
            }
            if (r.startsWith("released ")) {
                c.movedSocket = Path.of(r.substring("released ".length()).strip());
            } else {
                Log.warning("Handover: %s did not release its socket (%s); stopping it", c.process, r);
                c.stopping = true;
                c.proc.destroy();
            }
        }
        Path moved = sockdir.resolve("listener." + ProcessHandle.current().pid());
        try {
            admin.movePath(moved);
        } catch (IOException e) {
            Log.err("Handover: cannot move %s: %s", admin.path(), e.getMessage());
            return "failed: " + e.getMessage();
        }
        Log.notice("Handing over to a new instance: sockets released, answering on %s", moved);
        return "released " + moved;
    }

    /**
     * Stops the connector (its miners reconnect into the backlog the new instance holds too) and returns the
     * stratifier's session table, the reply to the new instance.
     */
    String finish() {
        ManagedChild connector = ManagedChild.named(children, "connector");
        Path stratifier = ManagedChild.named(children, "stratifier").controlSocket(sockdir);
        connector.stopping = true;
        try {
            // Its miners are dropped once it has closed them, which the stratifier sees as its stream closing;
            // the JVM's own exit (maybe writing a class-data archive) need not be waited for.
            ControlClient.request(connector.controlSocket(sockdir), "shutdown", Supervisor.CONTROL_TIMEOUT_MS);
            long deadline = System.currentTimeMillis() + 5_000;
            while (connectorConnected(stratifier) && System.currentTimeMillis() < deadline) {
                Thread.sleep(10);
            }
        } catch (IOException e) {
            Log.warning("Handover: connector did not take the shutdown request (%s), stopping it", e.getMessage());
            ChildStopper.stop(connector, sockdir);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        String table = "{\"sessions\":{}}";
        try {
            table = ControlClient.request(stratifier, "{\"method\":\"sessions\"}", Supervisor.CONTROL_TIMEOUT_MS)
                    .orElse(table);
        } catch (IOException e) {
            Log.err("Handover: no session table from the stratifier: %s", e.getMessage());
        }
        Log.notice("Handover: connector stopped, session table handed over; stopping");
        return table;
    }

    private static boolean connectorConnected(Path stratifier) {
        try {
            JsonNode n = ControlClient.request(stratifier, "{\"method\":\"stats\"}", Supervisor.CONTROL_TIMEOUT_MS)
                    .map(Json::parseOrNull).orElse(null);
            return n != null && n.path("connector_connected").asBoolean();
        } catch (IOException e) {
            return false;
        }
    }
}
