package dev.spectra.service.queue;

import java.time.OffsetDateTime;

/**
 * A job a worker just claimed.
 *
 * @param fence      the ownership token for every write of this attempt
 * @param specJson   the stored (validated, normalized) job spec
 * @param queuedAt   when the job entered the queue (for the queue-wait histogram)
 * @param firstStart true for the job's first attempt
 */
public record ClaimedJob(Fence fence, String specJson, OffsetDateTime queuedAt, OffsetDateTime claimedAt,
                         boolean firstStart) {
}
