package org.jckpool.stratifier.share;

import org.jckpool.stratifier.session.Replies;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class RejectReasonTest {
    @Test
    void prebuiltRepliesEqualTheGeneralRejectReply() {
        for (RejectReason r : RejectReason.values()) {
            for (String id : new String[]{"4", "null", "\"a\\\"b\"", "-12"}) {
                assertThat(r.reply(id)).as("%s %s", r, id)
                        .isEqualTo(Replies.reject(id, r.code, r.message, r.rejectReason));
            }
        }
        assertThat(RejectReason.ABOVE_TARGET.reply("4")).isEqualTo(
                "{\"id\":4,\"result\":false,\"error\":[23,\"Low difficulty share\",null],\"reject-reason\":\"Above target\"}");
    }
}
