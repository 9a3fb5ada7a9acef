package org.jckpool.testminer.stratum;

import org.jckpool.libpool.stratum.StratumError;
import org.jckpool.libpool.stratum.StratumMessage;

/**
 * What a pool said about a mining.submit. Accepted only on {@code "result": true} without error; anything else
 * is a reject, and the reason comes from ckpool's "reject-reason", else the error's message.
 */
public record SubmitReply(boolean accepted, Integer code, String reason) {
    private static final SubmitReply ACCEPTED = new SubmitReply(true, null, null);

    public static SubmitReply of(StratumMessage reply) {
        StratumError error = reply.error();
        boolean resultTrue = Boolean.TRUE.equals(reply.result());
        if (resultTrue && error == null) {
            return ACCEPTED;
        }
        Integer code = error == null || error.code() == -1 ? null : error.code();
        String message = error == null ? null : error.message();
        if (resultTrue && reply.rejectReason() == null && (message == null || message.isBlank())) {
            return new SubmitReply(false, code, ("accepted with error " + error).replace('\n', ' '));
        }
        return rejected(code, message, reply.rejectReason());
    }

    /** A refused share: the reason is ckpool's reject-reason, else the error message, else a placeholder. */
    public static SubmitReply rejected(Integer code, String message, String rejectReason) {
        String reason = rejectReason != null ? rejectReason
                : message != null && !message.isBlank() ? message
                : "rejected without reason";
        return new SubmitReply(false, code, reason.replace('\n', ' '));
    }
}
