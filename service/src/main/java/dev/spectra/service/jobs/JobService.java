package dev.spectra.service.jobs;

import dev.spectra.service.audit.AuditLog;
import dev.spectra.service.auth.Caller;
import dev.spectra.service.jobs.spec.JobSpecParser;
import dev.spectra.service.metrics.ServiceMetrics;
import dev.spectra.service.queue.JobQueue;
import dev.spectra.service.queue.JobState;
import dev.spectra.service.tenants.TenantQuota;
import dev.spectra.service.web.ApiException;
import java.time.OffsetDateTime;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** Submitting and cancelling jobs: validation, idempotency and the hand-off to the queue. */
@Service
public class JobService {

    public static final int MAX_IDEMPOTENCY_KEY_LENGTH = 200;

    private final JobSpecParser parser;
    private final JobQueue queue;
    private final JobReader reader;
    private final JdbcClient jdbc;
    private final JsonMapper json;
    private final ServiceMetrics metrics;
    private final TenantQuota quota;
    private final TransactionTemplate tx;
    private final AuditLog audit;

    public JobService(JobSpecParser parser, JobQueue queue, JobReader reader, JdbcClient jdbc, JsonMapper json,
                      ServiceMetrics metrics, TenantQuota quota, TransactionTemplate tx, AuditLog audit) {
        this.parser = parser;
        this.queue = queue;
        this.reader = reader;
        this.jdbc = jdbc;
        this.json = json;
        this.metrics = metrics;
        this.quota = quota;
        this.tx = tx;
        this.audit = audit;
    }

    /** @param replayed true when an Idempotency-Key matched an earlier identical submission */
    public record Submission(JobView job, boolean replayed) {
    }

    /**
     * Validates and queues a job. With an {@code idempotencyKey}, a repeat of the same body
     * returns the job created the first time; a different body under the same key is a 409.
     */
    public Submission submit(Caller caller, JsonNode body, String idempotencyKey) {
        String tenant = caller.tenant();
        if (idempotencyKey != null && (idempotencyKey.isBlank() || idempotencyKey.length() > MAX_IDEMPOTENCY_KEY_LENGTH)) {
            throw ApiException.badRequest("invalid-idempotency-key",
                    "Idempotency-Key must be 1 to " + MAX_IDEMPOTENCY_KEY_LENGTH + " characters");
        }
        String hash = CanonicalJson.sha256(body);
        if (idempotencyKey != null) {
            Optional<Submission> earlier = replay(tenant, idempotencyKey, hash);
            if (earlier.isPresent()) {
                return earlier.get();
            }
        }
        JobSpecParser.Parsed parsed = parser.parse(tenant, body);
        var spec = parsed.spec();
        quota.checkSpec(tenant, spec.training().get("epochs") instanceof Number n ? n.intValue() : 0, parsed.parameters());
        UUID id = TimeOrderedIds.next();
        JobQueue.NewJob job = new JobQueue.NewJob(id, tenant, spec.name(), json.writeValueAsString(spec.labels()),
                json.writeValueAsString(spec), spec.priority(), spec.maxRetries(), spec.resources().accelerator(),
                spec.resources().gpus(), parsed.totalSteps(), idempotencyKey, hash);
        OffsetDateTime created;
        try {
            // one transaction (one commit): the tenant's queue check, the job and its audit row
            created = tx.execute(status -> {
                quota.admitQueued(tenant);
                OffsetDateTime at = queue.enqueue(job);
                audit.record(caller, AuditLog.JOB_SUBMITTED, id, Map.of("name", spec.name()));
                return at;
            });
        } catch (DuplicateKeyException race) {
            // Another request with the same key won the insert: answer as its replay.
            return replay(tenant, idempotencyKey, hash).orElseThrow(() -> race);
        }
        metrics.jobSubmitted();
        // A new job has no attempt, progress, metrics or model yet: answer without reading it back.
        JobView view = new JobView(id, spec.name(), JobState.QUEUED, spec.labels(), spec.priority(), spec.maxRetries(), 0, 0,
                json.valueToTree(spec), created, created, null, null, null, null,
                new JobView.Progress(null, 0, parsed.totalSteps(), 0.0, null, null, null), Map.of(), false);
        return new Submission(view, false);
    }

    private Optional<Submission> replay(String tenant, String key, String hash) {
        Optional<Map<String, Object>> row = jdbc.sql("SELECT id, request_hash FROM jobs WHERE tenant = :tenant AND idempotency_key = :key")
                .param("tenant", tenant).param("key", key).query().listOfRows().stream().findFirst();
        if (row.isEmpty()) {
            return Optional.empty();
        }
        UUID id = (UUID) row.get().get("id");
        if (!hash.equals(row.get().get("request_hash"))) {
            throw ApiException.conflict("idempotency-key-reused",
                    "Idempotency-Key '" + key + "' was used for a different job spec (job " + id + ")", Map.of("jobId", id));
        }
        return Optional.of(new Submission(reader.find(tenant, id).orElseThrow(), true));
    }

    /** Cancels a queued job or asks a running one to stop; 404 unknown, 409 already finished. */
    public JobView cancel(String tenant, UUID id) {
        JobQueue.CancelOutcome outcome = queue.requestCancel(tenant, id)
                .orElseThrow(() -> notFound(id));
        if (outcome.before().isTerminal()) {
            throw ApiException.conflict("illegal-transition", "Job " + id + " is already " + outcome.before()
                    + " and cannot be cancelled", Map.of("state", outcome.before().name()));
        }
        return reader.find(tenant, id).orElseThrow(() -> notFound(id));
    }

    public JobView get(String tenant, UUID id) {
        return reader.find(tenant, id).orElseThrow(() -> notFound(id));
    }

    public static ApiException notFound(UUID id) {
        return ApiException.notFound("job-not-found", "No job " + id);
    }

}
