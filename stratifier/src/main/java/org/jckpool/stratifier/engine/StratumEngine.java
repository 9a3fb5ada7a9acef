package org.jckpool.stratifier.engine;

import org.jckpool.libpool.log.Log;
import com.fasterxml.jackson.databind.JsonNode;
import org.jckpool.stratifier.session.ClientSession;
import org.jckpool.stratifier.session.Replies;
import org.jckpool.stratifier.session.SessionRecord;
import org.jckpool.libpool.stratum.StratumMessage;
import org.jckpool.stratifier.share.BlockSubmitter;
import org.jckpool.stratifier.share.SolvedShareObserver;
import org.jckpool.stratifier.share.UpstreamForwarder;
import org.jckpool.stratifier.stats.StatsRegistry;
import org.jckpool.stratifier.stats.StatusFiles;
import org.jckpool.stratifier.stats.UserStats;
import org.jckpool.stratifier.work.Job;
import org.jckpool.stratifier.work.JobBook;
import org.jckpool.stratifier.work.Template;
import org.jckpool.stratifier.work.TemplateException;
import org.jckpool.stratifier.work.WorkBase;

import java.time.InstantSource;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiConsumer;

/**
 * The stratifier's brain without any IPC: the process shell feeds it client events
 * ({@link #onConnect}, {@link #onLine}, {@link #onDisconnect}), templates ({@link #onTemplate}) and a periodic
 * {@link #tick}; the engine answers through {@link ClientOutbound} and hands solved blocks to
 * {@link BlockSubmitter}. This class is the public API and the wiring; its parts are the
 * {@link SessionRegistry}, {@link ConnectionLife} (connect, resume, drop, disconnect), {@link RequestDispatch}
 * (lines to requests to parts), {@link EngineTick} (periodic work), the {@link AuthorisationFlow}, the
 * {@link ConfigureNegotiation}, the {@link ShareAccounting} and the {@link WorkDistribution}.
 *
 * <p>Threading: any thread may call any method. Each connection's events run under that connection's
 * {@link ClientSession} monitor (so connections never contend with each other); work is published by the
 * {@link JobBook} through a volatile current job and a concurrent job map; statistics lock per pool/user/worker
 * for a few arithmetic operations. Replies for one connection leave in the order its events were handled.
 */
public final class StratumEngine {
    /** Longest wait for an {@link Authoriser} decision before the worker is refused. */
    static final long AUTH_WAIT_MILLIS = 10_000;
    /** Requests a connection may send while its authorisation is pending (a miner sends two or three). */
    static final int MAX_HELD_REQUESTS = 64;
    /** How long restored sessions wait for the connector to report their clients resumed. */
    static final long RESUME_WAIT_MILLIS = 30_000;

    private final EngineConfig config;
    private final ClientOutbound out;
    private final InstantSource clock;
    private final StatsRegistry stats;
    /** Counts changes the restart snapshot must see (sessions, difficulties, jobs). */
    private final AtomicLong stateChanges = new AtomicLong();
    private final SessionRegistry sessions;
    private final WorkDistribution work;
    private final AuthorisationFlow auth;
    private final ShareAccounting shares;
    private final ConnectionLife life;
    private final RequestDispatch dispatch;
    private final EngineTick ticker;

    public StratumEngine(EngineConfig config, ClientOutbound out, BlockSubmitter submitter, InstantSource clock) {
        this(config, out, submitter, clock, clock.millis() * 7919 ^ System.nanoTime());
    }

    /** As above with a chosen first extranonce1 (tests, or several pool instances sharing a range). */
    public StratumEngine(EngineConfig config, ClientOutbound out, BlockSubmitter submitter, InstantSource clock,
                         long extranonceSeed) {
        this.config = config;
        this.out = out;
        this.clock = clock;
        long now = clock.millis();
        this.stats = new StatsRegistry(now);
        this.sessions = new SessionRegistry(config.work().nonce1Length(), extranonceSeed);
        this.work = new WorkDistribution(config, out, submitter, clock, sessions, stateChanges);
        this.life = new ConnectionLife(config, out, clock, stats, sessions, work, stateChanges);
        this.auth = new AuthorisationFlow(config, out, clock, stats, work, stateChanges, this::replayHeld);
        this.shares = new ShareAccounting(config, out, clock, stats, work);
        this.dispatch = new RequestDispatch(out, clock, sessions, work, life, stateChanges, auth,
                new ConfigureNegotiation(config, out, clock, work, stateChanges), shares);
        this.ticker = new EngineTick(config, clock, stats, sessions, work, life, stateChanges);
    }

    /** A request held while authorisation was pending, handled once it is decided. */
    private void replayHeld(ClientSession s, StratumMessage req) {
        dispatch.handle(s, req);
    }

    // ---------------------------------------------------------------- client events

    /** A client connected on server {@code serverIndex} (index into serverurl). */
    public void onConnect(long clientId, String address, int serverIndex) {
        life.connect(clientId, address, serverIndex);
    }

    /** A client is gone; its session is kept ten minutes for resume. */
    public void onDisconnect(long clientId, String reason) {
        life.disconnect(clientId, reason);
    }

    /** One line (without newline) a client sent. */
    public void onLine(long clientId, String line) {
        dispatch.line(clientId, line);
    }

    /** As {@link #onLine(long, String)} for a line still in the connector's UTF-8 bytes (no copy is kept). */
    public void onLine(long clientId, byte[] buf, int off, int len) {
        dispatch.line(clientId, buf, off, len);
    }

    /**
     * Who decides mining.authorize (ckdb); null = everyone with a valid name is authorised at once. Only the first
     * authorisation of a connection is asked; extra workers on it share its user as before.
     */
    public void authoriser(Authoriser a) {
        auth.authoriser(a);
    }

    /** The authoriser in use, or null (every valid worker name is allowed). */
    public Authoriser authoriser() {
        return auth.authoriser();
    }

    /**
     * A worker's default difficulty changed (ckdb heartbeat): above 0 it becomes the start and floor of every
     * connection authorised as that worker, sent at once; 0 removes the floor. @return connections affected
     */
    public int workerDifficulty(String worker, double diff) {
        return work.workerDifficulty(worker, diff);
    }

    /** Who hears of every judged share (share log, metrics); called under the session's monitor. */
    public void shareObserver(ShareObserver observer) {
        shares.shareObserver(observer);
    }

    // ---------------------------------------------------------------- work

    /**
     * A new getblocktemplate result. Builds work, sends it to every authorised client (clean_jobs when the
     * previous block changed) and returns the job; throws {@link TemplateException} for unusable templates.
     */
    public JobBook.Update onTemplate(JsonNode template) {
        return work.onTemplate(template);
    }

    /** Proxy mode: who submits qualifying shares upstream. */
    public void upstreamForwarder(UpstreamForwarder f) {
        work.upstreamForwarder(f);
    }

    public ProxyLayout proxyLayout() {
        return work.proxyLayout();
    }

    /**
     * Proxy mode: work from the active upstream ({@code upstream.work} params). The first one fixes the miners'
     * extranonce layout; an upstream with more extranonce2 room than that gets zero padding, one with less is
     * refused ({@link TemplateException}), as is one too small to share at all. Sent to miners as a template's work
     * is (clean when the upstream said so or the upstream connection changed).
     */
    public JobBook.Update onUpstreamWork(JsonNode params) {
        return work.onUpstreamWork(params);
    }

    /**
     * User proxy mode ({@code ckpool -u}): each user's miners get work only from that user's upstream session
     * ({@code upstream.work} with {@code "user"}); the proxy's own session's work only marks the proxy ready.
     */
    public void userProxy(boolean on) {
        work.userProxy(on);
    }

    /** Proxy mode: the upstream connection {@code generation} changed its share difficulty. */
    public void upstreamDifficulty(long generation, double diff) {
        work.upstreamDifficulty(generation, diff);
    }

    /** The version mask the active upstream granted (proxy mode; all bits otherwise). */
    public int upstreamVersionMask() {
        return work.upstreamVersionMask();
    }

    // ---------------------------------------------------------------- housekeeping

    /**
     * Periodic work (call every second or few): drops clients that did not subscribe and authorise in time,
     * runs the vardiff decline path, retires old jobs, expires resumable sessions and decays idle statistics.
     */
    public void tick() {
        ticker.tick();
    }

    // ---------------------------------------------------------------- restart

    /** Grows with every change the restart snapshot must see; unchanged = nothing to write. */
    public long stateChanges() {
        return stateChanges.get();
    }

    /** Who hears of each job of the pool's own work (see WorkDistribution#jobObserver): mining nodes' workinfo. */
    public void jobObserver(BiConsumer<Job, JsonNode> observer) {
        work.jobObserver(observer);
    }

    /** Who hears of each share that solves a block of the pool's own work (mining nodes' block message). */
    public void solvedObserver(SolvedShareObserver observer) {
        work.solvedObserver(observer);
    }

    /** Who hears of each new work base with its template (the restart snapshot keeps the template). */
    public void templateObserver(BiConsumer<WorkBase, JsonNode> observer) {
        work.templateObserver(observer);
    }

    /** The live jobs and work bases (templates apart), for the restart snapshot. */
    public JobBook.State jobState() {
        return work.jobs().state();
    }

    /**
     * The subscribed sessions, and those restored but not yet resumed, for the restart snapshot. Job
     * difficulties are kept for live jobs only.
     */
    public List<SessionRecord> sessionRecords() {
        return sessions.records(work.jobs());
    }

    /**
     * At start, before any client: puts back the jobs of the previous run (same ids) and its sessions, which wait
     * for the connector to report their clients resumed ({@link #onResume}). Returns the current job, or null
     * when the jobs could not be rebuilt (then nothing is restored).
     */
    public Job restore(JobBook.State state, Map<Long, Template> templates, List<SessionRecord> records) {
        Job current = work.jobs().restore(state, templates, config.work());
        if (current == null) {
            return null;
        }
        sessions.restore(records, clock.millis());
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
        return life.resume(clientId, address, serverIndex);
    }

    // ---------------------------------------------------------------- admin helpers

    /**
     * Every session a miner could resume, by session id: those of connected, subscribed clients and those kept
     * after a disconnect. A handover gives them to the next instance's {@link #importSessions}.
     */
    public Map<String, Long> exportSessions() {
        return sessions.export(clock.millis());
    }

    /** Sessions of a previous instance: a miner subscribing with one of these ids gets its extranonce1 back. */
    public void importSessions(Map<String, Long> bySessionId) {
        sessions.importSessions(bySessionId, clock.millis());
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

    /** A work base id from this pool's own sequence, for work made elsewhere (a trusted remote's). */
    public long reserveWorkId() {
        return work.jobs().reserveId();
    }

    public StatsRegistry stats() {
        return stats;
    }

    public Job currentJob() {
        return work.jobs().current();
    }

    public ClientSession session(long clientId) {
        return sessions.get(clientId);
    }

    public Collection<ClientSession> sessions() {
        return List.copyOf(sessions.all());
    }

    public StatusFiles.PoolCounts poolCounts() {
        return sessions.counts(clock.millis());
    }

    /** ckpool's pool/pool.status text. */
    public String poolStatus() {
        return StatusFiles.renderPool(stats.pool(), poolCounts(), work.networkDiff(), clock.millis());
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
            Log.warning("pool.status could not be read back; starting from zero");
        }
        if (userFiles != null) {
            userFiles.forEach((user, text) -> {
                if (!StatusFiles.restoreUser(stats, user, text, now)) {
                    Log.warning("stats of user %s could not be read back", user);
                }
            });
        }
    }
}
