package org.jckpool.stratifier.engine;

import com.fasterxml.jackson.databind.JsonNode;
import org.jckpool.libpool.log.EventLog;
import org.jckpool.libpool.stratum.StratumLineParser;
import org.jckpool.libpool.stratum.StratumMessage;
import org.jckpool.libpool.stratum.StratumProtocolException;
import org.jckpool.stratifier.session.ClientSession;
import org.jckpool.stratifier.session.Extranonce1Allocator;
import org.jckpool.stratifier.session.Replies;
import org.jckpool.stratifier.session.SessionResumeStore;
import org.jckpool.stratifier.session.VersionRolling;
import org.jckpool.stratifier.session.WorkerName;
import org.jckpool.stratifier.share.BlockSolution;
import org.jckpool.stratifier.share.BlockSubmitter;
import org.jckpool.stratifier.share.SolutionOutcome;
import org.jckpool.stratifier.share.RejectReason;
import org.jckpool.stratifier.share.ShareChecker;
import org.jckpool.stratifier.share.ShareResult;
import org.jckpool.stratifier.share.SubmitParams;
import org.jckpool.stratifier.stats.StatsRegistry;
import org.jckpool.stratifier.stats.StatusFiles;
import org.jckpool.stratifier.stats.UserStats;
import org.jckpool.stratifier.stats.WorkerStats;
import org.jckpool.stratifier.vardiff.Vardiff;
import org.jckpool.stratifier.vardiff.VardiffConfig;
import org.jckpool.stratifier.work.Job;
import org.jckpool.stratifier.work.JobBook;
import org.jckpool.stratifier.work.Template;
import org.jckpool.stratifier.work.TemplateException;

import org.jckpool.libpool.bitcoin.Hex;
import org.jckpool.stratifier.session.SessionRecord;
import org.jckpool.stratifier.work.WorkBase;
import org.jckpool.stratifier.work.CoinbaseParts;
import org.jckpool.stratifier.work.UpstreamJob;
import org.jckpool.stratifier.work.UpstreamTarget;
import org.jckpool.stratifier.work.UpstreamWork;
import org.jckpool.stratifier.share.UpstreamForwarder;

import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.time.InstantSource;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiConsumer;

/**
 * The stratifier's brain without any IPC: the process shell feeds it client events
 * ({@link #onConnect}, {@link #onLine}, {@link #onDisconnect}), templates ({@link #onTemplate}) and a periodic
 * {@link #tick}; the engine answers through {@link ClientOutbound} and hands solved blocks to
 * {@link BlockSubmitter}.
 *
 * <p>Threading: any thread may call any method. Each connection's events run under that connection's
 * {@link ClientSession} monitor (so connections never contend with each other); work is published by the
 * {@link JobBook} through a volatile current job and a concurrent job map; statistics lock per pool/user/worker
 * for a few arithmetic operations. Replies for one connection leave in the order its events were handled.
 */
public final class StratumEngine {
    private static final Logger LOG = System.getLogger("stratifier");
    private static final long STATS_DECAY_MILLIS = 60_000;
    private static final long IDLE_MILLIS = 600_000;
    /** Longest wait for an {@link Authoriser} decision before the worker is refused. */
    static final long AUTH_WAIT_MILLIS = 10_000;
    /** Requests a connection may send while its authorisation is pending (a miner sends two or three). */
    static final int MAX_HELD_REQUESTS = 64;
    /** How long restored sessions wait for the connector to report their clients resumed. */
    static final long RESUME_WAIT_MILLIS = 30_000;

    private final EngineConfig config;
    private final ClientOutbound out;
    private final BlockSubmitter submitter;
    private final InstantSource clock;
    private final JobBook jobs;
    private volatile ShareChecker checker;
    private volatile Extranonce1Allocator extranonces;
    /** extranonce2 bytes miners get: nonce2length, or in proxy mode what the upstream leaves them. */
    private volatile int nonce2Length;
    private final long extranonceSeed;
    private volatile ProxyLayout proxyLayout;
    private volatile UpstreamForwarder forwarder;
    /** Proxy mode: the version bits the active upstream granted (miners get the intersection). */
    private volatile int upstreamVersionMask = 0xffffffff;
    private final ConcurrentMap<Long, UpstreamTarget> upstreamTargets = new ConcurrentHashMap<>();
    /** User proxy mode ({@code ckpool -u}): each user's work from its own upstream session. */
    private volatile boolean userProxy;
    private final ConcurrentMap<String, UserLane> lanes = new ConcurrentHashMap<>();
    private final SessionResumeStore resumable = new SessionResumeStore();
    private final StatsRegistry stats;
    private final StratumLineParser parser = new StratumLineParser(StratumLineParser.REQUEST_LINE_LIMIT);
    private final ConcurrentMap<Long, ClientSession> sessions = new ConcurrentHashMap<>();
    private volatile long lastStatsDecay;
    private volatile ShareObserver shareObserver = ShareObserver.NONE;
    private volatile Authoriser authoriser;
    /** Counts changes the restart snapshot must see (sessions, difficulties, jobs). */
    private final AtomicLong stateChanges = new AtomicLong();
    /** Sessions restored from before a restart, until the connector reports their client resumed. */
    private final ConcurrentMap<Long, SessionRecord> awaitingResume = new ConcurrentHashMap<>();
    private volatile long restoredAtMillis;
    private volatile BiConsumer<WorkBase, JsonNode> templateObserver = (b, t) -> { };

    public StratumEngine(EngineConfig config, ClientOutbound out, BlockSubmitter submitter, InstantSource clock) {
        this(config, out, submitter, clock, clock.millis() * 7919 ^ System.nanoTime());
    }

    /** As above with a chosen first extranonce1 (tests, or several pool instances sharing a range). */
    public StratumEngine(EngineConfig config, ClientOutbound out, BlockSubmitter submitter, InstantSource clock,
                         long extranonceSeed) {
        this.config = config;
        this.out = out;
        this.submitter = submitter;
        this.clock = clock;
        long now = clock.millis();
        this.jobs = new JobBook(now, config.jobGraceMillis());
        this.nonce2Length = config.work().nonce2Length();
        this.extranonceSeed = extranonceSeed;
        this.checker = new ShareChecker(jobs, nonce2Length, this::submitBlock);
        this.extranonces = new Extranonce1Allocator(config.work().nonce1Length(), extranonceSeed);
        this.stats = new StatsRegistry(now);
        this.lastStatsDecay = now;
    }

    // ---------------------------------------------------------------- client events

    /** A client connected on server {@code serverIndex} (index into serverurl). */
    public void onConnect(long clientId, String address, int serverIndex) {
        long now = clock.millis();
        VardiffConfig vc = config.highDiffServers().contains(serverIndex)
                ? config.vardiff().forHighDiffPort(config.highDiff()) : config.vardiff();
        ClientSession s = new ClientSession(clientId, address, serverIndex, new Vardiff(vc, now), now);
        ClientSession old = sessions.put(clientId, s);
        if (old != null) {
            LOG.log(Level.WARNING, "client {0} connected twice; forgetting the first session", clientId);
            release(old, now);
        }
    }

    /** A client is gone; its session is kept ten minutes for resume. */
    public void onDisconnect(long clientId, String reason) {
        ClientSession s = sessions.remove(clientId);
        if (s != null) {
            stateChanges.incrementAndGet();
            synchronized (s) {
                s.dropped(true);
                release(s, clock.millis());
            }
            if (userProxy && s.isAuthorised()) {
                forwarder.userMiners(s.userName(), minersOf(s.userName()));
            }
            LOG.log(Level.DEBUG, "client {0} disconnected: {1}", clientId, reason);
        }
    }

    /** One line (without newline) a client sent. */
    public void onLine(long clientId, String line) {
        ClientSession s = sessionOfLine(clientId);
        if (s == null) {
            return;
        }
        try {
            onRequest(s, parser.parse(line));
        } catch (StratumProtocolException e) {
            invalidMessage(s, e);
        }
    }

    /** As {@link #onLine(long, String)} for a line still in the connector's UTF-8 bytes (no copy is kept). */
    public void onLine(long clientId, byte[] buf, int off, int len) {
        ClientSession s = sessionOfLine(clientId);
        if (s == null) {
            return;
        }
        try {
            onRequest(s, parser.parse(buf, off, len));
        } catch (StratumProtocolException e) {
            invalidMessage(s, e);
        }
    }

    private ClientSession sessionOfLine(long clientId) {
        ClientSession s = sessions.get(clientId);
        if (s == null) {
            LOG.log(Level.DEBUG, "line from unknown client {0} ignored", clientId);
        }
        return s;
    }

    private void invalidMessage(ClientSession s, StratumProtocolException e) {
        LOG.log(Level.INFO, "client {0} ({1}) sent an invalid message, dropping: {2}", s.clientId, s.address,
                e.getMessage());
        out.send(s.clientId, Replies.error("null", "null", 20, "Invalid JSON"));
        drop(s, "invalid json: " + e.getMessage());
    }

    private void onRequest(ClientSession s, StratumMessage req) {
        if (req.method() == null) {
            return; // a reply to something we sent (client.get_version and the like)
        }
        synchronized (s) {
            if (s.dropped()) {
                return;
            }
            if (s.authPending()) {
                if (!s.hold(req, MAX_HELD_REQUESTS)) {
                    LOG.log(Level.INFO, "client {0} ({1}) sent over {2} requests while being authorised, dropping",
                            s.clientId, s.address, MAX_HELD_REQUESTS);
                    drop(s, "too many requests while authorising");
                }
                return;
            }
            handle(s, req);
        }
    }

    private void handle(ClientSession s, StratumMessage req) {
        switch (req.method()) {
            case "mining.submit" -> submit(s, req);
            case "mining.subscribe" -> subscribe(s, req);
            case "mining.authorize" -> authorize(s, req);
            case "mining.configure" -> configure(s, req);
            case "mining.suggest_difficulty" -> suggestDifficulty(s, req);
            case "mining.passthrough" -> passthrough(s);
            case "mining.extranonce.subscribe" -> {
                s.extranonceSubscribed(true);
                out.send(s.clientId, Replies.ok(req.idJson()));
            }
            default -> out.send(s.clientId, Replies.error(req.idJson(), "null", 20,
                    "Method not supported: " + req.method()));
        }
    }

    /** ckpool's mining.passthrough: the connection leaves the engine and carries other clients (not in proxy mode). */
    private void passthrough(ClientSession s) {
        if (forwarder != null) {
            LOG.log(Level.INFO, "client {0} ({1}) asked for passthrough in proxy mode, dropping", s.clientId,
                    s.address);
            drop(s, "passthrough refused in proxy mode");
            return;
        }
        LOG.log(Level.INFO, "client {0} ({1}) is a passthrough", s.clientId, s.address);
        if (sessions.remove(s.clientId, s)) {
            s.dropped(true);
            release(s, clock.millis());
            stateChanges.incrementAndGet();
        }
        out.passthrough(s.clientId, s.address, s.serverIndex);
    }

    private void subscribe(ClientSession s, StratumMessage req) {
        long now = clock.millis();
        if (!s.isSubscribed()) {
            String agent = req.string(0);
            long en1 = resumable.take(req.string(1), now);
            if (en1 < 0 || !extranonces.claim(en1)) {
                en1 = extranonces.allocate();
            } else {
                LOG.log(Level.INFO, "client {0} resumed session {1}", s.clientId, req.string(1));
            }
            s.subscribed(en1, extranonces.bytes(en1), agent);
            stateChanges.incrementAndGet();
        }
        String sid = Replies.quote(s.extranonce1Hex());
        out.send(s.clientId, Replies.result(req.idJson(), "[[[\"mining.set_difficulty\"," + sid
                + "],[\"mining.notify\"," + sid + "]]," + sid + "," + nonce2Length + "]"));
        out.subscribed(s.clientId);
        // As ckpool: set_difficulty and the current work follow the subscribe result at once (a ckpool proxy
        // reads nothing after its authorize reply). Solo work pays the authorised user, so it waits for that.
        Job job = jobs.current();
        if (!config.solo() && !userProxy && !s.workSent() && job != null) {
            s.vardiff().capToNetwork(job.base().networkDiff(), now);
            sendWork(s, job, true);
        }
    }

    /**
     * Whether new work reaches this client: pool work once subscribed; solo and user-proxy work, which belong to
     * the authorised user, once authorised.
     */
    private boolean receivesWork(ClientSession s) {
        return !s.dropped() && (config.solo() || userProxy ? s.isAuthorised() : s.isSubscribed());
    }

    private void authorize(ClientSession s, StratumMessage req) {
        long now = clock.millis();
        if (!s.isSubscribed()) {
            out.send(s.clientId, Replies.error(req.idJson(), "false", 25, "Not subscribed"));
            return;
        }
        String worker = req.string(0);
        String problem = WorkerName.problem(worker);
        if (problem != null) {
            out.send(s.clientId, Replies.error(req.idJson(), "false", 24, problem));
            return;
        }
        if (s.isAuthorised()) {
            // Extra workers on one connection share its payout and statistics.
            if (!WorkerName.user(worker).equals(s.userName())) {
                out.send(s.clientId, Replies.error(req.idJson(), "false", 24,
                        "Connection already authorised as user " + s.userName()));
                return;
            }
            s.authorised(worker, s.userName(), s.payoutScript(), s.userStats(), s.workerStats());
            stateChanges.incrementAndGet();
            out.send(s.clientId, Replies.ok(req.idJson()));
            return;
        }
        String user = WorkerName.user(worker);
        byte[] payout = config.poolPayoutScript();
        if (config.solo()) {
            try {
                payout = config.addresses().script(user);
            } catch (RuntimeException e) {
                LOG.log(Level.INFO, "client {0} worker {1}: not a valid address for solo mining: {2}",
                        s.clientId, worker, e.getMessage());
                out.send(s.clientId, Replies.error(req.idJson(), "false", 24,
                        "Invalid address " + user + ": " + e.getMessage()));
                return;
            }
        }
        Authoriser a = authoriser;
        if (a == null) {
            completeAuthorise(s, req.idJson(), worker, user, payout, 0, now);
            return;
        }
        String id = req.idJson();
        byte[] pay = payout;
        long attempt = s.beginAuth(now, () -> authDecided(s, 0, id, worker, user, pay,
                Authoriser.Decision.refuse("Authorisation timed out")));
        try {
            a.authorise(new Authoriser.Request(s.clientId, user, worker, s.userAgent(), s.address),
                    d -> authDecided(s, attempt, id, worker, user, pay, d));
        } catch (RuntimeException e) {
            LOG.log(Level.ERROR, "authoriser failed for worker " + worker, e);
            authDecided(s, attempt, id, worker, user, pay, Authoriser.Decision.refuse("Authorisation failed"));
        }
    }

    /**
     * The {@link Authoriser} answered (any thread): reply, then replay the requests held meanwhile. A decision
     * for an attempt that is no longer pending (timed out, client gone) is ignored; attempt 0 = the timeout.
     */
    private void authDecided(ClientSession s, long attempt, String id, String worker, String user, byte[] payout,
                             Authoriser.Decision d) {
        synchronized (s) {
            if (!s.authPending() || (attempt != 0 && s.authAttempt() != attempt)) {
                return;
            }
            ArrayDeque<StratumMessage> held = s.endAuth();
            if (s.dropped()) {
                return;
            }
            if (d != null && d.allowed()) {
                completeAuthorise(s, id, worker, user, payout, d.startDifficulty(), clock.millis());
            } else {
                String why = d == null || d.reason() == null ? "Unauthorised worker" : d.reason();
                LOG.log(Level.INFO, "client {0} worker {1} refused: {2}", s.clientId, worker, why);
                EventLog.global().event(EventLog.CLIENT_AUTHORISE, "id", s.clientId, "worker", worker, "ok", false,
                        "reason", why);
                out.send(s.clientId, Replies.error(id, "false", 24, why));
            }
            while (!held.isEmpty() && !s.dropped()) {
                if (s.authPending()) {
                    // a held authorize started another wait: the rest keeps its place behind it
                    held.forEach(r -> s.hold(r, Integer.MAX_VALUE));
                    return;
                }
                handle(s, held.pollFirst());
            }
        }
    }

    private void completeAuthorise(ClientSession s, String id, String worker, String user, byte[] payout,
                                   double startDiff, long now) {
        UserStats us = stats.user(user, now);
        us.authorised(now);
        WorkerStats ws = us.worker(worker, now);
        s.authorised(worker, user, payout, us, ws);
        stateChanges.incrementAndGet();
        LOG.log(Level.INFO, "authorised client {0} worker {1} as user {2}", s.clientId, worker, user);
        EventLog.global().event(EventLog.CLIENT_AUTHORISE, "id", s.clientId, "worker", worker, "ok", true);
        out.send(s.clientId, Replies.ok(id));
        boolean diffChanged = startDiff > 0
                && !Double.isNaN(s.vardiff().suggest(startDiff, false, networkDiff(), now));
        JobBook book = jobsOf(s);
        Job job = book == null ? null : book.current();
        if (job != null && !s.workSent()) {
            // solo and user proxy modes (work for the authorised user), or no work yet when it subscribed
            s.vardiff().capToNetwork(job.base().networkDiff(), now);
            sendWork(s, job, true);
        } else if (diffChanged) {
            difficultyChanged(s); // a worker default difficulty (ckdb): the work it had at subscribe, re-sent
        }
        if (userProxy) {
            forwarder.userMiners(user, minersOf(user));
        }
    }

    private void configure(ClientSession s, StratumMessage req) {
        long now = clock.millis();
        Object names = req.param(0);
        Object opts = req.param(1);
        JsonNode options = opts instanceof JsonNode n && n.isObject() ? n : null;
        if (!(names instanceof JsonNode list) || !list.isArray()) {
            out.send(s.clientId, Replies.error(req.idJson(), "null", 20, "Invalid configure parameters"));
            return;
        }
        StringBuilder result = new StringBuilder("{");
        Set<String> done = new HashSet<>();
        boolean diffChanged = false;
        for (JsonNode n : list) {
            String ext = n.asText("");
            if (!done.add(ext)) {
                continue;
            }
            if (result.length() > 1) {
                result.append(',');
            }
            switch (ext) {
                case "version-rolling" -> {
                    int minerMask = 0xffffffff;
                    int minBits = 0;
                    boolean ok = true;
                    if (options != null && options.has("version-rolling.mask")) {
                        String m = options.get("version-rolling.mask").asText("");
                        try {
                            minerMask = (int) Long.parseLong(m, 16);
                            ok = m.length() <= 8;
                        } catch (NumberFormatException e) {
                            ok = false;
                        }
                    }
                    if (options != null && options.has("version-rolling.min-bit-count")) {
                        minBits = options.get("version-rolling.min-bit-count").asInt(0);
                    }
                    int mask = VersionRolling.negotiate(config.versionMask() & upstreamVersionMask, minerMask);
                    if (!ok || mask == 0) {
                        s.versionMask(0);
                        result.append("\"version-rolling\":false");
                    } else {
                        s.versionMask(mask);
                        if (!VersionRolling.enoughBits(mask, minBits)) {
                            LOG.log(Level.INFO, "client {0} wants {1} version bits, mask {2} has fewer",
                                    s.clientId, minBits, String.format("%08x", mask));
                        }
                        result.append("\"version-rolling\":true,\"version-rolling.mask\":\"")
                                .append(String.format("%08x", mask)).append('"');
                    }
                }
                case "minimum-difficulty" -> {
                    double v = options == null ? 0 : options.path("minimum-difficulty.value").asDouble(0);
                    if (v > 0) {
                        double d = s.vardiff().suggest(v, true, networkDiff(), now);
                        diffChanged |= !Double.isNaN(d);
                        result.append("\"minimum-difficulty\":true");
                    } else {
                        result.append("\"minimum-difficulty\":false");
                    }
                }
                case "subscribe-extranonce" -> {
                    s.extranonceSubscribed(true);
                    result.append("\"subscribe-extranonce\":true");
                }
                default -> result.append(Replies.quote(ext)).append(":false");
            }
        }
        stateChanges.incrementAndGet();
        out.send(s.clientId, Replies.result(req.idJson(), result.append('}').toString()));
        if (diffChanged) {
            difficultyChanged(s);
        }
    }

    private void suggestDifficulty(ClientSession s, StratumMessage req) {
        Object p = req.param(0);
        double v = p instanceof Number n ? n.doubleValue() : Double.NaN;
        if (p instanceof String str) {
            try {
                v = Double.parseDouble(str);
            } catch (NumberFormatException e) {
                v = Double.NaN;
            }
        }
        if (!(v > 0) || Double.isInfinite(v)) {
            out.send(s.clientId, Replies.error(req.idJson(), "false", 20, "Invalid difficulty"));
            return;
        }
        out.send(s.clientId, Replies.ok(req.idJson()));
        stateChanges.incrementAndGet();
        double d = s.vardiff().suggest(v, false, networkDiff(), clock.millis());
        if (!Double.isNaN(d)) {
            difficultyChanged(s);
        }
    }

    private void submit(ClientSession s, StratumMessage req) {
        long now = clock.millis();
        String id = req.idJson();
        ShareResult r;
        if (req.params() == null) {
            r = reject(s, RejectReason.PARAMS_NOT_ARRAY);
        } else if (req.paramCount() != 5 && req.paramCount() != 6) {
            r = reject(s, RejectReason.INVALID_ARRAY_SIZE);
        } else {
            SubmitParams p = new SubmitParams(req.string(0), req.string(1), req.string(2), req.string(3),
                    req.string(4), req.paramCount() == 6 ? req.string(5) : null);
            if (p.versionBits() == null && req.paramCount() == 6 && req.param(5) != null) {
                r = reject(s, RejectReason.INVALID_VERSION_MASK);
            } else {
                r = checkerOf(s).check(s, p, now);
            }
        }
        if (r.accepted()) {
            out.send(s.clientId, Replies.ok(id));
        } else {
            out.send(s.clientId, r.reason().reply(id));
        }
        account(s, r, now);
    }

    private static ShareResult reject(ClientSession s, RejectReason reason) {
        if (!s.isSubscribed()) {
            reason = RejectReason.NOT_SUBSCRIBED;
        } else if (!s.isAuthorised()) {
            reason = RejectReason.UNAUTHORIZED;
        }
        return new ShareResult(reason, null, 0, 0, null, null);
    }

    /**
     * Who decides mining.authorize (ckdb); null = everyone with a valid name is authorised at once. Only the first
     * authorisation of a connection is asked; extra workers on it share its user as before.
     */
    public void authoriser(Authoriser a) {
        this.authoriser = a;
    }

    /**
     * A worker's default difficulty changed (ckdb heartbeat): above 0 it becomes the start and floor of every
     * connection authorised as that worker, sent at once; 0 removes the floor. @return connections affected
     */
    public int workerDifficulty(String worker, double diff) {
        long now = clock.millis();
        double net = networkDiff();
        int n = 0;
        for (ClientSession s : sessions.values()) {
            synchronized (s) {
                if (s.dropped() || !s.isAuthorised() || !s.hasWorker(worker)) {
                    continue;
                }
                n++;
                if (diff > 0) {
                    if (!Double.isNaN(s.vardiff().suggest(diff, false, net, now))) {
                        LOG.log(Level.INFO, "client {0} worker {1} default difficulty -> {2}", s.clientId, worker,
                                s.vardiff().diff());
                        difficultyChanged(s);
                    }
                } else {
                    s.vardiff().clearSuggested();
                    stateChanges.incrementAndGet();
                }
            }
        }
        return n;
    }

    /** Who hears of every judged share (share log, metrics); called under the session's monitor. */
    public void shareObserver(ShareObserver observer) {
        this.shareObserver = observer == null ? ShareObserver.NONE : observer;
    }

    private void account(ClientSession s, ShareResult r, long now) {
        try {
            shareObserver.onShare(s, r, now);
        } catch (RuntimeException e) {
            LOG.log(Level.ERROR, "share observer failed", e);
        }
        if (r.shareDiff() > 0) {
            s.bestShare(r.shareDiff());
        }
        if (r.solution() == SolutionOutcome.SUBMITTED) {
            LOG.log(Level.WARNING, "BLOCK SOLVED by client {0} worker {1}: {2}", s.clientId, s.workerName(),
                    r.blockHash());
            if (config.blockMessages()) {
                out.send(s.clientId, Replies.showMessage("Block solved! " + r.blockHash()));
            }
        } else if (r.blockHash() != null) {
            // not worth a warning: on an easy chain every share is one
            LOG.log(Level.INFO, "block solution by client {0} worker {1} not submitted ({2}): {3}", s.clientId,
                    s.workerName(), r.solution() == null ? "?" : r.solution().label(), r.blockHash());
        }
        if (!s.isAuthorised()) {
            stats.rejected(null, null, 0, r.reason().rejectReason, now);
            return;
        }
        if (r.accepted()) {
            stats.accepted(s.userStats(), s.workerStats(), r.assignedDiff(), r.shareDiff(), now);
        } else {
            stats.rejected(s.userStats(), s.workerStats(), r.assignedDiff(), r.reason().rejectReason, now);
            if (r.shareDiff() > 0) {
                stats.best(s.userStats(), s.workerStats(), r.shareDiff());
            }
        }
        if (r.accepted() || r.staleButValid()) {
            double d = s.vardiff().onShare(r.assignedDiff(), now, networkDiff());
            if (!Double.isNaN(d)) {
                LOG.log(Level.INFO, "client {0} difficulty {1} -> {2}", s.clientId, s.vardiff().oldDiff(), d);
                EventLog.global().event(EventLog.VARDIFF, "id", s.clientId, "worker", s.workerName(), "old_diff",
                        s.vardiff().oldDiff(), "diff", d);
                difficultyChanged(s);
            }
        }
    }

    // ---------------------------------------------------------------- work

    /**
     * A new getblocktemplate result. Builds work, sends it to every authorised client (clean_jobs when the
     * previous block changed) and returns the job; throws {@link TemplateException} for unusable templates.
     */
    public JobBook.Update onTemplate(JsonNode template) {
        Template t = Template.parse(template);
        long now = clock.millis();
        JobBook.Update u = jobs.add(t, config.work(), now);
        Job job = u.job();
        if (u.newBlock()) {
            LOG.log(Level.INFO, "new block height {0}, network difficulty {1}", t.height(),
                    job.base().networkDiff());
        }
        stateChanges.incrementAndGet();
        try {
            // before any miner sees the job: a stratifier killed right after must still know it at restart
            templateObserver.accept(job.base(), template);
        } catch (RuntimeException e) {
            LOG.log(Level.ERROR, "template observer failed", e);
        }
        if (config.solo()) {
            for (ClientSession s : sessions.values()) {
                synchronized (s) {
                    if (s.isAuthorised() && !s.dropped()) {
                        s.vardiff().capToNetwork(job.base().networkDiff(), now);
                        sendWork(s, job, u.newBlock());
                    }
                }
            }
        } else {
            // Everyone gets the same notify: record the difficulty per client, then one broadcast line.
            for (ClientSession s : sessions.values()) {
                synchronized (s) {
                    if (receivesWork(s)) {
                        announceDifficulty(s, job, now);
                        s.jobSent(job.id());
                    }
                }
            }
            out.broadcast(job.base().notifyLine(job.idHex(), config.poolPayoutScript(), u.newBlock()));
        }
        stateChanges.incrementAndGet();
        return u;
    }

    // ---------------------------------------------------------------- proxy mode

    /**
     * How the upstream's extranonce2 is shared out (proxy mode): {@code carved} bytes of it become each miner's
     * extranonce1, {@code minerNonce2} bytes are the miners' extranonce2. Fixed by the first upstream work.
     */
    public record ProxyLayout(int carved, int minerNonce2) {
        /** ckpool's rule, adapted: 8+ bytes → 4 carved, 4..7 → 2 carved, fewer → too small to proxy (null). */
        public static ProxyLayout forUpstream(int upstreamNonce2) {
            if (upstreamNonce2 >= 8) {
                return new ProxyLayout(4, upstreamNonce2 - 4);
            }
            if (upstreamNonce2 >= 4) {
                return new ProxyLayout(2, upstreamNonce2 - 2);
            }
            return null;
        }
    }

    /** Proxy mode: who submits qualifying shares upstream. */
    public void upstreamForwarder(UpstreamForwarder f) {
        this.forwarder = f;
        this.checker = new ShareChecker(jobs, nonce2Length, this::submitBlock, f);
    }

    public ProxyLayout proxyLayout() {
        return proxyLayout;
    }

    /**
     * Proxy mode: work from the active upstream ({@code upstream.work} params). The first one fixes the miners'
     * extranonce layout; an upstream with more extranonce2 room than that gets zero padding, one with less is
     * refused ({@link TemplateException}), as is one too small to share at all. Sent to miners as a template's work
     * is (clean when the upstream said so or the upstream connection changed).
     */
    public JobBook.Update onUpstreamWork(JsonNode params) {
        UpstreamWork w = UpstreamWork.parse(params);
        ProxyLayout layout;
        synchronized (this) {
            layout = proxyLayout;
            if (layout == null) {
                layout = ProxyLayout.forUpstream(w.extranonce2Size());
                if (layout == null) {
                    throw new TemplateException("upstream " + w.url() + " extranonce2 size " + w.extranonce2Size()
                            + " is too small to proxy (needs 4 or more)");
                }
                proxyLayout = layout;
                nonce2Length = layout.minerNonce2();
                extranonces = new Extranonce1Allocator(layout.carved(), extranonceSeed);
                checker = new ShareChecker(jobs, nonce2Length, this::submitBlock, forwarder);
                LOG.log(Level.INFO, "proxy layout: miners get {0}-byte extranonce1 and {1}-byte extranonce2",
                        layout.carved(), layout.minerNonce2());
            }
        }
        int pad = w.extranonce2Size() - layout.carved() - layout.minerNonce2();
        if (pad < 0) {
            throw new TemplateException("upstream " + w.url() + " extranonce2 size " + w.extranonce2Size()
                    + " is smaller than the miners' layout (" + layout.carved() + " + " + layout.minerNonce2() + ")");
        }
        UpstreamTarget target = upstreamTargets.computeIfAbsent(w.generation(), g -> new UpstreamTarget(w.difficulty()));
        target.set(w.difficulty());
        upstreamTargets.keySet().removeIf(g -> g != w.generation() && !jobsOfGenerationLive(g));
        byte[] padding = new byte[pad];
        byte[] c1 = new byte[w.coinb1().length + w.extranonce1().length + pad];
        System.arraycopy(w.coinb1(), 0, c1, 0, w.coinb1().length);
        System.arraycopy(w.extranonce1(), 0, c1, w.coinb1().length, w.extranonce1().length);
        UpstreamJob up = new UpstreamJob(w.upstream(), w.generation(), w.jobId(), Hex.encode(padding), target);
        upstreamVersionMask = w.versionMask();
        long now = clock.millis();
        String user = params.path("user").asText(null);
        if (userProxy && user != null) {
            UserLane lane = lanes.computeIfAbsent(user, k -> UserLane.create(clock.millis(), config.jobGraceMillis(),
                    nonce2Length, this::submitBlock, forwarder));
            JobBook.Update u = lane.jobs().addUpstream(w, CoinbaseParts.of(c1, w.coinb2()), up, config.work(), now);
            distribute(u, now, user);
            return u;
        }
        JobBook.Update u = jobs.addUpstream(w, CoinbaseParts.of(c1, w.coinb2()), up, config.work(), now);
        if (!userProxy) {
            distribute(u, now, null);
        }
        return u;
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

    /**
     * User proxy mode ({@code ckpool -u}): each user's miners get work only from that user's upstream session
     * ({@code upstream.work} with {@code "user"}); the proxy's own session's work only marks the proxy ready.
     */
    public void userProxy(boolean on) {
        this.userProxy = on;
    }

    /** The jobs a session mines on: the pool's, or in user proxy mode its user's (null before any arrived). */
    private JobBook jobsOf(ClientSession s) {
        if (!userProxy) {
            return jobs;
        }
        UserLane l = s.userName() == null ? null : lanes.get(s.userName());
        return l == null ? null : l.jobs();
    }

    private ShareChecker checkerOf(ClientSession s) {
        if (!userProxy) {
            return checker;
        }
        UserLane l = s.userName() == null ? null : lanes.get(s.userName());
        return l == null ? checker : l.checker();
    }

    /** Authorised, connected sessions of {@code user}. */
    private int minersOf(String user) {
        int n = 0;
        for (ClientSession s : sessions.values()) {
            if (s.isAuthorised() && !s.dropped() && user.equals(s.userName())) {
                n++;
            }
        }
        return n;
    }

    /** Proxy mode: the upstream connection {@code generation} changed its share difficulty. */
    public void upstreamDifficulty(long generation, double diff) {
        UpstreamTarget t = upstreamTargets.get(generation);
        if (t != null && diff > 0) {
            t.set(diff);
        }
    }

    /** The version mask the active upstream granted (proxy mode; all bits otherwise). */
    public int upstreamVersionMask() {
        return upstreamVersionMask;
    }

    /** New work to every authorised miner, or with {@code user} (user proxy mode) to that user's miners only. */
    private void distribute(JobBook.Update u, long now, String user) {
        Job job = u.job();
        String line = job.base().notifyLine(job.idHex(), config.poolPayoutScript(), u.newBlock());
        for (ClientSession s : sessions.values()) {
            synchronized (s) {
                if (receivesWork(s) && (user == null || user.equals(s.userName()))) {
                    if (user != null && !s.workSent()) {
                        sendWork(s, job, true); // its user's first work: difficulty first
                        continue;
                    }
                    announceDifficulty(s, job, now);
                    s.jobSent(job.id());
                    if (user != null) {
                        out.send(s.clientId, line);
                    }
                }
            }
        }
        if (user == null) {
            out.broadcast(line);
        }
        stateChanges.incrementAndGet();
    }

    /** Before broadcast work: set_difficulty when the network capped it or the client has had no work yet. */
    private void announceDifficulty(ClientSession s, Job job, long now) {
        boolean capped = !Double.isNaN(s.vardiff().capToNetwork(job.base().networkDiff(), now));
        if (capped || !s.workSent()) {
            out.send(s.clientId, Replies.setDifficulty(s.vardiff().diff()));
        }
    }

    private void sendWork(ClientSession s, Job job, boolean clean) {
        stateChanges.incrementAndGet();
        out.send(s.clientId, Replies.setDifficulty(s.vardiff().diff()));
        s.jobSent(job.id());
        byte[] payout = config.solo() ? s.payoutScript() : config.poolPayoutScript();
        out.send(s.clientId, job.base().notifyLine(job.idHex(), payout, clean));
    }

    /** set_difficulty, then the current work under a new job id (clean=false) so the change applies at once. */
    private void difficultyChanged(ClientSession s) {
        if (!receivesWork(s) || !s.workSent()) {
            return; // the difficulty goes out with the first work
        }
        JobBook book = jobsOf(s);
        Job alias = book == null ? null : book.aliasCurrent();
        if (alias == null) {
            return;
        }
        sendWork(s, alias, false);
    }

    private double networkDiff() {
        Job j = jobs.current();
        return j == null ? 0 : j.base().networkDiff();
    }

    private SolutionOutcome submitBlock(BlockSolution solution) {
        try {
            return submitter.submit(solution);
        } catch (RuntimeException e) {
            LOG.log(Level.ERROR, "block " + solution.hash() + " could not be handed to the submitter", e);
            return SolutionOutcome.LOST;
        }
    }

    // ---------------------------------------------------------------- housekeeping

    /**
     * Periodic work (call every second or few): drops clients that did not subscribe and authorise in time,
     * runs the vardiff decline path, retires old jobs, expires resumable sessions and decays idle statistics.
     */
    public void tick() {
        long now = clock.millis();
        double net = networkDiff();
        for (ClientSession s : sessions.values()) {
            synchronized (s) {
                if (s.dropped()) {
                    continue;
                }
                if (s.authPending() && now - s.authStartedMillis() >= AUTH_WAIT_MILLIS) {
                    s.authTimeout().run();
                }
                if ((!s.isSubscribed() || !s.isAuthorised()) && now - s.connectedMillis >= config.authTimeoutMillis()) {
                    LOG.log(Level.INFO, "client {0} ({1}) did not subscribe and authorise within {2} s", s.clientId,
                            s.address, config.authTimeoutMillis() / 1000);
                    drop(s, "no authorisation in time");
                    continue;
                }
                if (s.isAuthorised() && s.workSent()) {
                    double d = s.vardiff().onTick(now, net);
                    if (!Double.isNaN(d)) {
                        LOG.log(Level.INFO, "client {0} silent, difficulty {1} -> {2}", s.clientId,
                                s.vardiff().oldDiff(), d);
                        difficultyChanged(s);
                    }
                }
            }
        }
        if (jobs.retire(now) > 0) {
            stateChanges.incrementAndGet();
        }
        lanes.values().forEach(l -> l.jobs().retire(now));
        expireUnresumed(now);
        resumable.expire(now);
        stats.fold(now);
        if (now - lastStatsDecay >= STATS_DECAY_MILLIS) {
            lastStatsDecay = now;
            stats.decayIdle(now);
        }
    }

    private void drop(ClientSession s, String reason) {
        synchronized (s) {
            if (!s.dropped()) {
                s.dropped(true);
                out.drop(s.clientId, reason);
            }
        }
    }

    private void release(ClientSession s, long now) {
        if (s.isSubscribed() && s.extranonce1() >= 0) {
            extranonces.release(s.extranonce1());
            resumable.remember(s.extranonce1Hex(), s.extranonce1(), now);
        }
    }

    // ---------------------------------------------------------------- restart

    /** Grows with every change the restart snapshot must see; unchanged = nothing to write. */
    public long stateChanges() {
        return stateChanges.get();
    }

    /** Who hears of each new work base with its template (the restart snapshot keeps the template). */
    public void templateObserver(BiConsumer<WorkBase, JsonNode> observer) {
        this.templateObserver = observer == null ? (b, t) -> { } : observer;
    }

    /** The live jobs and work bases (templates apart), for the restart snapshot. */
    public JobBook.State jobState() {
        return jobs.state();
    }

    /**
     * The subscribed sessions, and those restored but not yet resumed, for the restart snapshot. Job
     * difficulties are kept for live jobs only.
     */
    public List<SessionRecord> sessionRecords() {
        List<SessionRecord> out = new ArrayList<>(sessions.size() + awaitingResume.size());
        for (ClientSession s : sessions.values()) {
            synchronized (s) {
                if (!s.dropped() && s.isSubscribed()) {
                    out.add(record(s));
                }
            }
        }
        out.addAll(awaitingResume.values());
        return out;
    }

    private SessionRecord record(ClientSession s) {
        List<SessionRecord.JobDiff> jd = new ArrayList<>();
        s.jobDiffs().forEach((diff, jobId) -> {
            if (jobs.has(jobId)) {
                jd.add(new SessionRecord.JobDiff(jobId, diff));
            }
        });
        byte[] payout = s.payoutScript();
        return new SessionRecord(s.clientId, s.extranonce1(), s.userAgent(), s.workers(), s.userName(),
                payout == null ? null : Hex.encode(payout), s.versionMask(), s.extranonceSubscribed(),
                s.vardiff().diff(), s.vardiff().suggested(), s.vardiff().minerMinimum(), s.bestShare(), jd);
    }

    /**
     * At start, before any client: puts back the jobs of the previous run (same ids) and its sessions, which wait
     * for the connector to report their clients resumed ({@link #onResume}). Returns the current job, or null
     * when the jobs could not be rebuilt (then nothing is restored).
     */
    public Job restore(JobBook.State state, Map<Long, Template> templates, List<SessionRecord> records) {
        Job current = jobs.restore(state, templates, config.work());
        if (current == null) {
            return null;
        }
        long now = clock.millis();
        restoredAtMillis = now;
        for (SessionRecord r : records) {
            if (extranonces.claim(r.extranonce1())) {
                awaitingResume.put(r.clientId(), r);
            }
        }
        stateChanges.incrementAndGet();
        return current;
    }

    /**
     * A client the connector kept through a restart. It gets its restored session back; with none (it connected
     * or subscribed in the last moment before the restart, or nothing was restored) it starts as a new
     * connection, and its replayed lines (a subscribe among them, if it was in flight) go on from there.
     * Returns whether a session was restored.
     */
    public boolean onResume(long clientId, String address, int serverIndex) {
        SessionRecord r = awaitingResume.remove(clientId);
        onConnect(clientId, address, serverIndex);
        if (r == null) {
            LOG.log(Level.INFO, "client {0} resumed without a stored session: served as a new connection", clientId);
            return false;
        }
        ClientSession s = sessions.get(clientId);
        long now = clock.millis();
        synchronized (s) {
            s.subscribed(r.extranonce1(), extranonces.bytes(r.extranonce1()), r.userAgent());
            s.versionMask(r.versionMask());
            s.extranonceSubscribed(r.extranonceSubscribed());
            s.vardiff().restore(r.diff(), r.suggested(), r.minerMinimum(), now);
            s.bestShare(r.bestShare());
            if (r.authorised()) {
                byte[] payout = Hex.decode(r.payoutHex());
                UserStats us = stats.user(r.user(), now);
                WorkerStats ws = us.worker(r.workers().get(0), now);
                for (String w : r.workers()) {
                    s.authorised(w, r.user(), payout, us, ws);
                }
            }
            for (SessionRecord.JobDiff jd : r.jobs()) {
                s.restoreJob(jd.jobId(), jd.diff());
            }
        }
        stateChanges.incrementAndGet();
        return true;
    }

    /** Restored sessions no client claimed in time go to the resume store (a reconnecting miner gets them). */
    private void expireUnresumed(long now) {
        if (awaitingResume.isEmpty() || now - restoredAtMillis < RESUME_WAIT_MILLIS) {
            return;
        }
        for (SessionRecord r : awaitingResume.values()) {
            if (awaitingResume.remove(r.clientId(), r)) {
                extranonces.release(r.extranonce1());
                resumable.remember(Hex.encode(extranonces.bytes(r.extranonce1())), r.extranonce1(), now);
            }
        }
        stateChanges.incrementAndGet();
    }

    // ---------------------------------------------------------------- admin helpers

    /**
     * Every session a miner could resume, by session id: those of connected, subscribed clients and those kept
     * after a disconnect. A handover gives them to the next instance's {@link #importSessions}.
     */
    public Map<String, Long> exportSessions() {
        long now = clock.millis();
        Map<String, Long> out = new java.util.HashMap<>(resumable.snapshot(now));
        for (ClientSession s : sessions.values()) {
            synchronized (s) {
                if (s.isSubscribed() && s.extranonce1() >= 0) {
                    out.put(s.extranonce1Hex().toLowerCase(), s.extranonce1());
                }
            }
        }
        return out;
    }

    /** Sessions of a previous instance: a miner subscribing with one of these ids gets its extranonce1 back. */
    public void importSessions(Map<String, Long> bySessionId) {
        long now = clock.millis();
        bySessionId.forEach((id, en1) -> resumable.remember(id, en1, now));
    }

    /** client.reconnect to every subscribed client (host null: the same server). */
    public void reconnectAll(String host, int port, int waitSeconds) {
        out.broadcast(Replies.reconnect(host, port, waitSeconds));
    }

    public void reconnect(long clientId, String host, int port, int waitSeconds) {
        out.send(clientId, Replies.reconnect(host, port, waitSeconds));
    }

    public void showMessage(long clientId, String text) {
        out.send(clientId, Replies.showMessage(text));
    }

    public void showMessageAll(String text) {
        out.broadcast(Replies.showMessage(text));
    }

    // ---------------------------------------------------------------- views

    public StatsRegistry stats() {
        return stats;
    }

    public Job currentJob() {
        return jobs.current();
    }

    public ClientSession session(long clientId) {
        return sessions.get(clientId);
    }

    public Collection<ClientSession> sessions() {
        return List.copyOf(sessions.values());
    }

    public StatusFiles.PoolCounts poolCounts() {
        long now = clock.millis();
        Set<String> users = new HashSet<>();
        int workers = 0;
        int idle = 0;
        for (ClientSession s : sessions.values()) {
            if (s.isAuthorised()) {
                users.add(s.userName());
                workers++;
                WorkerStats w = s.workerStats();
                if (w != null && now - Math.max(w.lastShareMillis(), s.connectedMillis) > IDLE_MILLIS) {
                    idle++;
                }
            }
        }
        return new StatusFiles.PoolCounts(users.size(), workers, idle, resumable.size());
    }

    /** ckpool's pool/pool.status text. */
    public String poolStatus() {
        return StatusFiles.renderPool(stats.pool(), poolCounts(), networkDiff(), clock.millis());
    }

    /** ckpool's users/&lt;user&gt; text, or null for an unknown user. */
    public String userStatus(String user) {
        UserStats u = stats.existingUser(user);
        return u == null ? null : StatusFiles.renderUser(u, clock.millis());
    }

    /** Restores pool.status and users/* texts written before a restart. */
    public void restoreStats(String poolStatus, Map<String, String> userFiles) {
        long now = clock.millis();
        if (poolStatus != null && !StatusFiles.restorePool(stats.pool(), poolStatus, now)) {
            LOG.log(Level.WARNING, "pool.status could not be read back; starting from zero");
        }
        if (userFiles != null) {
            for (Iterator<Map.Entry<String, String>> it = userFiles.entrySet().iterator(); it.hasNext(); ) {
                Map.Entry<String, String> e = it.next();
                if (!StatusFiles.restoreUser(stats, e.getKey(), e.getValue(), now)) {
                    LOG.log(Level.WARNING, "stats of user {0} could not be read back", e.getKey());
                }
            }
        }
    }
}
