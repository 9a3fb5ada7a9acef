package org.jckpool.stratifier.engine;

import org.jckpool.libpool.log.Log;
import com.fasterxml.jackson.databind.JsonNode;
import org.jckpool.libpool.bitcoin.Hex;
import org.jckpool.stratifier.session.ClientSession;
import org.jckpool.stratifier.session.Replies;
import org.jckpool.stratifier.share.BlockSolution;
import org.jckpool.stratifier.share.BlockSubmitter;
import org.jckpool.stratifier.share.ShareChecker;
import org.jckpool.stratifier.share.SolutionOutcome;
import org.jckpool.stratifier.share.SolvedShareObserver;
import org.jckpool.stratifier.share.UpstreamForwarder;
import org.jckpool.stratifier.work.CoinbaseParts;
import org.jckpool.stratifier.work.Job;
import org.jckpool.stratifier.work.JobBook;
import org.jckpool.stratifier.work.Template;
import org.jckpool.stratifier.work.TemplateException;
import org.jckpool.stratifier.work.UpstreamJob;
import org.jckpool.stratifier.work.UpstreamTarget;
import org.jckpool.stratifier.work.UpstreamWork;
import org.jckpool.stratifier.work.WorkBase;

import java.time.InstantSource;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiConsumer;

/**
 * Work and difficulty going out to miners: jobs from templates (or, in proxy mode, from upstream work), who gets
 * them and when, {@code mining.set_difficulty} before the work it applies to, and the share checker that knows
 * the jobs. In user proxy mode each user has its own {@link UserLane} of jobs. Callers that pass a session hold
 * its monitor.
 */
final class WorkDistribution {

    private final EngineConfig config;
    private final ClientOutbound out;
    private final BlockSubmitter submitter;
    private final InstantSource clock;
    private final SessionRegistry sessions;
    private final AtomicLong stateChanges;
    private final JobBook jobs;
    private volatile ShareChecker checker;
    /** extranonce2 bytes miners get: nonce2length, or in proxy mode what the upstream leaves them. */
    private volatile int nonce2Length;
    private volatile ProxyLayout proxyLayout;
    private volatile UpstreamForwarder forwarder;
    /** Proxy mode: the version bits the active upstream granted (miners get the intersection). */
    private volatile int upstreamVersionMask = 0xffffffff;
    /** User proxy mode ({@code ckpool -u}): each user's work from its own upstream session. */
    private volatile boolean userProxy;
    private final ConcurrentMap<String, UserLane> lanes = new ConcurrentHashMap<>();
    private final UpstreamTargets upstreamTargets;
    private volatile BiConsumer<WorkBase, JsonNode> templateObserver = (b, t) -> { };
    private volatile BiConsumer<Job, JsonNode> jobObserver = (j, t) -> { };
    private volatile SolvedShareObserver solvedObserver = SolvedShareObserver.NONE;

    WorkDistribution(EngineConfig config, ClientOutbound out, BlockSubmitter submitter, InstantSource clock,
                     SessionRegistry sessions, AtomicLong stateChanges) {
        this.config = config;
        this.out = out;
        this.submitter = submitter;
        this.clock = clock;
        this.sessions = sessions;
        this.stateChanges = stateChanges;
        this.jobs = new JobBook(clock.millis(), config.jobGraceMillis());
        this.nonce2Length = config.work().nonce2Length();
        this.checker = new ShareChecker(jobs, nonce2Length, this::submitBlock);
        this.upstreamTargets = new UpstreamTargets(jobs, lanes);
    }

    JobBook jobs() {
        return jobs;
    }

    int nonce2Length() {
        return nonce2Length;
    }

    boolean userProxy() {
        return userProxy;
    }

    void userProxy(boolean on) {
        this.userProxy = on;
    }

    int upstreamVersionMask() {
        return upstreamVersionMask;
    }

    ProxyLayout proxyLayout() {
        return proxyLayout;
    }

    void templateObserver(BiConsumer<WorkBase, JsonNode> observer) {
        this.templateObserver = observer == null ? (b, t) -> { } : observer;
    }

    /**
     * Who hears of each job of the pool's own work once miners have it (mining nodes get it as a workinfo): with
     * the template for a new base, with null for a job that re-sends the current base under a new id. Not in solo
     * mode (each user's coinbase differs) or proxy mode (the work is the upstream's).
     */
    void jobObserver(BiConsumer<Job, JsonNode> observer) {
        this.jobObserver = observer == null ? (j, t) -> { } : observer;
    }

    /** Who hears of each share that solves a block of the pool's own work (mining nodes' block message). */
    void solvedObserver(SolvedShareObserver observer) {
        this.solvedObserver = observer == null ? SolvedShareObserver.NONE : observer;
        checker.solvedObserver(this.solvedObserver);
    }

    private void tellJobObserver(Job job, JsonNode template) {
        try {
            jobObserver.accept(job, template);
        } catch (RuntimeException e) {
            Log.err("job observer failed: %s", e);
        }
    }

    /** Proxy mode: who submits qualifying shares upstream. */
    void upstreamForwarder(UpstreamForwarder f) {
        this.forwarder = f;
        this.checker = new ShareChecker(jobs, nonce2Length, this::submitBlock, f);
        checker.solvedObserver(solvedObserver);
    }

    /** Proxy mode: shares go upstream. */
    boolean forwardsUpstream() {
        return forwarder != null;
    }

    /** User proxy mode: the upstream hears how many miners {@code user} has now. */
    void minersChanged(String user) {
        if (userProxy) {
            forwarder.userMiners(user, sessions.minersOf(user));
        }
    }

    double networkDiff() {
        Job j = jobs.current();
        return j == null ? 0 : j.base().networkDiff();
    }

    /**
     * Whether new work reaches this client: pool work once subscribed; solo and user-proxy work, which belong to
     * the authorised user, once authorised.
     */
    boolean receivesWork(ClientSession s) {
        return !s.dropped() && (config.solo() || userProxy ? s.isAuthorised() : s.isSubscribed());
    }

    /** The jobs a session mines on: the pool's, or in user proxy mode its user's (null before any arrived). */
    JobBook jobsOf(ClientSession s) {
        if (!userProxy) {
            return jobs;
        }
        UserLane l = s.userName() == null ? null : lanes.get(s.userName());
        return l == null ? null : l.jobs();
    }

    ShareChecker checkerOf(ClientSession s) {
        if (!userProxy) {
            return checker;
        }
        UserLane l = s.userName() == null ? null : lanes.get(s.userName());
        return l == null ? checker : l.checker();
    }

    /**
     * Right after the subscribe reply, as ckpool: set_difficulty and the current work (a ckpool proxy reads nothing
     * after its authorize reply). Solo and user-proxy work pay the authorised user, so they wait for that.
     */
    void afterSubscribe(ClientSession s, long now) {
        Job job = jobs.current();
        if (!config.solo() && !userProxy && !s.workSent() && job != null) {
            s.vardiff().capToNetwork(job.base().networkDiff(), now);
            sendWork(s, job, true);
        }
    }

    /**
     * Right after authorisation: the first work when the session has had none (solo and user proxy modes, or no
     * work yet at subscribe), else the current work again when its start difficulty changed.
     */
    void afterAuthorise(ClientSession s, boolean diffChanged, long now) {
        JobBook book = jobsOf(s);
        Job job = book == null ? null : book.current();
        if (job != null && !s.workSent()) {
            s.vardiff().capToNetwork(job.base().networkDiff(), now);
            sendWork(s, job, true);
        } else if (diffChanged) {
            difficultyChanged(s); // a worker default difficulty (ckdb): the work it had at subscribe, re-sent
        }
    }

    /**
     * A new getblocktemplate result. Builds work, sends it to every client that receives work (clean_jobs when the
     * previous block changed) and returns the job; throws {@link TemplateException} for unusable templates.
     */
    JobBook.Update onTemplate(JsonNode template) {
        Template t = Template.parse(template);
        long now = clock.millis();
        JobBook.Update u = jobs.add(t, config.work(), now);
        Job job = u.job();
        if (u.newBlock()) {
            Log.info("new block height %s, network difficulty %s", t.height(),
                    job.base().networkDiff());
        }
        stateChanges.incrementAndGet();
        try {
            // before any miner sees the job: a stratifier killed right after must still know it at restart
            templateObserver.accept(job.base(), template);
        } catch (RuntimeException e) {
            Log.err("template observer failed: %s", e);
        }
        if (config.solo()) {
            for (ClientSession s : sessions.all()) {
                synchronized (s) {
                    if (s.isAuthorised() && !s.dropped()) {
                        s.vardiff().capToNetwork(job.base().networkDiff(), now);
                        sendWork(s, job, u.newBlock());
                    }
                }
            }
        } else {
            // Everyone gets the same notify: record the difficulty per client, then one broadcast line.
            for (ClientSession s : sessions.all()) {
                synchronized (s) {
                    if (receivesWork(s)) {
                        announceDifficulty(s, job, now);
                        s.jobSent(job.id());
                    }
                }
            }
            out.broadcast(job.base().notifyLine(job.idHex(), config.poolPayoutScript(), u.newBlock()));
            tellJobObserver(job, template);
        }
        stateChanges.incrementAndGet();
        return u;
    }

    /**
     * Proxy mode: work from the active upstream ({@code upstream.work} params). The first one fixes the miners'
     * extranonce layout, from its {@code layout_extranonce2_size} when given (the scheduling proxy's room), else
     * from its own extranonce2 size; an upstream with more extranonce2 room than that gets zero padding, one with
     * less is refused ({@link TemplateException}), as is one too small to share at all.
     */
    JobBook.Update onUpstreamWork(JsonNode params) {
        UpstreamWork w = UpstreamWork.parse(params);
        ProxyLayout layout;
        synchronized (this) {
            layout = proxyLayout;
            if (layout == null) {
                layout = ProxyLayout.forFirstWork(params, w);
                proxyLayout = layout;
                nonce2Length = layout.minerNonce2();
                sessions.extranonce1Length(layout.carved());
                checker = new ShareChecker(jobs, nonce2Length, this::submitBlock, forwarder);
                checker.solvedObserver(solvedObserver);
                Log.info("proxy layout: miners get %s-byte extranonce1 and %s-byte extranonce2",
                        layout.carved(), layout.minerNonce2());
            }
        }
        int pad = layout.padding(w);
        UpstreamTarget target = upstreamTargets.forWork(w.generation(), w.difficulty());
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

    /** Proxy mode: the upstream connection {@code generation} changed its share difficulty. */
    void upstreamDifficulty(long generation, double diff) {
        upstreamTargets.difficulty(generation, diff);
    }

    /** New work to every authorised miner, or with {@code user} (user proxy mode) to that user's miners only. */
    private void distribute(JobBook.Update u, long now, String user) {
        Job job = u.job();
        String line = job.base().notifyLine(job.idHex(), config.poolPayoutScript(), u.newBlock());
        for (ClientSession s : sessions.all()) {
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
    void difficultyChanged(ClientSession s) {
        if (!receivesWork(s) || !s.workSent()) {
            return; // the difficulty goes out with the first work
        }
        JobBook book = jobsOf(s);
        Job alias = book == null ? null : book.aliasCurrent();
        if (alias == null) {
            return;
        }
        if (!config.solo() && !forwardsUpstream()) {
            tellJobObserver(alias, null);
        }
        sendWork(s, alias, false);
    }

    /**
     * A worker's default difficulty changed (ckdb heartbeat): above 0 it becomes the start and floor of every
     * connection authorised as that worker, sent at once; 0 removes the floor. @return connections affected
     */
    int workerDifficulty(String worker, double diff) {
        long now = clock.millis();
        double net = networkDiff();
        int n = 0;
        for (ClientSession s : sessions.all()) {
            synchronized (s) {
                if (s.dropped() || !s.isAuthorised() || !s.hasWorker(worker)) {
                    continue;
                }
                n++;
                if (diff > 0) {
                    if (!Double.isNaN(s.vardiff().suggest(diff, false, net, now))) {
                        Log.info("client %s worker %s default difficulty -> %s", s.clientId, worker,
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

    /** Retires old jobs (the pool's and every user's); returns whether the pool's jobs changed. */
    boolean retire(long now) {
        boolean changed = jobs.retire(now) > 0;
        lanes.values().forEach(l -> l.jobs().retire(now));
        return changed;
    }

    private SolutionOutcome submitBlock(BlockSolution solution) {
        try {
            return submitter.submit(solution);
        } catch (RuntimeException e) {
            Log.err("block %s could not be handed to the submitter: %s", solution.hash(), e);
            return SolutionOutcome.LOST;
        }
    }
}
