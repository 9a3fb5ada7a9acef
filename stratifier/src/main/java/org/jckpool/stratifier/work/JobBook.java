package org.jckpool.stratifier.work;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * Every live job and work base. Ids are seeded from the clock (milliseconds), so ids stay unique across
 * restarts as long as fewer than a thousand jobs a second are made. A template on a new previous block
 * marks every older job stale (a share for one still gets hashed, so a block on it is still submitted);
 * bases that are no longer current are forgotten after the grace period.
 *
 * <p>Writers (templates, aliases, retirement) synchronise on the book; readers use the concurrent map and the
 * volatile current job without locking.
 */
public final class JobBook {
    private final ConcurrentMap<Long, Job> jobs = new ConcurrentHashMap<>();
    private final long graceMillis;
    private long nextId;
    private volatile Job current;
    private volatile long blockChangeId;
    private final List<WorkBase> bases = new ArrayList<>();
    private final ConcurrentMap<Long, Long> supersededAt = new ConcurrentHashMap<>();

    /** A work base as persisted for a restart: its template is kept apart (it is large and never changes). */
    public record BaseState(long id, long createdMillis, long supersededAtMillis) {
    }

    /** Everything but the templates needed to judge shares on the live jobs after a restart. */
    public record State(long nextId, long currentId, long blockChangeId, List<BaseState> bases, Map<Long, Long> jobs) {
    }

    /** Outcome of a new template. */
    public record Update(Job job, boolean newBlock) {
    }

    public JobBook(long seedMillis, long graceMillis) {
        this.nextId = seedMillis;
        this.graceMillis = graceMillis;
    }

    /** Takes the next work base id for a work base made elsewhere (a trusted remote's), so ids never collide. */
    public synchronized long reserveId() {
        return nextId++;
    }

    /** Makes a work base from a template and a job for it; a new previous block makes all older jobs stale. */
    public synchronized Update add(Template t, WorkConfig cfg, long nowMillis) {
        long id = nextId++;
        WorkBase base = new WorkBase(id, t, cfg, nowMillis);
        Job previous = current;
        boolean newBlock = previous == null
                || !Arrays.equals(previous.base().template().prevHash(), t.prevHash());
        return install(base, newBlock, nowMillis);
    }

    /** Makes {@code base} the current work under a new job; a new block makes every older job stale. */
    private Update install(WorkBase base, boolean newBlock, long nowMillis) {
        return install(base, newBlock, newBlock, nowMillis);
    }

    /** {@code clean}: miners must drop older jobs; {@code marksStale}: shares on older jobs are stale from now. */
    private Update install(WorkBase base, boolean clean, boolean marksStale, long nowMillis) {
        long id = base.id();
        Job previous = current;
        Job job = new Job(id, Job.hex(id), base);
        jobs.put(id, job);
        bases.add(base);
        if (previous != null) {
            supersededAt.putIfAbsent(previous.base().id(), nowMillis);
        }
        if (marksStale) {
            blockChangeId = id;
        }
        current = job;
        return new Update(job, clean);
    }

    /**
     * Proxy mode: a work base from an upstream notify. A new block for the miners (every older job stale) when the
     * upstream said clean_jobs, the upstream connection changed, or the previous block changed. A scheduling
     * proxy's switch is clean for the miners but marks nothing stale: the older jobs' shares still count.
     */
    public synchronized Update addUpstream(UpstreamWork w, CoinbaseParts coinbase, UpstreamJob up, WorkConfig cfg,
                                           long nowMillis) {
        long id = nextId++;
        Template t = w.asTemplate();
        WorkBase base = WorkBase.upstream(id, t, cfg, nowMillis, w.branch(), coinbase, up);
        Job previous = current;
        boolean newBlock = previous == null || w.clean() || previous.base().upstream() == null
                || previous.base().upstream().generation() != up.generation()
                || !Arrays.equals(previous.base().template().prevHash(), t.prevHash());
        if (w.switched()) {
            return install(base, true, false, nowMillis);
        }
        return install(base, newBlock, nowMillis);
    }

    /** A new job id for the current work (sent after a difficulty change). */
    public synchronized Job aliasCurrent() {
        Job cur = current;
        if (cur == null) {
            return null;
        }
        long id = nextId++;
        Job job = new Job(id, Job.hex(id), cur.base());
        jobs.put(id, job);
        return job;
    }

    public Job current() {
        return current;
    }

    /** The job for a miner's job id text, or null when unknown or retired. */
    public Job find(String idHex) {
        if (idHex == null || idHex.isEmpty() || idHex.length() > 16) {
            return null;
        }
        long id;
        try {
            id = Long.parseUnsignedLong(idHex, 16);
        } catch (NumberFormatException e) {
            return null;
        }
        return jobs.get(id);
    }

    /** True when the job was made before the current previous block. */
    public boolean isStale(Job job) {
        return job.id() < blockChangeId;
    }

    /** Forgets bases superseded more than the grace period ago; returns how many jobs were dropped. */
    public synchronized int retire(long nowMillis) {
        Job cur = current;
        List<Long> dropBases = new ArrayList<>();
        for (WorkBase b : bases) {
            Long at = supersededAt.get(b.id());
            if (cur != null && b != cur.base() && at != null && nowMillis - at >= graceMillis) {
                dropBases.add(b.id());
            }
        }
        if (dropBases.isEmpty()) {
            return 0;
        }
        bases.removeIf(b -> dropBases.contains(b.id()));
        dropBases.forEach(supersededAt::remove);
        int before = jobs.size();
        jobs.values().removeIf(j -> dropBases.contains(j.base().id()));
        return before - jobs.size();
    }

    public int size() {
        return jobs.size();
    }

    /** True while job {@code id} is live. */
    public boolean has(long id) {
        return jobs.containsKey(id);
    }

    /** The live jobs and work bases, for the restart snapshot. */
    public synchronized State state() {
        List<BaseState> bs = new ArrayList<>(bases.size());
        for (WorkBase b : bases) {
            Long at = supersededAt.get(b.id());
            bs.add(new BaseState(b.id(), b.createdMillis(), at == null ? 0 : at));
        }
        Map<Long, Long> js = new HashMap<>();
        jobs.forEach((id, j) -> js.put(id, j.base().id()));
        Job cur = current;
        return new State(nextId, cur == null ? -1 : cur.id(), blockChangeId, bs, js);
    }

    /**
     * Rebuilds the jobs of an earlier run (restart) with their ids, so that shares on them are judged as before;
     * bases whose template is missing are skipped with their jobs. Only into an empty book. Returns the current
     * job, or null when it could not be rebuilt (nothing is restored then).
     */
    public synchronized Job restore(State st, Map<Long, Template> templates, WorkConfig cfg) {
        if (current != null) {
            throw new IllegalStateException("restore into a book that has work");
        }
        Map<Long, WorkBase> byId = new HashMap<>();
        for (BaseState b : st.bases()) {
            Template t = templates.get(b.id());
            if (t != null) {
                byId.put(b.id(), new WorkBase(b.id(), t, cfg, b.createdMillis()));
            }
        }
        if (byId.isEmpty()) {
            return null;
        }
        for (BaseState b : st.bases()) {
            WorkBase wb = byId.get(b.id());
            if (wb != null) {
                bases.add(wb);
                if (b.supersededAtMillis() > 0) {
                    supersededAt.put(b.id(), b.supersededAtMillis());
                }
            }
        }
        st.jobs().forEach((id, baseId) -> {
            WorkBase wb = byId.get(baseId);
            if (wb != null) {
                jobs.put(id, new Job(id, Job.hex(id), wb));
            }
        });
        // The current job's template may not have reached the disk before the crash: the newest job then.
        Job cur = jobs.get(st.currentId());
        for (Job j : jobs.values()) {
            if (cur == null || (!jobs.containsKey(st.currentId()) && j.id() > cur.id())) {
                cur = j;
            }
        }
        if (cur == null) {
            bases.clear();
            supersededAt.clear();
            return null;
        }
        supersededAt.remove(cur.base().id());
        blockChangeId = st.blockChangeId();
        nextId = Math.max(nextId, st.nextId());
        current = cur;
        return cur;
    }
}
