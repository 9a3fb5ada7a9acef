package org.jckpool.stratifier.restart;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.jckpool.libpool.json.Json;
import org.jckpool.stratifier.session.SessionRecord;
import org.jckpool.stratifier.work.JobBook;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The restart snapshot's main file ({@code state.json}): jobs (templates apart), sessions and the parts kept
 * beside the engine's state (by name, each part's own JSON: {@link RestartKeeper#keep}).
 */
public record RestartSnapshot(long writtenMillis, JobBook.State jobs, List<SessionRecord> sessions,
                              Map<String, JsonNode> parts) {

    public RestartSnapshot(long writtenMillis, JobBook.State jobs, List<SessionRecord> sessions) {
        this(writtenMillis, jobs, sessions, Map.of());
    }

    public ObjectNode toJson() {
        ObjectNode o = Json.object();
        o.put("written", writtenMillis);
        ObjectNode j = o.putObject("jobs");
        j.put("next", jobs.nextId());
        j.put("current", jobs.currentId());
        j.put("block_change", jobs.blockChangeId());
        ArrayNode bases = j.putArray("bases");
        for (JobBook.BaseState b : jobs.bases()) {
            bases.addArray().add(b.id()).add(b.createdMillis()).add(b.supersededAtMillis());
        }
        ArrayNode ids = j.putArray("ids"); // [job id, base id] pairs
        jobs.jobs().forEach((id, base) -> ids.addArray().add(id).add(base));
        ArrayNode ss = o.putArray("sessions");
        for (SessionRecord r : sessions) {
            ObjectNode s = ss.addObject();
            s.put("id", r.clientId());
            s.put("en1", r.extranonce1());
            s.put("agent", r.userAgent());
            ArrayNode w = s.putArray("workers");
            r.workers().forEach(w::add);
            s.put("user", r.user());
            s.put("payout", r.payoutHex());
            s.put("mask", r.versionMask());
            s.put("xsub", r.extranonceSubscribed());
            s.put("diff", r.diff());
            s.put("suggested", r.suggested());
            s.put("minimum", r.minerMinimum());
            s.put("best", r.bestShare());
            ArrayNode jd = s.putArray("jobs");
            for (SessionRecord.JobDiff d : r.jobs()) {
                jd.addArray().add(d.jobId()).add(d.diff());
            }
        }
        if (!parts.isEmpty()) {
            ObjectNode p = o.putObject("parts");
            parts.forEach(p::set);
        }
        return o;
    }

    /** Reads {@link #toJson}'s form; throws IllegalArgumentException for anything else. */
    public static RestartSnapshot fromJson(JsonNode o) {
        if (o == null || !o.path("jobs").isObject() || !o.path("sessions").isArray() || !o.has("written")) {
            throw new IllegalArgumentException("not a restart snapshot");
        }
        JsonNode j = o.get("jobs");
        List<JobBook.BaseState> bases = new ArrayList<>();
        for (JsonNode b : j.path("bases")) {
            bases.add(new JobBook.BaseState(b.get(0).asLong(), b.get(1).asLong(), b.get(2).asLong()));
        }
        Map<Long, Long> ids = new HashMap<>();
        for (JsonNode p : j.path("ids")) {
            ids.put(p.get(0).asLong(), p.get(1).asLong());
        }
        JobBook.State state = new JobBook.State(j.path("next").asLong(), j.path("current").asLong(-1),
                j.path("block_change").asLong(), bases, ids);
        List<SessionRecord> sessions = new ArrayList<>();
        for (JsonNode s : o.get("sessions")) {
            List<String> workers = new ArrayList<>();
            s.path("workers").forEach(w -> workers.add(w.asText()));
            List<SessionRecord.JobDiff> jd = new ArrayList<>();
            for (JsonNode d : s.path("jobs")) {
                jd.add(new SessionRecord.JobDiff(d.get(0).asLong(), d.get(1).asDouble()));
            }
            sessions.add(new SessionRecord(s.get("id").asLong(), s.get("en1").asLong(), s.path("agent").asText(""),
                    workers, textOrNull(s, "user"), textOrNull(s, "payout"), s.path("mask").asInt(),
                    s.path("xsub").asBoolean(), s.path("diff").asDouble(), s.path("suggested").asDouble(),
                    s.path("minimum").asDouble(), s.path("best").asDouble(), jd));
        }
        Map<String, JsonNode> parts = new HashMap<>();
        o.path("parts").fields().forEachRemaining(e -> parts.put(e.getKey(), e.getValue()));
        return new RestartSnapshot(o.get("written").asLong(), state, sessions, parts);
    }

    private static String textOrNull(JsonNode o, String field) {
        JsonNode v = o.get(field);
        return v == null || v.isNull() ? null : v.asText();
    }
}
