package org.jckpool.stratifier.solutions;

import org.jckpool.stratifier.status.FoundBlocks;

import org.jckpool.libpool.bitcoin.Hex;
import org.jckpool.libpool.log.Log;
import org.jckpool.stratifier.share.SolutionGate;
import org.jckpool.stratifier.share.SolutionOutcome;

import java.time.Instant;

/**
 * At start, once the first template tells the node's tip: the solutions journal's unresolved solutions (found
 * before a restart, their fate unknown) are submitted again while their tip is current; the node answers
 * "duplicate" (= accepted) for one it already has. A solution that is itself the tip was accepted; any other is
 * stale and only logged.
 */
public final class SolutionRecovery {
    private SolutionRecovery() {
    }

    /**
     * @param tipInternal the first template's previous block hash (internal order)
     * @return how many solutions were submitted again
     */
    public static int resume(SolutionJournal journal, byte[] tipInternal, SolutionGate gate, FoundBlocks blocks) {
        String tipPrev = Hex.encode(tipInternal);
        String tipRpc = Hex.encode(Hex.reverse(tipInternal));
        long now = Instant.now().getEpochSecond();
        int resubmitted = 0;
        for (JournaledSolution s : journal.unresolved()) {
            Instant found = Instant.ofEpochSecond(s.time());
            if (s.hash().equalsIgnoreCase(tipRpc)) {
                Log.warning("BLOCK ACCEPTED height %d hash %s: the journaled solution is the node's tip", s.height(),
                        s.hash());
                journal.outcome(s.hash(), SolutionOutcome.ACCEPTED, now);
                blocks.solved(s.hash(), s.height(), null, found, SolutionOutcome.ACCEPTED);
            } else if (s.prevHash().equalsIgnoreCase(tipPrev)) {
                Log.warning("Resubmitting journaled block %s at height %d (found before the restart, outcome "
                        + "unknown, its tip is still current)", s.hash(), s.height());
                blocks.solved(s.hash(), s.height(), null, found, SolutionOutcome.SUBMITTED);
                gate.resubmit(s.toSolution());
                resubmitted++;
            } else {
                Log.warning("Journaled block %s at height %d is stale: the chain moved on before it was resubmitted",
                        s.hash(), s.height());
                journal.outcome(s.hash(), SolutionOutcome.STALE, now);
                blocks.solved(s.hash(), s.height(), null, found, SolutionOutcome.STALE);
            }
        }
        return resubmitted;
    }
}
