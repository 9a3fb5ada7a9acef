package org.jckpool.stratifier.solutions;

import org.jckpool.stratifier.share.BlockSolution;
import org.jckpool.stratifier.share.SolutionOutcome;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The solutions journal: durable appends, reading back, outcomes, compaction, a torn last line. */
class SolutionJournalTest {
    @TempDir
    Path dir;

    private static BlockSolution solution(String hash, long height, String prev) {
        return new BlockSolution("00ab" + hash, hash, height, prev, false);
    }

    @Test
    void aSolutionIsInTheFileWhenSolvedReturnsAndIsReadBackUnresolved() throws Exception {
        Path file = dir.resolve("pool.solutions");
        try (SolutionJournal j = SolutionJournal.open(file)) {
            assertThat(j.unresolved()).isEmpty();
            assertThat(j.solved(solution("h1", 7, "p6"), 1000)).isTrue();
            // no close, no flush: what a SIGKILL right now would leave
            List<String> lines = Files.readAllLines(file);
            assertThat(lines).hasSize(1);
            assertThat(lines.get(0)).contains("\"type\":\"solution\"", "\"hash\":\"h1\"", "\"height\":7",
                    "\"prevhash\":\"p6\"", "\"time\":1000", "\"hex\":\"00abh1\"");
        }
        try (SolutionJournal j = SolutionJournal.open(file)) {
            assertThat(j.unresolved()).containsExactly(new JournaledSolution("h1", 7, "p6", "00abh1", 1000));
            assertThat(j.unresolved().get(0).toSolution()).isEqualTo(solution("h1", 7, "p6"));
        }
    }

    @Test
    void outcomesResolveSolutionsExceptLostAndCompactionKeepsOnlyTheUnresolved() throws Exception {
        Path file = dir.resolve("pool.solutions");
        try (SolutionJournal j = SolutionJournal.open(file)) {
            for (String h : List.of("a", "b", "c", "d", "e")) {
                j.solved(solution(h, 1, "p"), 1);
            }
            j.solved(solution("a", 1, "p"), 2); // already held: not written twice
            j.outcome("a", SolutionOutcome.ACCEPTED, 3);
            j.outcome("b", SolutionOutcome.REJECTED, 3);
            j.outcome("c", SolutionOutcome.LOST, 3);
            j.outcome("d", SolutionOutcome.STALE, 3);
            j.outcome("zz", SolutionOutcome.ACCEPTED, 3); // not journaled: ignored
            assertThat(Files.readAllLines(file)).hasSize(9);
            assertThat(j.unresolved()).extracting(JournaledSolution::hash).containsExactly("c", "e");
        }
        try (SolutionJournal j = SolutionJournal.open(file)) {
            assertThat(j.unresolved()).extracting(JournaledSolution::hash).containsExactly("c", "e");
            assertThat(Files.readAllLines(file)).hasSize(2).allMatch(l -> l.contains("\"type\":\"solution\""));
            j.outcome("c", SolutionOutcome.ACCEPTED, 4);
        }
        try (SolutionJournal j = SolutionJournal.open(file)) {
            assertThat(j.unresolved()).extracting(JournaledSolution::hash).containsExactly("e");
            assertThat(Files.readAllLines(file)).hasSize(1);
        }
        assertThat(Files.exists(dir.resolve("pool.solutions.tmp"))).isFalse();
    }

    @Test
    void aTornLastLineIsSkippedAndLaterAppendsStartOnAFreshLine() throws Exception {
        Path file = dir.resolve("pool.solutions");
        try (SolutionJournal j = SolutionJournal.open(file)) {
            j.solved(solution("h1", 7, "p6"), 1);
            j.solved(solution("h2", 7, "p6"), 1);
            j.outcome("h1", SolutionOutcome.ACCEPTED, 2);
        }
        // a crash in the middle of writing the next line
        Files.writeString(file, "{\"type\":\"solution\",\"hash\":\"h3\",\"hei", StandardCharsets.UTF_8,
                StandardOpenOption.APPEND);
        try (SolutionJournal j = SolutionJournal.open(file)) {
            assertThat(j.linesSkipped()).isEqualTo(1);
            assertThat(j.unresolved()).extracting(JournaledSolution::hash).containsExactly("h2");
            j.solved(solution("h4", 8, "p7"), 3);
        }
        try (SolutionJournal j = SolutionJournal.open(file)) {
            assertThat(j.linesSkipped()).isZero();
            assertThat(j.unresolved()).extracting(JournaledSolution::hash).containsExactly("h2", "h4");
        }
    }

    @Test
    void aTornOutcomeLineLeavesTheSolutionUnresolved() throws Exception {
        Path file = dir.resolve("pool.solutions");
        try (SolutionJournal j = SolutionJournal.open(file)) {
            j.solved(solution("h1", 7, "p6"), 1);
        }
        Files.writeString(file, "{\"type\":\"outcome\",\"hash\":\"h1\",\"outc", StandardCharsets.UTF_8,
                StandardOpenOption.APPEND);
        try (SolutionJournal j = SolutionJournal.open(file)) {
            assertThat(j.unresolved()).extracting(JournaledSolution::hash).containsExactly("h1");
        }
    }
}
