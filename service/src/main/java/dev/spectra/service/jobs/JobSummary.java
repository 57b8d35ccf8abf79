package dev.spectra.service.jobs;

import dev.spectra.service.queue.JobState;
import java.time.OffsetDateTime;
import java.util.Map;
import java.util.UUID;

/** One row of {@code GET /api/v1/jobs}. */
public record JobSummary(UUID id, String name, JobState state, Map<String, String> labels, int priority,
                         OffsetDateTime createdAt, OffsetDateTime startedAt, OffsetDateTime finishedAt,
                         JobView.Progress progress) {
}
