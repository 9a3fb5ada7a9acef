package org.jckpool.stratifier.solutions;

import org.jckpool.stratifier.status.FoundBlocks;

import org.jckpool.libpool.bitcoin.Hex;
import org.jckpool.stratifier.share.BlockSolution;
import org.jckpool.stratifier.share.SolutionGate;
import org.jckpool.stratifier.share.SolutionOutcome;
import org.jckpool.webapi.view.BlockStatus;
import org.jckpool.webapi.view.FoundBlock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Start-up: journaled solutions on the current tip go out again, stale ones are marked, the tip itself accepted. */
class SolutionRecoveryTest {
    @TempDir
    Path dir;

    private static byte[] bytes(int fill) {
        byte[] b = new byte[32];
        java.util.Arrays.fill(b, (byte) fill);
        b[0] = 1; // not a palindrome: internal and RPC order differ
        return b;
    }

    @Test
    void currentTipIsResubmittedStaleIsMarkedAndTheTipItselfIsAccepted() throws Exception {
        byte[] tip = bytes(0x22);                       // the first template's previous block, internal order
        String tipHex = Hex.encode(tip);
        String tipRpc = Hex.encode(Hex.reverse(tip));
        Path file = dir.resolve("p.solutions");
        try (SolutionJournal j = SolutionJournal.open(file)) {
            j.solved(new BlockSolution("aa", "old", 5, Hex.encode(bytes(0x11)), false), 1); // tip moved on
            j.solved(new BlockSolution("bb", tipRpc, 6, Hex.encode(bytes(0x11)), false), 2); // became the tip
            j.solved(new BlockSolution("cc", "current", 7, tipHex, false), 3);              // on the tip
        }
        List<BlockSolution> sent = new ArrayList<>();
        SolutionGate gate = new SolutionGate(sent::add);
        FoundBlocks blocks = new FoundBlocks();
        try (SolutionJournal j = SolutionJournal.open(file)) {
            assertThat(SolutionRecovery.resume(j, tip, gate, blocks)).isEqualTo(1);
            assertThat(sent).containsExactly(new BlockSolution("cc", "current", 7, tipHex, false));
            assertThat(gate.inFlight()).isEqualTo(1);
            // another solution on that tip waits for the resubmitted one's answer
            assertThat(gate.submit(new BlockSolution("dd", "other", 7, tipHex, false)))
                    .isEqualTo(SolutionOutcome.DUPLICATE_HEIGHT);
            assertThat(j.unresolved()).extracting(JournaledSolution::hash).containsExactly("current");
            assertThat(blocks.newestFirst()).extracting(FoundBlock::hash, FoundBlock::status).containsExactly(
                    org.assertj.core.groups.Tuple.tuple("current", BlockStatus.SUBMITTED),
                    org.assertj.core.groups.Tuple.tuple(tipRpc, BlockStatus.ACCEPTED),
                    org.assertj.core.groups.Tuple.tuple("old", BlockStatus.STALE));
        }
        try (SolutionJournal j = SolutionJournal.open(file)) {
            assertThat(j.unresolved()).extracting(JournaledSolution::hash).containsExactly("current");
        }
    }
}
