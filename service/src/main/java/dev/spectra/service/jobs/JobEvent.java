package dev.spectra.service.jobs;

import java.time.OffsetDateTime;
import java.util.UUID;

/** A state transition of a job, with its reason code ({@link dev.spectra.service.queue.Reason}). */
public record JobEvent(long id, OffsetDateTime at, String fromState, String toState, String reason, String message,
                       Long attemptId, UUID workerId) {
}
