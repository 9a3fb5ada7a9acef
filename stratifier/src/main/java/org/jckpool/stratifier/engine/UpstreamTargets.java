package org.jckpool.stratifier.engine;

import org.jckpool.stratifier.work.Job;
import org.jckpool.stratifier.work.JobBook;
import org.jckpool.stratifier.work.UpstreamTarget;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * Proxy mode: the share difficulty each upstream connection (generation) asks for, shared by the jobs built from
 * its work so that a {@code set_difficulty} upstream applies to them at once. A generation is kept while it is
 * the newest or some job book's current job (the pool's or a user's) is of it.
 */
final class UpstreamTargets {
    private final ConcurrentMap<Long, UpstreamTarget> byGeneration = new ConcurrentHashMap<>();
    private final JobBook jobs;
    private final Map<String, UserLane> lanes;

    UpstreamTargets(JobBook jobs, Map<String, UserLane> lanes) {
        this.jobs = jobs;
        this.lanes = lanes;
    }

    /** The target for new work of {@code generation}, now at {@code difficulty}; forgets generations no job needs. */
    UpstreamTarget forWork(long generation, double difficulty) {
        UpstreamTarget target = byGeneration.computeIfAbsent(generation, g -> new UpstreamTarget(difficulty));
        target.set(difficulty);
        byGeneration.keySet().removeIf(g -> g != generation && !jobsOfGenerationLive(g));
        return target;
    }

    /** The upstream connection {@code generation} changed its share difficulty (ignored unless above 0). */
    void difficulty(long generation, double diff) {
        UpstreamTarget t = byGeneration.get(generation);
        if (t != null && diff > 0) {
            t.set(diff);
        }
    }

    private boolean jobsOfGenerationLive(long generation) {
        if (isCurrentGeneration(jobs, generation)) {
            return true;
        }
        for (UserLane l : lanes.values()) {
            if (isCurrentGeneration(l.jobs(), generation)) {
                return true;
            }
        }
        return false;
    }

    private static boolean isCurrentGeneration(JobBook book, long generation) {
        Job cur = book.current();
        return cur != null && cur.base().upstream() != null && cur.base().upstream().generation() == generation;
    }
}
