package org.jckpool.generator.proxy;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jckpool.libpool.json.Json;

/**
 * The scheduling proxy's figures per miner (the worker name its shares carry) and per upstream: accepted
 * difficulty-weighted work (since start, over 10 min and 1 h), and accepted / rejected / stale answers. Bounded:
 * at most {@link #MAX_MINERS} miners are kept, the one with the oldest answer is dropped for a new one (counted in
 * {@code miners_dropped}); windows use one-minute buckets (about 1 KB per miner and upstream).
 *
 * <p>Pure bookkeeping on a caller's clock (milliseconds); thread-safe.
 */
final class MinerLedger {
    static final int MAX_MINERS = 2048;
    private static final long TEN_MINUTES = 600_000;
    private static final long BUCKET_MILLIS = 60_000;

    private final List<String> names;
    private final int capacity;
    private long dropped;
    private final Map<String, Miner> miners;

    private final class Miner {
        final double[] work = new double[names.size()];
        final long[] accepted = new long[names.size()];
        final long[] rejected = new long[names.size()];
        final long[] stale = new long[names.size()];
        final WorkWindow[] windows = new WorkWindow[names.size()];

        WorkWindow window(int i) {
            if (windows[i] == null) {
                windows[i] = new WorkWindow(BUCKET_MILLIS);
            }
            return windows[i];
        }

        double sum(long span, long now) {
            double s = 0;
            for (WorkWindow w : windows) {
                s += w == null ? 0 : w.sum(span, now);
            }
            return s;
        }

        double total() {
            double s = 0;
            for (double d : work) {
                s += d;
            }
            return s;
        }
    }

    MinerLedger(List<String> upstreamNames) {
        this(upstreamNames, MAX_MINERS);
    }

    MinerLedger(List<String> upstreamNames, int capacity) {
        this.names = List.copyOf(upstreamNames);
        this.capacity = capacity;
        this.miners = new LinkedHashMap<>(64, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Miner> eldest) {
                if (size() > MinerLedger.this.capacity) {
                    dropped++;
                    return true;
                }
                return false;
            }
        };
    }

    private Miner miner(String worker, int upstream) {
        if (worker == null || upstream < 0 || upstream >= names.size()) {
            return null;
        }
        return miners.computeIfAbsent(worker, w -> new Miner());
    }

    /** Upstream {@code upstream} accepted a share of {@code worker}'s worth {@code work} (its difficulty there). */
    synchronized void accepted(String worker, int upstream, double work, long nowMillis) {
        Miner m = miner(worker, upstream);
        if (m == null) {
            return;
        }
        m.accepted[upstream]++;
        if (work > 0 && Double.isFinite(work)) {
            m.work[upstream] += work;
            m.window(upstream).add(work, nowMillis);
        }
    }

    /** Upstream {@code upstream} rejected a share of {@code worker}'s; {@code stale}: it said the job was stale. */
    synchronized void rejected(String worker, int upstream, boolean stale) {
        Miner m = miner(worker, upstream);
        if (m == null) {
            return;
        }
        m.rejected[upstream]++;
        if (stale) {
            m.stale[upstream]++;
        }
    }

    /**
     * {"miners_tracked","miners_dropped","miners":[…]}: the {@code limit} miners with the most work accepted in the
     * last hour (then since start, then by name), each with its figures per upstream.
     */
    synchronized ObjectNode status(int limit, long nowMillis) {
        record Row(String worker, Miner m, double hour, double total) {
        }
        List<Row> rows = new ArrayList<>(miners.size());
        for (Map.Entry<String, Miner> e : miners.entrySet()) {
            Miner m = e.getValue();
            rows.add(new Row(e.getKey(), m, m.sum(WorkWindow.HOUR_MILLIS, nowMillis), m.total()));
        }
        rows.sort(Comparator.comparingDouble(Row::hour).reversed().thenComparing(Comparator.comparingDouble(Row::total)
                .reversed()).thenComparing(Row::worker));
        ObjectNode o = Json.object();
        o.put("miners_tracked", miners.size());
        o.put("miners_dropped", dropped);
        ArrayNode a = o.putArray("miners");
        for (Row r : rows.subList(0, Math.min(Math.max(0, limit), rows.size()))) {
            Miner m = r.m();
            double tenMin = m.sum(TEN_MINUTES, nowMillis);
            ObjectNode x = a.addObject();
            x.put("worker", r.worker());
            x.put("accepted_work", r.total());
            x.put("work_10m", tenMin);
            x.put("work_1h", r.hour());
            ArrayNode ups = x.putArray("upstreams");
            for (int i = 0; i < names.size(); i++) {
                double w10 = m.windows[i] == null ? 0 : m.windows[i].sum(TEN_MINUTES, nowMillis);
                double w1h = m.windows[i] == null ? 0 : m.windows[i].sum(WorkWindow.HOUR_MILLIS, nowMillis);
                ObjectNode u = ups.addObject();
                u.put("index", i);
                u.put("name", names.get(i));
                u.put("accepted_work", m.work[i]);
                u.put("work_10m", w10);
                u.put("work_1h", w1h);
                u.put("achieved_10m_percent", tenMin == 0 ? 0 : 100 * w10 / tenMin);
                u.put("achieved_1h_percent", r.hour() == 0 ? 0 : 100 * w1h / r.hour());
                u.put("accepted", m.accepted[i]);
                u.put("rejected", m.rejected[i]);
                u.put("stale", m.stale[i]);
            }
        }
        return o;
    }
}
