package org.jckpool.stratifier.link;

import com.fasterxml.jackson.databind.JsonNode;
import org.jckpool.stratifier.share.SolutionOutcome;

/** A {@link GeneratorListener} that ignores everything: tests override only what they watch. */
class QuietGeneratorListener implements GeneratorListener {
    @Override
    public void template(JsonNode template, String node, String reason) {
    }

    @Override
    public void nodeStatus(JsonNode params) {
    }

    @Override
    public void blockResult(BlockSubmission s, SolutionOutcome outcome, boolean confirmed, String reason,
                            String node) {
    }
}
