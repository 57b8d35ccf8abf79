package dev.spectra.optim.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

class RoundRobinTest {

    /** A job that logs "id:step" for each of its steps and reports them. */
    private static RoundRobin.Job logging(String id, int steps, List<String> log) {
        return turns -> {
            for (int i = 0; i < steps; i++) {
                log.add(id + i);
                turns.stepped();
            }
        };
    }

    @Test
    void jobsTakeTurnsInBlocksAndFinishedJobsLeaveTheRotation() throws Exception {
        List<String> log = Collections.synchronizedList(new ArrayList<>());
        RoundRobin.run(2, List.of(logging("a", 5, log), logging("b", 2, log), logging("c", 3, log)));
        // blocks of 2: a0 a1 | b0 b1 | c0 c1 | a2 a3 | (b is done) c2 | a4
        assertThat(log).containsExactly("a0", "a1", "b0", "b1", "c0", "c1", "a2", "a3", "c2", "a4");
    }

    @Test
    void aFailingJobFailsTheRunInsteadOfHangingIt() {
        List<String> log = Collections.synchronizedList(new ArrayList<>());
        RoundRobin.Job failing = turns -> {
            turns.stepped();
            throw new IllegalStateException("boom");
        };
        assertThatThrownBy(() -> RoundRobin.run(1, List.of(failing, logging("b", 3, log))))
                .isInstanceOf(IllegalStateException.class).hasMessage("boom");
        assertThat(log).startsWith("b0"); // b had its turn before a failed
    }
}
