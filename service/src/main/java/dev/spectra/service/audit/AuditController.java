package dev.spectra.service.audit;

import dev.spectra.service.config.LimitsProperties;
import dev.spectra.service.jobs.Page;
import dev.spectra.service.web.ApiException;
import dev.spectra.service.web.FieldError;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.util.List;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** {@code GET /api/v1/audit} (scope admin): the audit log across tenants, newest first. */
@RestController
@ConditionalOnBooleanProperty(name = "spectra.api.enabled", matchIfMissing = true)
@Tag(name = "admin", description = "Tokens and audit log (scope admin)")
public class AuditController {

    private final AuditLog audit;
    private final LimitsProperties limits;

    public AuditController(AuditLog audit, LimitsProperties limits) {
        this.audit = audit;
        this.limits = limits;
    }

    @GetMapping(path = "/api/v1/audit", produces = MediaType.APPLICATION_JSON_VALUE)
    @Operation(summary = "Audit log, newest first",
            description = "Who (token, tenant) did what (job.submitted, job.cancel-requested, model.downloaded, "
                    + "dataset.uploaded, token.created, token.revoked, worker.authenticated) to which target. "
                    + "Filter by tenant and action; page with nextCursor.")
    public Page<AuditLog.Entry> list(@RequestParam(name = "tenant", required = false) String tenant,
                                     @RequestParam(name = "action", required = false) String action,
                                     @RequestParam(name = "cursor", required = false) String cursor,
                                     @RequestParam(name = "limit", defaultValue = "100") int limit) {
        if (limit < 1 || limit > limits.maxPageSize()) {
            throw ApiException.invalid("invalid-parameter", "Invalid query parameters",
                    List.of(new FieldError("limit", "must be in [1, " + limits.maxPageSize() + "]", limit)));
        }
        long before = Long.MAX_VALUE;
        if (cursor != null) {
            try {
                before = Long.parseLong(cursor);
            } catch (NumberFormatException e) {
                throw ApiException.badRequest("invalid-cursor", "cursor is not a cursor this API returned");
            }
        }
        List<AuditLog.Entry> items = audit.page(tenant, action, before, limit);
        String next = items.size() == limit ? String.valueOf(items.get(items.size() - 1).id()) : null;
        return new Page<>(items, next);
    }
}
