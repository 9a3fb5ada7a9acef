package org.jckpool.stratifier.process;

import org.jckpool.stratifier.link.GeneratorListener;
import org.jckpool.stratifier.link.BlockSubmission;
import org.jckpool.stratifier.link.UpstreamRelay;
import org.jckpool.stratifier.status.FoundBlocks;
import org.jckpool.stratifier.status.NetworkState;
import org.jckpool.stratifier.solutions.SolutionJournal;
import org.jckpool.stratifier.solutions.SolutionRecovery;
import com.fasterxml.jackson.databind.JsonNode;
import org.jckpool.stratifier.work.WorkBase;
import java.util.function.Consumer;
import org.jckpool.libpool.json.Json;
import org.jckpool.libpool.log.EventLog;
import org.jckpool.libpool.log.Log;
import org.jckpool.stratifier.ckdb.CkdbLink;
import org.jckpool.stratifier.engine.StratumEngine;
import org.jckpool.stratifier.work.JobBook;
import org.jckpool.stratifier.work.TemplateException;
import org.jckpool.webapi.metrics.Metrics;
import org.jckpool.webapi.view.FoundBlock;
import org.jckpool.stratifier.share.SolutionGate;
import org.jckpool.stratifier.share.SolutionOutcome;
import java.time.Instant;

/**
 * What the generator stream delivers, applied: templates and upstream work to the engine (and the network state,
 * ckdb, metrics; on the first template since start, the solutions journal's resubmission), the proxy's upstream
 * difficulty, share results and status, node status, and each block solution's outcome (gate, journal, ckdb,
 * found blocks, metrics, event log, the log line and a message to the miners). Calls come from the generator
 * stream's reader thread.
 */
final class GeneratorEvents implements GeneratorListener {
    /** Hears of every new work base (a trusted remote's reports). */
    private volatile Consumer<WorkBase> workObserver = b -> {
    };

    private final StratumEngine engine;
    private final NetworkState network;
    private final Metrics metrics;
    private final SolutionJournal journal;
    private final SolutionGate solutions;
    private final FoundBlocks blocks;
    private final CkdbLink ckdb;
    private volatile UpstreamRelay relay;
    private volatile boolean haveWork;
    /** Set on the first template: journaled solutions were resubmitted or closed (generator thread only). */
    private boolean journalRecovered;

    GeneratorEvents(StratumEngine engine, NetworkState network, Metrics metrics, SolutionJournal journal,
                    SolutionGate solutions, FoundBlocks blocks, CkdbLink ckdb) {
        this.engine = engine;
        this.network = network;
        this.metrics = metrics;
        this.journal = journal;
        this.solutions = solutions;
        this.blocks = blocks;
        this.ckdb = ckdb;
    }

    /** Proxy mode: where upstream share results and status go (made after the generator link it needs). */
    void relay(UpstreamRelay relay) {
        this.relay = relay;
    }

    /** Work has arrived (a template, upstream work, or the restart snapshot's). */
    boolean haveWork() {
        return haveWork;
    }

    void haveWork(boolean restored) {
        haveWork = restored;
    }

    void workObserver(Consumer<WorkBase> observer) {
        this.workObserver = observer;
    }

    @Override
    public void template(JsonNode template, String node, String reason) {
        JobBook.Update u;
        try {
            u = engine.onTemplate(template);
        } catch (TemplateException | IllegalArgumentException e) {
            Log.err("Unusable template from %s (%s): %s", node, reason, e.getMessage());
            return;
        }
        Instant now = Instant.now();
        long height = u.job().base().height();
        double diff = u.job().base().networkDiff();
        network.template(height, diff, now);
        if (ckdb != null) {
            ckdb.workinfo(u.job().base());
        }
        workObserver.accept(u.job().base());
        metrics.templateReceived(height, diff, now);
        if (u.newBlock()) {
            Log.notice("New block: height %d, network difficulty %.6g (%s, %s)", height, diff, reason, node);
        } else {
            Log.info("Template update: height %d (%s)", height, reason);
        }
        if (!journalRecovered) {
            // the first template since start tells which journaled solutions are still on the tip (the
            // restart snapshot may have let the connector in before it)
            journalRecovered = true;
            int resubmitted = SolutionRecovery.resume(journal, u.job().base().template().prevHash(), solutions,
                    blocks);
            if (resubmitted > 0) {
                Log.warning("%d journaled block solution(s) submitted again", resubmitted);
            }
        }
        if (!haveWork) {
            haveWork = true;
            Log.notice("First template: accepting the connector");
        }
    }

    @Override
    public void upstreamWork(JsonNode params) {
        JobBook.Update u;
        try {
            u = engine.onUpstreamWork(params);
        } catch (TemplateException | IllegalArgumentException e) {
            Log.err("Unusable upstream work from %s: %s", Json.text(params, "url"), e.getMessage());
            return;
        } finally {
            UpstreamRelay r = relay;
            if (r != null) {
                r.checkAnnouncedLayout(params);
            }
        }
        Instant now = Instant.now();
        long height = u.job().base().height();
        double diff = u.job().base().networkDiff();
        network.template(height, diff, now);
        metrics.templateReceived(height, diff, now);
        if (params.path("switch").asBoolean(false)) {
            Log.info("Switched to upstream %s: job %s, height %d, upstream difficulty %s", Json.text(params, "url"),
                    u.job().base().upstream().jobId(), height, params.path("difficulty").asText());
        } else if (u.newBlock()) {
            Log.notice("New upstream work (clean): %s job %s, height %d, upstream difficulty %s",
                    Json.text(params, "url"), u.job().base().upstream().jobId(), height,
                    params.path("difficulty").asText());
        } else {
            Log.info("Upstream work: job %s", u.job().base().upstream().jobId());
        }
        if (!haveWork) {
            haveWork = true;
            Log.notice("First upstream work: accepting the connector");
        }
    }

    @Override
    public void streamOpened() {
        UpstreamRelay r = relay;
        if (r != null) {
            r.reportLayout();
        }
    }

    @Override
    public void upstreamDifficulty(JsonNode params) {
        engine.upstreamDifficulty(params.path("generation").asLong(-1), params.path("difficulty").asDouble(0));
        Log.info("Upstream difficulty now %s", params.path("difficulty").asText());
    }

    @Override
    public void upstreamShareResult(JsonNode params) {
        if (relay != null) {
            relay.result(params);
        }
    }

    @Override
    public void upstreamStatus(JsonNode params) {
        if (relay != null) {
            relay.status(params);
            metrics.upstreamStatus(params);
        }
    }

    @Override
    public void nodeStatus(JsonNode params) {
        EventLog.global().event(EventLog.NODE_STATUS, "status", params);
        if (network.nodeStatus(params)) {
            metrics.nodeFailover();
            Log.warning("Generator switched to node %s", network.activeNode());
        }
        metrics.nodeStatus(network.nodes());
    }

    @Override
    public void blockResult(BlockSubmission b, SolutionOutcome outcome, boolean confirmed, String reason,
                            String node) {
        solutions.result(b.hash(), outcome);
        journal.outcome(b.hash(), outcome, Instant.now().getEpochSecond());
        boolean accepted = outcome == SolutionOutcome.ACCEPTED;
        if (ckdb != null) {
            ckdb.blockResult(b.hash(), outcome, confirmed);
        }
        FoundBlock f = blocks.result(b.hash(), b.height(), outcome, Instant.now());
        metrics.blockSolution(outcome.label());
        if (outcome != SolutionOutcome.LOST) {
            metrics.blockSubmitted(accepted);
        }
        EventLog.global().event(accepted ? EventLog.BLOCK_ACCEPTED : EventLog.BLOCK_REJECTED, "hash", b.hash(),
                "height", b.height(), "worker", f.worker(), "node", node, "confirmed", confirmed, "reason", reason,
                "outcome", outcome.label());
        String worker = f.worker() == null ? "?" : f.worker();
        if (accepted) {
            Log.warning("BLOCK ACCEPTED height %d hash %s worker %s node %s", b.height(), b.hash(), worker, node);
            engine.showMessageAll("Block " + b.height() + " found by " + worker + " accepted: " + b.hash());
        } else if (outcome == SolutionOutcome.LOST) {
            Log.emerg("BLOCK LOST height %d hash %s worker %s: no node answered (%s)", b.height(), b.hash(),
                    worker, reason);
        } else {
            Log.err("BLOCK REJECTED height %d hash %s worker %s node %s: %s", b.height(), b.hash(), worker, node,
                    reason);
            engine.showMessageAll("Block " + b.height() + " by " + worker + " rejected: " + reason);
        }
    }
}
