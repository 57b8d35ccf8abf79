package dev.spectra.service.events;

import dev.spectra.service.auth.Caller;
import dev.spectra.service.config.ApiProperties;
import dev.spectra.service.jobs.JobReader;
import dev.spectra.service.jobs.JobService;
import dev.spectra.service.web.ApiException;
import dev.spectra.service.web.CallerTenant;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.servlet.http.HttpServletRequest;
import java.util.UUID;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

/** {@code GET /api/v1/jobs/{id}/stream}: Server-Sent Events of a job until it ends. */
@RestController
@ConditionalOnBooleanProperty(name = "spectra.api.enabled", matchIfMissing = true)
@Tag(name = "jobs")
public class JobStreamController {

    private final JobStreamHub hub;
    private final JobReader jobs;
    private final CallerTenant tenants;
    private final int maxStreams;

    public JobStreamController(JobStreamHub hub, JobReader jobs, CallerTenant tenants, ApiProperties props) {
        this.hub = hub;
        this.jobs = jobs;
        this.tenants = tenants;
        this.maxStreams = props.maxStreams();
    }

    @GetMapping(path = "/api/v1/jobs/{id}/stream", produces = MediaType.TEXT_EVENT_STREAM_VALUE)
    @Operation(summary = "Stream a job's state, progress and metrics (Server-Sent Events)",
            description = "Events: 'state' (a transition with its reason, replayed from the start or from Last-Event-ID), "
                    + "'progress' (epoch, step, totalSteps, fraction, samplesPerSecond, etaSeconds) and 'metric' (latest "
                    + "value of each key that advanced). Comment lines keep idle connections alive. The stream ends after "
                    + "the job's terminal state; reconnect with Last-Event-ID to resume without duplicates. If the token "
                    + "that opened the stream is revoked or expires, a last 'closed' event ends it.")
    @ApiResponse(responseCode = "200", content = @Content(mediaType = "text/event-stream"))
    @ApiResponse(responseCode = "404", content = @Content(mediaType = "application/problem+json"))
    public SseEmitter stream(@PathVariable("id") UUID id,
                             @Parameter(description = "position to resume after, as sent in the events' id")
                             @RequestHeader(name = "Last-Event-ID", required = false) String lastEventId,
                             HttpServletRequest request) {
        if (!jobs.exists(tenants.of(request), id)) {
            throw JobService.notFound(id);
        }
        if (hub.subscribers() >= maxStreams) {
            throw new ApiException(HttpStatus.SERVICE_UNAVAILABLE, "too-many-streams", "Service unavailable",
                    "This instance already serves " + maxStreams + " streams; retry later or poll GET /api/v1/jobs/" + id);
        }
        return hub.subscribe(id, lastEventId, Caller.of(request).tokenId());
    }
}
