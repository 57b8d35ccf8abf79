package dev.spectra.service.metrics;

import dev.spectra.service.config.LimitsProperties;
import dev.spectra.service.jobs.JobReader;
import dev.spectra.service.jobs.JobService;
import dev.spectra.service.jobs.JobView;
import dev.spectra.service.web.ApiException;
import dev.spectra.service.web.CallerTenant;
import dev.spectra.service.web.FieldError;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.servlet.http.HttpServletRequest;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** {@code /api/v1/jobs/{id}/metrics}: metric keys with summaries, and each key's history. */
@RestController
@RequestMapping("/api/v1/jobs/{id}/metrics")
@ConditionalOnBooleanProperty(name = "spectra.api.enabled", matchIfMissing = true)
@Tag(name = "metrics", description = "Training metrics of a job")
public class MetricController {

    private final MetricHistory history;
    private final JobReader jobs;
    private final CallerTenant tenants;
    private final LimitsProperties limits;

    public MetricController(MetricHistory history, JobReader jobs, CallerTenant tenants, LimitsProperties limits) {
        this.history = history;
        this.jobs = jobs;
        this.tenants = tenants;
        this.limits = limits;
    }

    @GetMapping(produces = MediaType.APPLICATION_JSON_VALUE)
    @Operation(summary = "Metric keys of a job with last/min/max/count")
    public Map<String, JobView.MetricSummary> keys(@PathVariable("id") UUID id, HttpServletRequest request) {
        requireJob(id, request);
        return jobs.summaries(id);
    }

    /**
     * A page of a metric's history.
     *
     * @param count       points the series holds in total
     * @param downsampled true when {@code maxPoints} reduced the range
     * @param nextCursor  pass as {@code cursor} for the next page; null at the end (and when downsampled)
     */
    public record History(String key, long count, boolean downsampled, List<MetricPoint> points, String nextCursor) {
    }

    @GetMapping(path = "/{key}", produces = MediaType.APPLICATION_JSON_VALUE)
    @Operation(summary = "History of one metric",
            description = "Exact points in step order, keyset-paged (limit, cursor), within fromStep..toStep; or with "
                    + "maxPoints a downsampled curve over that range that always keeps the first and last points and "
                    + "the minima and maxima.")
    public History history(@PathVariable("id") UUID id, @PathVariable("key") String key,
                           @RequestParam(name = "fromStep", required = false) Long fromStep,
                           @RequestParam(name = "toStep", required = false) Long toStep,
                           @RequestParam(name = "cursor", required = false) String cursor,
                           @RequestParam(name = "limit", defaultValue = "1000") int limit,
                           @Parameter(description = "downsample to at most this many points (>= 4)")
                           @RequestParam(name = "maxPoints", required = false) Integer maxPoints,
                           HttpServletRequest request) {
        requireJob(id, request);
        List<FieldError> errors = new ArrayList<>();
        int maxLimit = limits.maxHistoryPoints();
        if (limit < 1 || limit > maxLimit) {
            errors.add(new FieldError("limit", "must be in [1, " + maxLimit + "]", limit));
        }
        if (maxPoints != null && (maxPoints < 4 || maxPoints > maxLimit)) {
            errors.add(new FieldError("maxPoints", "must be in [4, " + maxLimit + "]", maxPoints));
        }
        if (maxPoints != null && cursor != null) {
            errors.add(FieldError.of("cursor", "cannot be combined with maxPoints (a downsampled curve is one page)"));
        }
        long from = fromStep == null ? Long.MIN_VALUE : fromStep;
        long to = toStep == null ? Long.MAX_VALUE : toStep;
        if (from > to) {
            errors.add(new FieldError("fromStep", "must be <= toStep", fromStep));
        }
        long after = cursor == null ? Long.MIN_VALUE : decode(cursor);
        if (!errors.isEmpty()) {
            throw ApiException.invalid("invalid-parameter", "Invalid query parameters", errors);
        }
        MetricHistory.Series s = history.series(id, key).orElseThrow(() -> ApiException.notFound("metric-not-found",
                "Job " + id + " has no metric '" + key + "' (GET /api/v1/jobs/" + id + "/metrics lists the keys)"));
        if (maxPoints != null) {
            List<MetricPoint> points = history.downsampled(s, from, to, maxPoints);
            return new History(key, s.count(), points.size() < s.count(), points, null);
        }
        List<MetricPoint> points = new ArrayList<>(history.page(s.id(), from, to, after, limit + 1));
        String next = null;
        if (points.size() > limit) {
            points.remove(points.size() - 1);
            next = encode(points.get(points.size() - 1).step());
        }
        return new History(key, s.count(), false, points, next);
    }

    private void requireJob(UUID id, HttpServletRequest request) {
        if (!jobs.exists(tenants.of(request), id)) {
            throw JobService.notFound(id);
        }
    }

    static String encode(long step) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(("s:" + step).getBytes(StandardCharsets.UTF_8));
    }

    static long decode(String cursor) {
        try {
            String s = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8);
            if (s.startsWith("s:")) {
                return Long.parseLong(s.substring(2));
            }
        } catch (IllegalArgumentException e) {
            // fall through
        }
        throw ApiException.badRequest("invalid-cursor", "cursor is not a cursor this API returned");
    }
}
