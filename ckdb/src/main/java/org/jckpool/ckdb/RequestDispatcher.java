package org.jckpool.ckdb;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.jckpool.ckdb.chain.ChainPoll;
import org.jckpool.ckdb.memory.MemoryTables;
import org.jckpool.ckdb.message.BadRequestException;
import org.jckpool.ckdb.message.BatchReader;
import org.jckpool.ckdb.message.Request;
import org.jckpool.ckdb.message.RequestParser;
import org.jckpool.libpool.log.Log;

/**
 * Every request text in, one reply text out: the pool's batches take a streaming fast path, anything else is
 * parsed and sent by its command to the part that serves it. Never throws; a bad request gets a failed reply.
 */
final class RequestDispatcher {
    /** The service's parts a request can reach. */
    record Parts(PoolMessageIngest ingest, BatchIngest batches, BlockStatusChanges blockStatus,
                 PoolRequests pool, AdminOperations admin, MemoryQueries queries) {
    }

    private final MemoryTables m;
    private final RequestParser parser;
    private final BatchReader batchReader;
    private final CkdbReplies replies;
    private final Parts parts;
    private final ChainPoll chainPoll;
    private final Runnable shutdown;

    RequestDispatcher(ObjectMapper mapper, MemoryTables m, Parts parts, ChainPoll chainPoll,
                      Runnable shutdown) {
        this.m = m;
        this.parser = new RequestParser(mapper);
        this.batchReader = new BatchReader(mapper);
        this.replies = new CkdbReplies(mapper);
        this.parts = parts;
        this.chainPoll = chainPoll;
        this.shutdown = shutdown;
    }

    String handle(String text) {
        if (text != null && text.length() <= RequestParser.MAX_REQUEST_CHARS && BatchReader.looksLikeBatch(text)) {
            String reply = handleStreamedBatch(text);
            if (reply != null) {
                return reply;
            }
        }
        Request req;
        try {
            req = parser.parse(text);
        } catch (BadRequestException e) {
            return replies.failed(CkdbReplies.guessForm(text), e.id(), e.getMessage());
        }
        try {
            Object result = dispatch(req);
            return replies.ok(req, result);
        } catch (BadRequestException e) {
            return replies.failed(req.form(), req.id(), e.getMessage());
        } catch (RuntimeException e) {
            Log.err("%s failed: %s", req.cmd(), e);
            return replies.failed(req.form(), req.id(), "internal error");
        }
    }

    /** The fast path for the pool's batches; null when the reader leaves the text to the general path. */
    private String handleStreamedBatch(String text) {
        BatchReader.Batch b;
        try {
            b = batchReader.read(text);
        } catch (BadRequestException e) {
            return replies.failed(Request.Form.JSON, e.id(), e.getMessage());
        }
        if (b == null) {
            return null;
        }
        Request req = new Request("batch", b.id(), null, Request.Form.JSON);
        try {
            return replies.ok(req, parts.batches().batch(b));
        } catch (RuntimeException e) {
            Log.err("batch failed: %s", e);
            return replies.failed(req.form(), req.id(), "internal error");
        }
    }

    private Object dispatch(Request req) throws BadRequestException {
        ObjectNode p = req.params();
        switch (req.cmd()) {
            case "ping":
                return "pong";
            case "loglevel":
                return "success";
            case "shutdown":
            case "terminate":
                shutdown.run();
                return "exiting";
            case "batch":
                return parts.batches().batch(p);
            case "authorise":
            case "authorize":
                return parts.pool().authorise(p);
            case "heartbeat":
                return parts.pool().heartbeat(p);
            case "adduser":
                return parts.admin().addUser(p);
            case "userlogin":
                return parts.admin().userLogin(p);
            case "setworkerdiff":
                return parts.admin().setWorkerDiff(p);
            case "setaddresses":
                return parts.admin().setAddresses(p);
            case "blockstatus":
                if (!p.has("source")) {
                    synchronized (m) {
                        return parts.blockStatus().apply(p, null, -1);
                    }
                }
                return parts.ingest().message(req.cmd(), p);
            case "pollblocks":
                return pollBlocks();
            case "users":
                return parts.queries().users();
            case "user":
                return parts.queries().user(p);
            case "workers":
                return parts.queries().workers(p);
            case "blocks":
                return parts.queries().blocks();
            case "payouts":
                return parts.queries().payouts(p);
            case "pool":
            case "stats":
                return parts.queries().pool();
            case "sources":
                return parts.queries().sources();
            default:
                if (PoolMessageIngest.isPoolMessage(req.cmd())) {
                    return parts.ingest().message(req.cmd(), p);
                }
                throw new BadRequestException("unknown command '" + req.cmd() + "'");
        }
    }

    private Object pollBlocks() throws BadRequestException {
        if (chainPoll == null) {
            throw new BadRequestException("no bitcoind configured for block confirmation");
        }
        return "changed " + chainPoll.pollOnce();
    }
}
