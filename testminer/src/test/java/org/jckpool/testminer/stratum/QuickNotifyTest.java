package org.jckpool.testminer.stratum;

import static org.assertj.core.api.Assertions.assertThat;

import org.jckpool.testminer.VectorC;
import org.junit.jupiter.api.Test;

class QuickNotifyTest {
    @Test
    void readsTheFieldsTheFullParseGives() throws Exception {
        for (String line : new String[] {
            VectorC.NOTIFY_LINE,
            VectorC.NOTIFY_LINE.replace(",true]", ",false]"),
            VectorC.NOTIFY_LINE.replace("{", "{\"extra\":{\"a\":[1,2]},"),
            VectorC.NOTIFY_LINE.replace(VectorC.PREVHASH, VectorC.PREVHASH.toUpperCase()),
        }) {
            QuickNotify quick = QuickNotify.parse(line);
            MiningJob job = MiningJob.fromNotifyParams(StratumMessage.parse(line).params());
            assertThat(quick).as(line).isNotNull();
            assertThat(quick.jobId()).isEqualTo(job.jobId());
            assertThat(quick.prevHash()).isEqualTo(job.prevHashNotifyHex());
            assertThat(quick.ntime()).isEqualTo(job.ntime());
            assertThat(quick.clean()).isEqualTo(job.cleanJobs());
        }
    }

    @Test
    void anythingElseIsLeftToTheGeneralPath() {
        for (String line : new String[] {
            "{\"id\":7,\"result\":true,\"error\":null}",
            "{\"id\":null,\"method\":\"mining.set_difficulty\",\"params\":[2]}",
            "{\"id\":null,\"method\":\"mining.notify\",\"params\":[\"1f\"]}",
            VectorC.NOTIFY_LINE.replace(",true]", ",\"yes\"]"),
            VectorC.NOTIFY_LINE.replace(VectorC.PREVHASH, "abcd"),
            VectorC.NOTIFY_LINE.replace("\"662307b7\"", "\"zz2307b7\""),
            VectorC.NOTIFY_LINE + " trailing",
            VectorC.NOTIFY_LINE.substring(0, 40),
            "not json",
        }) {
            assertThat(QuickNotify.parse(line)).as(line).isNull();
        }
    }
}
