package dev.spectra.service.jobs;

import dev.spectra.service.audit.AuditLog;
import dev.spectra.service.auth.Caller;
import dev.spectra.service.config.LimitsProperties;
import dev.spectra.service.queue.JobState;
import dev.spectra.service.web.ApiException;
import dev.spectra.service.web.CallerTenant;
import dev.spectra.service.web.FieldError;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.servlet.http.HttpServletRequest;
import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.JsonNode;

/** {@code /api/v1/jobs}: submit, list, inspect, cancel, event history. */
@RestController
@RequestMapping("/api/v1/jobs")
@ConditionalOnBooleanProperty(name = "spectra.api.enabled", matchIfMissing = true)
@Tag(name = "jobs", description = "Training jobs")
public class JobController {

    private final JobService jobs;
    private final JobReader reader;
    private final CallerTenant tenants;
    private final LimitsProperties limits;
    private final AuditLog audit;

    public JobController(JobService jobs, JobReader reader, CallerTenant tenants, LimitsProperties limits, AuditLog audit) {
        this.jobs = jobs;
        this.reader = reader;
        this.tenants = tenants;
        this.limits = limits;
        this.audit = audit;
    }

    @PostMapping(consumes = MediaType.APPLICATION_JSON_VALUE, produces = MediaType.APPLICATION_JSON_VALUE)
    @Operation(summary = "Submit a training job",
            description = "Validates the spec (400 problem+json listing every bad field) and queues the job. "
                    + "With Idempotency-Key, repeating the same body returns the original job (header "
                    + "Idempotent-Replayed: true); the same key with a different body is 409.")
    @ApiResponse(responseCode = "201", description = "Job queued (or replayed)")
    @ApiResponse(responseCode = "400", description = "Invalid job spec", content = @Content(mediaType = "application/problem+json"))
    @ApiResponse(responseCode = "409", description = "Idempotency-Key reused with a different body",
            content = @Content(mediaType = "application/problem+json"))
    @ApiResponse(responseCode = "429", description = "The tenant's queue is full (tenant-limit-exceeded)",
            content = @Content(mediaType = "application/problem+json"))
    public ResponseEntity<JobView> submit(
            @io.swagger.v3.oas.annotations.parameters.RequestBody(description = "Job spec", content = @Content(
                    schema = @Schema(implementation = dev.spectra.service.jobs.spec.JobSpec.class)))
            @RequestBody JsonNode body,
            @Parameter(description = "Makes retries of this submission safe")
            @RequestHeader(name = "Idempotency-Key", required = false) String idempotencyKey,
            HttpServletRequest request) {
        JobService.Submission s = jobs.submit(Caller.of(request), body, idempotencyKey);
        var response = ResponseEntity.status(HttpStatus.CREATED).location(URI.create("/api/v1/jobs/" + s.job().id()));
        if (s.replayed()) {
            response.header("Idempotent-Replayed", "true");
        }
        return response.body(s.job());
    }

    @GetMapping(produces = MediaType.APPLICATION_JSON_VALUE)
    @Operation(summary = "List jobs, newest first",
            description = "Filter by state (repeatable or comma-separated) and label (key=value, repeatable, all must "
                    + "match); page with the returned nextCursor.")
    public Page<JobSummary> list(@RequestParam(name = "state", required = false) List<String> state,
                                 @RequestParam(name = "label", required = false) List<String> label,
                                 @RequestParam(name = "cursor", required = false) String cursor,
                                 @RequestParam(name = "limit", defaultValue = "50") int limit,
                                 HttpServletRequest request) {
        List<FieldError> errors = new ArrayList<>();
        List<JobState> states = new ArrayList<>();
        if (state != null) {
            for (String s : state.stream().flatMap(x -> List.of(x.split(",")).stream()).toList()) {
                try {
                    states.add(JobState.valueOf(s.trim().toUpperCase(Locale.ROOT)));
                } catch (IllegalArgumentException e) {
                    errors.add(new FieldError("state", "must be one of " + List.of(JobState.values()), s));
                }
            }
        }
        Map<String, String> labels = new LinkedHashMap<>();
        if (label != null) {
            for (String l : label) {
                int eq = l.indexOf('=');
                if (eq <= 0) {
                    errors.add(new FieldError("label", "must be key=value", l));
                } else {
                    labels.put(l.substring(0, eq), l.substring(eq + 1));
                }
            }
        }
        if (limit < 1 || limit > limits.maxPageSize()) {
            errors.add(new FieldError("limit", "must be in [1, " + limits.maxPageSize() + "]", limit));
        }
        if (!errors.isEmpty()) {
            throw ApiException.invalid("invalid-parameter", "Invalid query parameters", errors);
        }
        return reader.list(tenants.of(request), states, labels, cursor, limit);
    }

    @GetMapping(path = "/{id}", produces = MediaType.APPLICATION_JSON_VALUE)
    @Operation(summary = "A job: state, progress, current attempt, metric summaries")
    @ApiResponse(responseCode = "404", description = "Unknown job", content = @Content(mediaType = "application/problem+json"))
    public JobView get(@PathVariable("id") UUID id, HttpServletRequest request) {
        return jobs.get(tenants.of(request), id);
    }

    @PostMapping(path = "/{id}/cancel", produces = MediaType.APPLICATION_JSON_VALUE)
    @Operation(summary = "Cancel a job",
            description = "A queued job is cancelled at once; a running one goes to CANCELLING and stops before its "
                    + "next training step. Repeating is harmless. 409 when the job already finished.")
    @ApiResponse(responseCode = "202", description = "Cancel accepted")
    @ApiResponse(responseCode = "409", description = "Job already finished", content = @Content(mediaType = "application/problem+json"))
    public ResponseEntity<JobView> cancel(@PathVariable("id") UUID id, HttpServletRequest request) {
        JobView job = jobs.cancel(tenants.of(request), id);
        audit.record(Caller.of(request), AuditLog.JOB_CANCELLED, id, Map.of("state", job.state().name()));
        return ResponseEntity.status(HttpStatus.ACCEPTED).body(job);
    }

    /** The events of a job after {@code after} (an event id), oldest first. */
    public record EventPage(List<JobEvent> items, Long nextAfter) {
    }

    @GetMapping(path = "/{id}/events", produces = MediaType.APPLICATION_JSON_VALUE)
    @Operation(summary = "State transitions of a job with their reasons, oldest first")
    public EventPage events(@PathVariable("id") UUID id,
                            @RequestParam(name = "after", defaultValue = "0") long after,
                            @RequestParam(name = "limit", defaultValue = "100") int limit,
                            HttpServletRequest request) {
        if (limit < 1 || limit > limits.maxPageSize()) {
            throw ApiException.invalid("invalid-parameter", "Invalid query parameters",
                    List.of(new FieldError("limit", "must be in [1, " + limits.maxPageSize() + "]", limit)));
        }
        if (!reader.exists(tenants.of(request), id)) {
            throw JobService.notFound(id);
        }
        List<JobEvent> items = reader.events(id, after, limit);
        Long next = items.size() == limit ? items.get(items.size() - 1).id() : null;
        return new EventPage(items, next);
    }
}
