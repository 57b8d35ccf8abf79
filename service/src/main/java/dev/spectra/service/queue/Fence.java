package dev.spectra.service.queue;

import java.util.UUID;

/**
 * What a worker holds while it owns a job: every write it makes for the job carries this and is
 * checked in SQL against {@code jobs.fence}, so a worker that lost the job can no longer write.
 *
 * @param jobId          the job
 * @param attemptId      the attempt row
 * @param attemptNumber  1-based attempt number within the job
 * @param fence          fencing number granted with the claim
 * @param workerId       the owning worker
 */
public record Fence(UUID jobId, long attemptId, int attemptNumber, long fence, UUID workerId) {
}
