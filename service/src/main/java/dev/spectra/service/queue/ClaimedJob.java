package dev.spectra.service.queue;

import java.time.OffsetDateTime;

/**
 * A job a worker just claimed.
 *
 * @param fence      the ownership token for every write of this attempt
 * @param specJson   the stored (validated, normalized) job spec
 * @param queuedAt   when the job entered the queue (for the queue-wait histogram)
 * @param claimedAt  database time of the claim
 * @param startedAt  when the job's first attempt started (for the job-duration histogram)
 */
public record ClaimedJob(Fence fence, String specJson, OffsetDateTime queuedAt, OffsetDateTime claimedAt,
                         OffsetDateTime startedAt) {
}
