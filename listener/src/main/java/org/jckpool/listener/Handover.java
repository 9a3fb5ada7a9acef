package org.jckpool.listener;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import com.fasterxml.jackson.databind.JsonNode;

import org.jckpool.libpool.ipc.ControlClient;
import org.jckpool.libpool.ipc.ControlServer;
import org.jckpool.libpool.ipc.ListeningSockets;
import org.jckpool.libpool.json.Json;
import org.jckpool.libpool.log.Log;
import org.jckpool.suite.process.PidFile;

/**
 * {@code ckpool -H}, the new instance's side. {@link #begin}: take the listening sockets of the running instance
 * of the same name ({@code getxfd} on its listener socket), then ask it to {@value #RELEASE} its socket paths
 * (it moves them aside and serves on). The new instance then starts its children on those sockets; its stratifier
 * waits for the session table. {@link #finish}: once that stratifier has work, the old instance stops its
 * connector (its miners reconnect into the shared backlog), answers {@value #FINISH} with its stratifier's
 * session table and exits; the table goes to the new stratifier, which then lets its connector admit the miners.
 */
final class Handover {
    static final String RELEASE = "handover.release";
    static final String FINISH = "handover.finish";
    private static final int REQUEST_MS = 5_000;
    private static final int FINISH_MS = 20_000;

    private final long oldPid;
    private final Path oldAdmin;
    private final ListeningSockets sockets;

    private Handover(long oldPid, Path oldAdmin, ListeningSockets sockets) {
        this.oldPid = oldPid;
        this.oldAdmin = oldAdmin;
        this.sockets = sockets;
    }

    /**
     * Takes the sockets of the instance running in {@code sockdir} and has it release its paths. Empty when no
     * instance runs there; throws when one runs but the handover failed (the caller then replaces it the -k way),
     * with {@code fetched} holding any sockets already taken, which are worth keeping.
     */
    static Optional<Handover> begin(Path sockdir, ListeningSockets[] fetched) throws IOException {
        Path admin = sockdir.resolve("listener");
        OptionalLong pid = PidFile.read(sockdir.resolve("main.pid"));
        if (pid.isEmpty() || PidFile.liveProcess(sockdir.resolve("main.pid")).isEmpty()
                || !ControlServer.isLive(admin)) {
            Log.notice("Handover: no running instance in %s, starting afresh", sockdir);
            return Optional.empty();
        }
        ListeningSockets sockets = ListeningSockets.fetch(admin, REQUEST_MS);
        fetched[0] = sockets;
        if (sockets.isEmpty()) {
            throw new IOException("the running instance (pid " + pid.getAsLong() + ") holds no listening sockets");
        }
        Log.notice("Handover: took the listening sockets %s of pid %d", sockets.urls(), pid.getAsLong());
        String reply = ControlClient.request(admin, RELEASE, REQUEST_MS).orElse("");
        if (!reply.startsWith("released ")) {
            throw new IOException("the running instance answered '" + reply + "' to " + RELEASE);
        }
        Path moved = Path.of(reply.substring("released ".length()).strip());
        Log.notice("Handover: pid %d released its sockets, answering on %s", pid.getAsLong(), moved);
        return Optional.of(new Handover(pid.getAsLong(), moved, sockets));
    }

    /**
     * {@link #finish} once our stratifier at {@code stratifier} has work (at most 60 s; nothing when
     * {@code stopping} turns true meanwhile).
     */
    void finishWhenReady(Path stratifier, BooleanSupplier stopping) {
        boolean ready = false;
        try {
            long deadline = System.currentTimeMillis() + 60_000;
            while (!stopping.getAsBoolean() && System.currentTimeMillis() < deadline && !(ready = hasWork(stratifier))) {
                Thread.sleep(50);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        }
        if (!ready) {
            Log.warning("Handover: our stratifier has no work after 60 s; taking the miners over anyway");
        }
        finish(stratifier);
    }

    private static boolean hasWork(Path stratifier) {
        try {
            JsonNode n = ControlClient.request(stratifier, "{\"method\":\"stats\"}", Supervisor.CONTROL_TIMEOUT_MS)
                    .map(Json::parseOrNull).orElse(null);
            // a pool has work; a passthrough relay (-P, -N) has its upstream
            return n != null && (n.path("height").asLong() > 0 || n.path("upstream").path("connected").asBoolean());
        } catch (IOException e) {
            return false;
        }
    }

    ListeningSockets sockets() {
        return sockets;
    }

    /**
     * Has the old instance stop its connector and hand over its session table, which goes to the new stratifier
     * at {@code stratifier} (opening it to the connector); then waits for the old instance to exit.
     */
    void finish(Path stratifier) {
        long t0 = System.nanoTime();
        String table = "{\"sessions\":{}}";
        try {
            table = ControlClient.request(oldAdmin, FINISH, FINISH_MS).orElse(table);
        } catch (IOException e) {
            Log.err("Handover: the old instance did not finish (%s); its miners start new sessions", e.getMessage());
        }
        long t1 = System.nanoTime();
        try {
            String r = ControlClient.request(stratifier, "{\"method\":\"sessions.import\",\"params\":" + table + "}",
                    REQUEST_MS).orElse("");
            Log.notice("Handover: old connector stopped in %d ms; session table to the stratifier: %s",
                    TimeUnit.NANOSECONDS.toMillis(t1 - t0), r);
        } catch (IOException e) {
            Log.err("Handover: the stratifier did not take the session table: %s", e.getMessage());
        }
        ProcessHandle.of(oldPid).ifPresent(h -> {
            try {
                h.onExit().get(15, TimeUnit.SECONDS);
                Log.notice("Handover: old instance pid %d has exited", oldPid);
            } catch (Exception e) {
                Log.warning("Handover: old instance pid %d still running after 15 s, killing it", oldPid);
                h.destroyForcibly();
            }
        });
    }
}
