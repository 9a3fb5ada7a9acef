package org.jckpool.stratifier.restart;

import com.fasterxml.jackson.databind.JsonNode;
import org.jckpool.libpool.log.Log;
import org.jckpool.stratifier.engine.StratumEngine;
import org.jckpool.stratifier.work.Job;
import org.jckpool.stratifier.work.JobBook;
import org.jckpool.stratifier.work.Template;
import org.jckpool.stratifier.work.TemplateException;
import org.jckpool.stratifier.work.WorkBase;

import java.io.IOException;
import java.nio.file.Path;
import java.time.InstantSource;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * Keeps the restart snapshot of the engine ({@link RestartStore}, {@code <logdir>/restart/}) and reads it back
 * at start: each new work base's template is written when it arrives; jobs and sessions are written by a thread
 * of their own every {@link #WRITE_EVERY_MILLIS} when something changed (and at least every
 * {@link #REFRESH_MILLIS}), and once more at shutdown. A snapshot older than {@link #MAX_AGE_MILLIS} is not
 * restored: its jobs are likely stale and no connector kept its clients that long.
 */
public final class RestartKeeper implements AutoCloseable {
    static final long WRITE_EVERY_MILLIS = 100;
    static final long REFRESH_MILLIS = 10_000;
    static final long MAX_AGE_MILLIS = 60_000;

    private final StratumEngine engine;
    private final RestartStore store;
    private final InstantSource clock;
    private final ScheduledExecutorService writer;
    private long writtenChanges = Long.MIN_VALUE;
    private long writtenMillis;
    private Set<Long> writtenBases = Set.of();
    private boolean failing;
    private final Map<String, Part> parts = new LinkedHashMap<>();

    /** State kept beside the engine's (see {@link #keep}). */
    private record Part(LongSupplier changes, Supplier<JsonNode> save,
                        Consumer<JsonNode> restore) {
    }

    public RestartKeeper(StratumEngine engine, Path logdir, InstantSource clock) {
        this.engine = engine;
        this.store = new RestartStore(logdir.resolve("restart"));
        this.clock = clock;
        this.writer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "stratifier-restart-snapshot");
            t.setDaemon(true);
            return t;
        });
    }

    /**
     * Keeps another part in the snapshot under {@code name}: {@code save} is written whenever {@code changes}
     * moved, and {@code restore} gets it back at start after the engine's jobs and sessions (not when the
     * snapshot has no usable work). Call before {@link #restore}.
     */
    public void keep(String name, LongSupplier changes, Supplier<JsonNode> save,
                     Consumer<JsonNode> restore) {
        parts.put(name, new Part(changes, save, restore));
    }

    /**
     * Call at start before the connector stream can open: puts back the jobs and sessions of the previous run.
     * True when its work was restored, so miners can be served before the first template arrives.
     */
    public boolean restore() {
        long now = clock.millis();
        try {
            Optional<RestartStore.Loaded> loaded = store.read(now, MAX_AGE_MILLIS);
            if (loaded.isEmpty()) {
                Log.info("No recent restart snapshot in %s: starting afresh", store.dir());
                return false;
            }
            RestartSnapshot snap = loaded.get().snapshot();
            Map<Long, Template> templates = new HashMap<>();
            for (Map.Entry<Long, JsonNode> e : loaded.get().templates().entrySet()) {
                try {
                    templates.put(e.getKey(), Template.parse(e.getValue()));
                } catch (TemplateException ex) {
                    Log.warning("Restart snapshot: template of work base %d unusable: %s", e.getKey(), ex.getMessage());
                }
            }
            Job current = engine.restore(snap.jobs(), templates, snap.sessions());
            if (current == null) {
                Log.warning("Restart snapshot in %s has no usable work: starting afresh", store.dir());
                return false;
            }
            parts.forEach((name, part) -> {
                JsonNode saved = snap.parts().get(name);
                if (saved != null) {
                    part.restore().accept(saved);
                }
            });
            Log.notice("Restored from the restart snapshot (written %d ms ago): %d work bases, %d jobs, current job "
                            + "%s, %d sessions waiting for their clients", now - snap.writtenMillis(), templates.size(),
                    snap.jobs().jobs().size(), current.idHex(), snap.sessions().size());
            return true;
        } catch (IOException | RuntimeException e) {
            Log.err("Restart snapshot in %s could not be read, starting afresh: %s", store.dir(), e);
            return false;
        }
    }

    /** Starts keeping the snapshot; call before the first template can arrive. */
    public void start() {
        engine.templateObserver(this::templateAdded);
        writer.scheduleWithFixedDelay(this::writeIfChanged, WRITE_EVERY_MILLIS, WRITE_EVERY_MILLIS,
                TimeUnit.MILLISECONDS);
    }

    /**
     * Called before the new job is sent to anyone: its template and a snapshot naming it are written first, so shares
     * on it that a killed stratifier leaves to the next one are judged, not refused as an unknown job.
     */
    private void templateAdded(WorkBase base, JsonNode template) {
        try {
            store.writeTemplate(base.id(), template);
        } catch (IOException e) {
            Log.err("Restart snapshot: template of work base %d not written: %s", base.id(), e);
        }
        writeIfChanged();
    }

    /** Writes jobs and sessions when they changed since the last write; public for the tests. */
    public synchronized void writeIfChanged() {
        long now = clock.millis();
        long changes = engine.stateChanges(); // read first: a change during the export makes another write
        for (Part p : parts.values()) {
            changes += p.changes().getAsLong(); // each only grows: the sum moves when any does
        }
        if (changes == writtenChanges && now - writtenMillis < REFRESH_MILLIS) {
            return;
        }
        try {
            JobBook.State jobs = engine.jobState();
            Map<String, JsonNode> saved = new HashMap<>();
            parts.forEach((name, part) -> saved.put(name, part.save().get()));
            store.writeSnapshot(new RestartSnapshot(now, jobs, engine.sessionRecords(), saved));
            Set<Long> bases = new HashSet<>();
            jobs.bases().forEach(b -> bases.add(b.id()));
            if (!bases.equals(writtenBases)) {
                store.pruneTemplates(bases); // after the state that no longer names them
                writtenBases = bases;
            }
            writtenChanges = changes;
            writtenMillis = now;
            if (failing) {
                failing = false;
                Log.notice("Restart snapshot written again");
            }
        } catch (IOException | RuntimeException e) {
            if (!failing) {
                failing = true;
                Log.err("Restart snapshot not written (a restart now would drop the miners): %s", e);
            }
        }
    }

    /** Stops the writer after one last write. */
    @Override
    public void close() {
        writer.shutdownNow();
        try {
            writer.awaitTermination(1, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        writeIfChanged();
    }
}
