package org.jckpool.stratifier.share;

/** Where block solutions go. Called on the share path under the session's monitor: must not block. */
@FunctionalInterface
public interface BlockSubmitter {
    /**
     * @return {@link SolutionOutcome#SUBMITTED} when the solution went to the node(s), else the final outcome
     *         given instead ({@link SolutionOutcome#STALE} or {@link SolutionOutcome#DUPLICATE_HEIGHT})
     */
    SolutionOutcome submit(BlockSolution solution);
}
