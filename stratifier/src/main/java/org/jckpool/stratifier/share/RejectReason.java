package org.jckpool.stratifier.share;

import org.jckpool.stratifier.session.Replies;

/**
 * Why a share was refused: the Stratum error code and message miners understand, and ckpool's
 * {@code reject-reason} text.
 */
public enum RejectReason {
    NOT_SUBSCRIBED(25, "Not subscribed", "Not subscribed"),
    UNAUTHORIZED(24, "Unauthorized worker", "Unauthorized worker"),
    WORKER_MISMATCH(24, "Unauthorized worker", "Worker mismatch"),
    PARAMS_NOT_ARRAY(20, "Params not array", "Params not array"),
    INVALID_ARRAY_SIZE(20, "Invalid array size", "Invalid array size"),
    NO_USERNAME(20, "No username", "No username"),
    NO_JOBID(20, "No job_id", "No job_id"),
    NO_NONCE2(20, "No nonce2", "No nonce2"),
    NO_NTIME(20, "No ntime", "No ntime"),
    NO_NONCE(20, "No nonce", "No nonce"),
    INVALID_NONCE2(20, "Invalid nonce2 length", "Invalid nonce2 length"),
    INVALID_NTIME(20, "Invalid ntime", "Invalid ntime"),
    INVALID_NONCE(20, "Invalid nonce", "Invalid nonce"),
    INVALID_JOBID(21, "Job not found", "Invalid JobID"),
    STALE(21, "Job not found", "Stale"),
    INVALID_VERSION_MASK(20, "Invalid version mask", "Invalid version mask"),
    NTIME_OUT_OF_RANGE(20, "Ntime out of range", "Ntime out of range"),
    DUPLICATE(22, "Duplicate share", "Duplicate"),
    ABOVE_TARGET(23, "Low difficulty share", "Above target");

    public final int code;
    public final String message;
    public final String rejectReason;
    private final String replyTail;

    RejectReason(int code, String message, String rejectReason) {
        this.code = code;
        this.message = message;
        this.rejectReason = rejectReason;
        this.replyTail = Replies.rejectTail(code, message, rejectReason);
    }

    /** The reply refusing a share for this reason: {@link Replies#reject} with the constant part built once. */
    public String reply(String idJson) {
        return "{\"id\":" + idJson + replyTail;
    }
}
