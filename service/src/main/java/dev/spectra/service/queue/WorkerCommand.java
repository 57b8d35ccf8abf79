package dev.spectra.service.queue;

import java.util.UUID;

/**
 * What a heartbeat tells a worker about one attempt it runs.
 *
 * @param owned    the attempt still owns the job (lease renewed)
 * @param jobState the job's state (CANCELLING means: stop before the next step)
 */
public record WorkerCommand(long attemptId, UUID jobId, boolean owned, JobState jobState) {
}
