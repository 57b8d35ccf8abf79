package dev.spectra.service.jobs;

import dev.spectra.service.jobs.spec.JobSpec;
import dev.spectra.service.queue.JobState;
import io.swagger.v3.oas.annotations.media.Schema;
import java.time.OffsetDateTime;
import java.util.Map;
import java.util.UUID;

/**
 * A job as {@code GET /api/v1/jobs/{id}} returns it.
 *
 * @param retriesUsed attempts that ended in a retryable error or a lost lease
 * @param attempts    attempts started so far
 * @param spec        the validated spec with every default filled in, as stored
 * @param metrics     summary per metric key (last, min, max, count)
 */
public record JobView(UUID id, String name, JobState state, Map<String, String> labels, int priority, int maxRetries,
                      int retriesUsed, int attempts,
                      @Schema(implementation = JobSpec.class) tools.jackson.databind.JsonNode spec, OffsetDateTime createdAt, OffsetDateTime queuedAt,
                      OffsetDateTime startedAt, OffsetDateTime finishedAt, String error, AttemptView attempt,
                      Progress progress, Map<String, MetricSummary> metrics, boolean modelAvailable) {

    /** The current (latest) attempt. */
    public record AttemptView(long id, int number, UUID workerId, String workerName, String state,
                              OffsetDateTime startedAt, OffsetDateTime finishedAt, OffsetDateTime leaseExpiresAt,
                              Long resumedFromStep) {
    }

    /**
     * Training progress of the current attempt.
     *
     * @param fraction         step / totalSteps, in [0, 1]
     * @param samplesPerSecond recent training throughput
     * @param etaSeconds       remaining steps at the recent rate (null when unknown)
     */
    public record Progress(Integer epoch, long step, Long totalSteps, double fraction, Double samplesPerSecond,
                           Double etaSeconds, OffsetDateTime updatedAt) {
    }

    /** Per-key summary, kept up to date in the same statement that writes the points. */
    public record MetricSummary(double last, long lastStep, Double min, Double max, long count, Long firstStep) {
    }
}
