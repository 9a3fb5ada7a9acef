package org.jckpool.testminer.stratum;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * What a pool said about a mining.submit. Accepted only on {@code "result": true}; anything else is a reject,
 * and the reason comes from ckpool's "reject-reason", the standard {@code [code, "message", null]} error, or
 * whatever the error member holds.
 */
public record SubmitOutcome(boolean accepted, Integer code, String reason) {

    public static SubmitOutcome of(StratumMessage reply) {
        JsonNode result = reply.result();
        JsonNode error = reply.error();
        if (result.isBoolean() && result.asBoolean() && error.isNull()) {
            return new SubmitOutcome(true, null, null);
        }
        String rejectReason = reply.rejectReason();
        Integer code = null;
        String message = null;
        if (error.isArray() && error.size() >= 2) {
            if (error.get(0).isIntegralNumber()) {
                code = error.get(0).asInt();
            }
            message = error.get(1).asText();
        } else if (error.isObject()) {
            if (error.path("code").isIntegralNumber()) {
                code = error.get("code").asInt();
            }
            message = error.path("message").asText(null);
        } else if (error.isTextual()) {
            message = error.asText();
        } else if (!error.isNull()) {
            message = error.toString();
        }
        if (rejectReason == null && (message == null || message.isBlank()) && result.isBoolean()
                && result.asBoolean()) {
            return new SubmitOutcome(false, code, ("accepted with error " + error).replace('\n', ' '));
        }
        return rejected(code, message, rejectReason);
    }

    /** A refused share: the reason is ckpool's reject-reason, else the error message, else a placeholder. */
    public static SubmitOutcome rejected(Integer code, String message, String rejectReason) {
        String reason = rejectReason != null ? rejectReason
                : message != null && !message.isBlank() ? message
                : "rejected without reason";
        return new SubmitOutcome(false, code, reason.replace('\n', ' '));
    }
}
