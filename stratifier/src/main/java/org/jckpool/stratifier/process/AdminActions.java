package org.jckpool.stratifier.process;

import org.jckpool.stratifier.link.ConnectorLink;
import org.jckpool.stratifier.link.GeneratorLink;
import org.jckpool.stratifier.status.StatusStore;
import org.jckpool.stratifier.solutions.SolutionJournal;
import org.jckpool.stratifier.admin.AdminCommands;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.jckpool.libpool.json.Json;
import org.jckpool.libpool.log.Log;
import org.jckpool.stratifier.ckdb.CkdbLink;
import org.jckpool.stratifier.engine.StratumEngine;
import java.time.Duration;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/** What the admin commands (ckpmsg) ask of the stratifier process beyond the engine's view. */
final class AdminActions implements AdminCommands.Actions {
    private final StratumEngine engine;
    private final ConnectorLink connector;
    private final GeneratorLink generator;
    private final SolutionJournal journal;
    private final StatusStore status;
    private final CkdbLink ckdb;
    private final BooleanSupplier askForUpdate;
    private final Supplier<Duration> uptime;

    AdminActions(StratumEngine engine, ConnectorLink connector, GeneratorLink generator, SolutionJournal journal,
                 StatusStore status, CkdbLink ckdb, BooleanSupplier askForUpdate, Supplier<Duration> uptime) {
        this.engine = engine;
        this.connector = connector;
        this.generator = generator;
        this.journal = journal;
        this.status = status;
        this.ckdb = ckdb;
        this.askForUpdate = askForUpdate;
        this.uptime = uptime;
    }

    @Override
    public void update() {
        if (!askForUpdate.getAsBoolean()) {
            Log.warning("update: no generator stream");
        }
    }

    @Override
    public void reconnectAll(String host, int port) {
        Log.notice("Sending client.reconnect to all clients%s", host == null ? "" : " (" + host + ":" + port + ")");
        engine.reconnectAll(host, port, 0);
    }

    @Override
    public boolean dropClient(long id) {
        if (engine.session(id) == null) {
            return false;
        }
        Log.notice("Dropping client %d on request", id);
        connector.drop(id, "dropped by administrator");
        return true;
    }

    @Override
    public int dropAll() {
        int n = 0;
        for (var s : engine.sessions()) {
            connector.drop(s.clientId, "dropped by administrator (dropall)");
            n++;
        }
        Log.notice("Dropping all %d clients on request", n);
        return n;
    }

    @Override
    public void resetBestShares() {
        Log.warning("Resetting best shares");
        engine.stats().resetBestShares();
    }

    @Override
    public ObjectNode processStats() {
        ObjectNode o = Json.object();
        o.put("connector_connected", connector.connected());
        o.put("generator_connected", generator.connected());
        o.put("pending_blocks", generator.pendingBlocks());
        o.put("unacknowledged_blocks", generator.unacknowledgedBlocks());
        o.put("journal_unresolved", journal.unresolvedCount());
        o.put("dropped_lines", connector.droppedLines());
        o.put("status_file", status.poolFile().toString());
        if (ckdb != null) {
            o.set("ckdb", ckdb.status());
        }
        return o;
    }

    @Override
    public long uptimeSeconds() {
        return uptime.get().toSeconds();
    }
}
