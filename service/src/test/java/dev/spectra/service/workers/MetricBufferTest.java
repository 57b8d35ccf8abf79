package dev.spectra.service.workers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The per-job metric buffer: flush threshold, growth within the outage budget, what is dropped beyond it. */
class MetricBufferTest {

    private static List<Long> drain(MetricBuffer b, List<Integer> chunkSizes) {
        List<Long> steps = new ArrayList<>();
        b.flush(batch -> {
            chunkSizes.add(batch.size());
            for (long s : batch.steps()) {
                steps.add(s);
            }
        });
        return steps;
    }

    @Test
    void growsPastTheFlushThresholdUpToTheBudgetThenDropsTheNewestPoints() {
        MetricBuffer b = new MetricBuffer(100, 250);
        for (long step = 1; step <= 300; step++) {
            boolean kept = b.add(1, step, step * 0.5);
            assertThat(kept).as("point %d", step).isEqualTo(step <= 250);
            if (step == 100) {
                assertThat(b.hasRoom(1)).as("the training thread flushes at the threshold").isFalse();
            }
        }
        assertThat(b.size()).isEqualTo(250);
        assertThat(b.dropped()).isEqualTo(50);
        List<Integer> chunks = new ArrayList<>();
        // what is kept is the contiguous run since the last flush, written in chunks of the threshold
        assertThat(drain(b, chunks)).containsExactlyElementsOf(
                java.util.stream.LongStream.rangeClosed(1, 250).boxed().toList());
        assertThat(chunks).containsExactly(100, 100, 50);
        assertThat(b.size()).isZero();
    }

    @Test
    void aFailedChunkGoesBackInFrontOfNewerPoints() {
        MetricBuffer b = new MetricBuffer(100, 1000);
        for (long step = 1; step <= 150; step++) {
            b.add(1, step, 0);
        }
        assertThatThrownBy(() -> b.flush(batch -> {
            throw new IllegalStateException("database down");
        })).isInstanceOf(IllegalStateException.class);
        for (long step = 151; step <= 160; step++) {
            b.add(1, step, 0);
        }
        assertThat(drain(b, new ArrayList<>())).containsExactlyElementsOf(
                java.util.stream.LongStream.rangeClosed(1, 160).boxed().toList());
        assertThat(b.dropped()).isZero();
    }

    @Test
    void theBudgetMustHoldAtLeastTheThreshold() {
        assertThatThrownBy(() -> new MetricBuffer(500, 100)).isInstanceOf(IllegalArgumentException.class);
    }
}
