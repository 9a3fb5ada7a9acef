package org.jckpool.stratifier.process;

import org.jckpool.stratifier.link.ConnectorLink;
import org.jckpool.stratifier.link.NodeWorkPublisher;
import org.jckpool.stratifier.link.PassthroughLinks;
import org.jckpool.stratifier.remote.RemoteLedger;
import org.jckpool.stratifier.remote.RemoteReports;
import org.jckpool.stratifier.remote.TrustedRemotes;
import org.jckpool.stratifier.link.GeneratorLink;
import org.jckpool.stratifier.link.ScheduleControl;
import org.jckpool.stratifier.link.UpstreamRelay;
import org.jckpool.stratifier.status.ConsoleStatus;
import org.jckpool.stratifier.status.FoundBlocks;
import org.jckpool.stratifier.status.NetworkState;
import org.jckpool.stratifier.status.SnapshotBuilder;
import org.jckpool.stratifier.status.SnapshotPoolView;
import org.jckpool.stratifier.status.ProxyStatusLines;
import org.jckpool.stratifier.status.StatusStore;
import org.jckpool.stratifier.status.ShareLog;
import org.jckpool.stratifier.status.RestartWatch;
import org.jckpool.stratifier.solutions.SolutionJournal;
import org.jckpool.stratifier.admin.AdminCommands;
import org.jckpool.stratifier.admin.CkpoolApi;
import org.jckpool.stratifier.admin.HandoverSessions;

import org.jckpool.suite.config.PoolConfig;
import org.jckpool.libpool.ipc.FrameStream;
import org.jckpool.libpool.log.EventLog;
import org.jckpool.libpool.log.Log;
import org.jckpool.suite.process.ChildRuntime;
import org.jckpool.stratifier.ckdb.CkdbLink;
import org.jckpool.stratifier.ckdb.CkdbSettings;
import org.jckpool.stratifier.engine.EngineConfig;
import org.jckpool.stratifier.engine.StratumEngine;
import org.jckpool.stratifier.restart.RestartKeeper;
import org.jckpool.stratifier.session.ClientSession;
import org.jckpool.stratifier.share.BlockSolution;
import org.jckpool.stratifier.share.ShareResult;
import org.jckpool.webapi.metrics.Metrics;
import org.jckpool.stratifier.share.SolutionGate;
import org.jckpool.webapi.view.PoolSummary;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The stratifier process: wires the {@link StratumEngine} to the connector stream ({@link ConnectorLink}, routed by
 * {@link EngineEvents}), the generator stream ({@link GeneratorLink}, applied by {@link GeneratorEvents}), the
 * control socket ({@link AdminCommands}, {@link AdminActions}), the status files, the share log and the web API
 * ({@link WebApiLauncher}).
 *
 * <p>Threading: the engine is thread-safe (per-connection monitors), so nothing is queued in front of it. The
 * connector stream's reader thread calls the engine for every client line and the engine's replies go straight
 * onto the stream's write queue (one hop in, one out: the share path has no executor hand-off). The generator
 * stream's reader thread delivers templates; one timer thread runs the engine tick, publishes the stats snapshot
 * for HTTP and admin readers, prints the console line, writes the status files each minute and asks for a
 * template when none came for update_interval seconds.
 */
public final class StratifierProcess {
    static final long STATUS_WRITE_MILLIS = 60_000;

    private final ChildRuntime rt;
    private final PoolConfig cfg;
    private final Clock clock = Clock.systemUTC();
    private final Metrics metrics;
    private final NetworkState network = new NetworkState();
    private final FoundBlocks blocks = new FoundBlocks();
    private final ConnectorLink connector;
    private final GeneratorLink generator;
    private final SolutionGate solutions;
    private final SolutionJournal journal;
    private final StratumEngine engine;
    private final PassthroughLinks passthrough;
    private final TrustedRemotes remotes;
    private final RemoteReports reports;
    private final StatusStore status;
    private final ShareLog shareLog;
    private final SnapshotPoolView view;
    private final CkdbLink ckdb;
    private final RestartKeeper restart;
    private final boolean proxy;
    private final UpstreamRelay relay;
    private final ScheduledExecutorService timer;
    private final Instant startedAt = Instant.now();
    private final GeneratorEvents generatorEvents;
    private final HandoverSessions handover;
    private volatile long lastUpdateAsk;
    private long lastStatusWrite;
    private final WebApiLauncher web;

    private StratifierProcess(ChildRuntime rt, EngineConfig engineConfig, Optional<CkdbSettings> ckdbSettings) {
        this.rt = rt;
        this.cfg = rt.config();
        // the JVM's own metrics (JMX beans, a few hundred classes and some MB) only where /metrics is served
        this.metrics = WebApiLauncher.wanted(cfg) ? Metrics.create() : Metrics.withoutJvm(clock);
        EngineEvents events = new EngineEvents(metrics, rt.args().proxy());
        this.connector = new ConnectorLink(events, this::canServeMiners);
        Path logdir = Path.of(cfg.logdir());
        try {
            this.journal = SolutionJournal.open(logdir.resolve(rt.args().name() + ".solutions"));
        } catch (IOException e) {
            throw new UncheckedIOException("solutions journal: " + e.getMessage(), e);
        }
        this.solutions = new SolutionGate(this::handOver);
        this.passthrough = new PassthroughLinks(connector, events);
        this.engine = new StratumEngine(engineConfig, passthrough, solutions, clock);
        if (!engineConfig.solo() && !rt.args().proxy()) {
            // mining nodes (ckpool -N) on the nodeserver ports get every job with its transactions
            NodeWorkPublisher nodeWork = new NodeWorkPublisher(passthrough, engineConfig.poolPayoutScript());
            passthrough.nodes(cfg.nodeServerIndexes(), nodeWork::nodeAdded);
            engine.jobObserver(nodeWork::job);
            engine.solvedObserver(nodeWork::blockSolved);
        }
        this.handover = new HandoverSessions(engine);
        this.status = new StatusStore(logdir);
        this.shareLog = rt.args().logShares() ? new ShareLog(logdir) : null;
        this.restart = new RestartKeeper(engine, logdir, clock);
        restart.keep("links", passthrough::changes, passthrough::snapshot, passthrough::restore);
        this.engine.shareObserver(this::onShare);
        try {
            this.ckdb = ckdbSettings.isPresent() ? CkdbLink.open(ckdbSettings.get(), engine, clock) : null;
        } catch (IOException e) {
            throw new UncheckedIOException("ckdb journal: " + e.getMessage(), e);
        }
        this.generatorEvents = new GeneratorEvents(engine, network, metrics, journal, solutions, blocks, ckdb);
        try {
            // ckpool refuses remotes in its proxy modes: no trusted server there
            this.remotes = new TrustedRemotes(rt.args().proxy() ? Set.of() : cfg.trustedServerIndexes(), engine.stats(),
                    RemoteLedger.open(logdir.resolve("remotes")), connector,
                    id -> engine.onDisconnect(id, "became a trusted remote"), clock, engine::reserveWorkId);
            this.reports = rt.args().trusted() ? RemoteReports.start(logdir.resolve("remote"), cfg.upstream(),
                    rt.args().name(), "jckpool/0.1", RemoteReports.maxPending(cfg.raw())) : null;
        } catch (IOException e) {
            throw new UncheckedIOException("trusted remote files: " + e.getMessage(), e);
        }
        events.bind(connector, passthrough, remotes, engine);
        if (ckdb != null) {
            remotes.ckdb(ckdb::forward);
        }
        if (reports != null) {
            generatorEvents.workObserver(b -> reports.workinfo(b, clock.millis()));
            engine.authoriser(reports.authoriser()); // the main pool decides, as ckpool's remote asks it
            reports.authoriser().dropWith((id, why) -> passthrough.drop(id, why));
        }
        remotes.authoriser(engine::authoriser);
        this.generator = new GeneratorLink(rt.socketOf("generator"), generatorEvents);
        this.proxy = rt.args().proxy();
        this.relay = proxy ? new UpstreamRelay(generator, engine) : null;
        if (relay != null) {
            generatorEvents.relay(relay);
            engine.upstreamForwarder(relay);
            relay.userProxy(rt.args().userproxy());
            engine.userProxy(rt.args().userproxy());
        }
        this.view = new SnapshotPoolView(new SnapshotBuilder(engine, network, blocks, startedAt), blocks);
        if (relay != null) {
            view.upstreams(relay::upstreams);
            view.schedule(new ScheduleControl(rt.socketOf("generator")));
        }
        // a trusted remote (-t) is a pool that also reports upstream: its link goes in as "upstream"
        String mode = proxy ? "proxy" : reports != null ? "remote" : "pool";
        view.passthrough(() -> {
            var o = org.jckpool.libpool.json.Json.object().put("mode", mode);
            o.set("downstream", passthrough.status());
            o.set("remotes", remotes.json().get("remotes"));
            if (reports != null) {
                o.set("upstream", reports.json());
            }
            return o;
        });
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "stratifier-timer");
            t.setDaemon(true);
            return t;
        });
        this.web = new WebApiLauncher(cfg, view, metrics, timer);
    }

    /** Work has arrived and, after a handover, the old instance's sessions too. */
    private boolean canServeMiners() {
        return generatorEvents.haveWork() && handover.ready();
    }

    /** The ChildRuntime setup: everything registered here starts with the control socket. */
    public static void setup(ChildRuntime rt) {
        EngineConfig ec;
        Optional<CkdbSettings> ckdb;
        try {
            ec = EngineSettings.from(rt.config(), rt.args().btcsolo(), rt.args().proxy());
            ckdb = CkdbSettings.of(rt.config(), rt.args().name());
            if (rt.args().trusted()) {
                RemoteReports.maxPending(rt.config().raw()); // checked here, used by the constructor
            }
        } catch (IllegalArgumentException e) {
            // Stay up (the supervisor would only restart us into the same error) but serve no miners.
            Log.crit("Stratifier cannot serve miners: %s", e.getMessage());
            rt.commands().json("stats", p -> rt.baseStats().put("error", e.getMessage()));
            return;
        }
        new StratifierProcess(rt, ec, ckdb).install();
    }

    private void install() {
        status.restore(engine);
        if (proxy) {
            // work lives upstream: a restarted proxy stratifier waits for the upstream's work, no snapshot
            Log.notice("Proxy mode: miners are served once the first upstream work arrives");
        } else {
            // Before the connector stream: its resumed clients find their sessions. Not for a handover: the old
            // instance is alive and hands its sessions over itself (restored ones would hold their extranonce1s).
            generatorEvents.haveWork(!handover.startedForHandover() && restart.restore());
            restart.start();
        }
        rt.onStream(connector);
        new AdminCommands(view, new AdminActions(engine, connector, generator, journal, status, ckdb,
                this::askForUpdate, rt::uptime), rt::baseStats).register(rt.commands());
        new CkpoolApi(view, engine, clock).register(rt.commands());
        handover.register(rt.commands());
        rt.commands().json("downstreams", p -> passthrough.describe());
        if (relay != null) {
            rt.commands().json("upstreams", p -> relay.upstreams());
        }
        rt.commands().json("passthrough", p -> view.passthrough().orElseThrow());
        rt.commands().json("remotes", p -> remotes.json());
        if (reports != null) {
            rt.commands().json("upstream", p -> reports.json());
        }
        rt.onShutdown(this::shutdown);
        web.start(handover.startedForHandover());
        lastStatusWrite = clock.millis();
        lastUpdateAsk = clock.millis();
        timer.scheduleAtFixedRate(this::everySecond, 1, 1, TimeUnit.SECONDS);
        RestartWatch restarts = new RestartWatch(rt.socketOf("listener"), metrics::processRestarted,
                d -> metrics.ipcLatency("listener", d));
        timer.scheduleWithFixedDelay(restarts::poll, 1, RestartWatch.POLL_SECONDS, TimeUnit.SECONDS);
        if (ckdb != null) {
            ckdb.start();
        }
        generator.start();
    }

    private void everySecond() {
        try {
            long now = clock.millis();
            engine.tick();
            remotes.flush();
            PoolSummary s = view.refresh(now).pool();
            metrics.clientsConnected(s.clients());
            view.passthrough().ifPresent(metrics::passthroughStatus);
            FrameStream cs = connector.stream();
            metrics.ipcQueueDepth("connector", cs == null ? 0 : cs.queued());
            metrics.ipcQueueDepth("generator", generator.queued());
            if (shareLog != null) {
                shareLog.flush();
            }
            String line = consoleLine(s);
            if (!rt.args().quiet()) {
                ConsoleStatus.print(System.out, line);
            }
            long interval = Math.max(1, cfg.updateInterval()) * 1000L;
            if (now - Math.max(network.templateMillis(), lastUpdateAsk) >= interval) {
                lastUpdateAsk = now;
                generator.requestUpdate();
            }
            if (now - lastStatusWrite >= STATUS_WRITE_MILLIS) {
                lastStatusWrite = now;
                if (reports != null) {
                    reports.userStats(engine.stats(), now);
                }
                writeStatus();
                Log.notice("%s", line);
            }
        } catch (RuntimeException e) {
            Log.err("Stratifier timer: %s", e);
        }
    }

    private String consoleLine(PoolSummary s) {
        return proxy ? ConsoleStatus.proxyLine(s, relay.upstreams(), connector.connected(), generator.connected())
                : ConsoleStatus.line(s, connector.connected(), generator.connected());
    }

    /** pool.status and users/* as in every mode; in the proxy modes also ckpool's Proxy lines in the log. */
    private void writeStatus() {
        status.write(engine);
        if (proxy) {
            ProxyStatusLines.Lines l = ProxyStatusLines.render(relay.upstreams(), engine.poolCounts().workers(),
                    rt.args().userproxy());
            Log.notice("%s", l.proxy());
            l.detail().forEach(d -> Log.info("%s", d));
        }
    }

    private void shutdown() {
        timer.shutdownNow();
        web.close();
        writeStatus();
        remotes.flush();
        if (!proxy) {
            restart.close();
        }
        if (shareLog != null) {
            shareLog.close();
        }
        generator.close();
        journal.close();
        if (reports != null) {
            reports.close();
        }
        if (ckdb != null) {
            ckdb.close();
        }
    }

    /**
     * A solution the gate lets through, on the share path before the miner is answered: first forced to the
     * journal (it survives our death from here on), then queued to the generator, which keeps it until a result
     * comes back and sends it again on every reconnect.
     */
    private void handOver(BlockSolution s) {
        journal.solved(s, clock.instant().getEpochSecond());
        generator.send(s);
    }

    // ---------------------------------------------------------------- share path hooks

    private void onShare(ClientSession s, ShareResult r, long now) {
        if (r.accepted()) {
            metrics.shareAccepted(r.assignedDiff());
        } else {
            metrics.shareRejected(r.reason().rejectReason);
            EventLog events = EventLog.global();
            if (events.enabled()) { // skips boxing the fields of every refused share when the log is off
                events.event(EventLog.SHARE_REJECTED, "id", s.clientId, "worker", s.workerName(), "reason",
                        r.reason().rejectReason, "diff", r.assignedDiff(), "share_diff", r.shareDiff());
            }
        }
        if (r.blockHash() != null) {
            long height = r.job() == null ? 0 : r.job().base().height();
            if (blocks.solved(r.blockHash(), height, s.workerName(), Instant.ofEpochMilli(now), r.solution())) {
                metrics.blockFound();
                EventLog.global().event(EventLog.BLOCK_FOUND, "hash", r.blockHash(), "height", height, "worker",
                        s.workerName(), "diff", r.shareDiff(), "outcome", r.solution().label());
                if (r.solution().isFinal()) {
                    metrics.blockSolution(r.solution().label());
                }
            }
        }
        if (shareLog != null) {
            shareLog.record(s, r, now);
        }
        if (ckdb != null) {
            ckdb.share(s, r, now);
        }
        if (reports != null) {
            reports.share(s, r, now);
        }
    }

    /** Asks the generator for a template now (ckpmsg update); false when there is no generator stream. */
    private boolean askForUpdate() {
        lastUpdateAsk = clock.millis();
        return generator.requestUpdate();
    }
}
