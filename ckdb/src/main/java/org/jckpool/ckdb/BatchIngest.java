package org.jckpool.ckdb;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.function.Supplier;
import org.jckpool.ckdb.PoolMessageIngest.Admit;
import org.jckpool.ckdb.memory.MemoryTables;
import org.jckpool.ckdb.message.BadRequestException;
import org.jckpool.ckdb.message.BatchReader;
import org.jckpool.ckdb.message.Fields;
import org.jckpool.ckdb.store.DbWriter;

/**
 * The pool's batches: many messages of one source under one memory lock. A bad message fails alone; the reply
 * counts what was accepted, duplicated and failed, and says how far the source is durable.
 */
final class BatchIngest {
    private final ObjectMapper mapper;
    private final MemoryTables m;
    private final Supplier<DbWriter> writer;
    private final PoolMessageIngest ingest;

    BatchIngest(ObjectMapper mapper, MemoryTables m, Supplier<DbWriter> writer, PoolMessageIngest ingest) {
        this.mapper = mapper;
        this.m = m;
        this.writer = writer;
        this.ingest = ingest;
    }

    /** A batch parsed as a JSON tree (the general path). */
    Object batch(ObjectNode p) throws BadRequestException {
        String source = Fields.name(p, "source");
        JsonNode msgs = p.get("messages");
        if (msgs == null || !msgs.isArray()) {
            throw new BadRequestException("missing field 'messages' (array)");
        }
        BatchTally tally = new BatchTally();
        synchronized (m) {
            for (JsonNode msg : msgs) {
                try {
                    if (!(msg instanceof ObjectNode o) || !o.path("method").isTextual()
                            || !(o.get("params") instanceof ObjectNode params)) {
                        throw new BadRequestException("message must be {\"method\",\"params\"}");
                    }
                    String cmd = o.get("method").asText().toLowerCase();
                    tally.admitted(admitPoolMessage(source, cmd, params));
                } catch (BadRequestException e) {
                    tally.failed(e.getMessage());
                }
            }
        }
        return tally.reply(source);
    }

    /** A batch read by {@link BatchReader}'s streaming parser: shares never become JSON trees. */
    Object batch(BatchReader.Batch b) {
        String source = b.source();
        BatchTally tally = new BatchTally();
        synchronized (m) {
            for (BatchReader.Item item : b.items()) {
                try {
                    if (item instanceof BatchReader.ShareItem si) {
                        if (!source.equals(si.share().sourceText())) {
                            throw new BadRequestException("message source differs from batch source");
                        }
                        tally.admitted(ingest.admitAndApplyShare(source, si.share()));
                    } else if (item instanceof BatchReader.TreeItem ti) {
                        tally.admitted(admitPoolMessage(source, ti.method(), ti.params()));
                    } else {
                        throw new BadRequestException(((BatchReader.BadItem) item).reason());
                    }
                } catch (BadRequestException e) {
                    tally.failed(e.getMessage());
                }
            }
        }
        return tally.reply(source);
    }

    private Admit admitPoolMessage(String source, String cmd, ObjectNode params) throws BadRequestException {
        if (!PoolMessageIngest.isPoolMessage(cmd)) {
            throw new BadRequestException("not a pool message: '" + cmd + "'");
        }
        if (!source.equals(params.path("source").asText())) {
            throw new BadRequestException("message source differs from batch source");
        }
        return ingest.admitAndApply(cmd, params);
    }

    /** What one batch did, and its reply: counts, the first ten errors, and how far the source is durable. */
    private final class BatchTally {
        private int accepted;
        private int duplicates;
        private int failed;
        private final ArrayNode errors = mapper.createArrayNode();

        void admitted(Admit a) {
            if (a == Admit.ACCEPTED) {
                accepted++;
            } else {
                duplicates++;
            }
        }

        void failed(String why) {
            failed++;
            if (errors.size() < 10) {
                errors.add(why);
            }
        }

        ObjectNode reply(String source) {
            ObjectNode r = mapper.createObjectNode();
            r.put("accepted", accepted);
            r.put("duplicates", duplicates);
            r.put("failed", failed);
            r.put("durable", writer.get().durableSeq(source));
            r.set("errors", errors);
            return r;
        }
    }
}
