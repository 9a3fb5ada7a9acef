package org.jckpool.stratifier.work;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
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

    /** Outcome of a new template. */
    public record Update(Job job, boolean newBlock) {
    }

    public JobBook(long seedMillis, long graceMillis) {
        this.nextId = seedMillis;
        this.graceMillis = graceMillis;
    }

    /** Makes a work base from a template and a job for it; a new previous block makes all older jobs stale. */
    public synchronized Update add(Template t, WorkConfig cfg, long nowMillis) {
        long id = nextId++;
        WorkBase base = new WorkBase(id, t, cfg, nowMillis);
        Job previous = current;
        boolean newBlock = previous == null
                || !Arrays.equals(previous.base().template().prevHash(), t.prevHash());
        Job job = new Job(id, Job.hex(id), base);
        jobs.put(id, job);
        bases.add(base);
        if (previous != null) {
            supersededAt.putIfAbsent(previous.base().id(), nowMillis);
        }
        if (newBlock) {
            blockChangeId = id;
        }
        current = job;
        return new Update(job, newBlock);
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
}
