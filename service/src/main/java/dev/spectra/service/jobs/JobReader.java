package dev.spectra.service.jobs;

import dev.spectra.service.queue.JobState;
import java.nio.charset.StandardCharsets;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

/** Read side of jobs: the job view, the filtered list and the event history. */
@Repository
public class JobReader {

    private static final TypeReference<Map<String, String>> LABELS = new TypeReference<>() {
    };

    private final JdbcClient jdbc;
    private final JsonMapper json;

    public JobReader(JdbcClient jdbc, JsonMapper json) {
        this.jdbc = jdbc;
        this.json = json;
    }

    public Optional<JobView> find(String tenant, UUID id) {
        Optional<JobView> base = jdbc.sql("""
                SELECT j.*, j.spec::text AS spec_text, j.labels::text AS labels_text,
                       a.id AS a_id, a.number AS a_number, a.worker_id AS a_worker, w.name AS a_worker_name,
                       a.state AS a_state, a.started_at AS a_started, a.finished_at AS a_finished,
                       a.lease_expires_at AS a_lease, a.resumed_from_step AS a_resumed, a.epoch AS a_epoch,
                       a.step AS a_step, a.samples_per_second AS a_sps, a.progress_at AS a_progress_at,
                       a.eta_seconds AS a_eta,
                       EXISTS (SELECT 1 FROM artifacts m WHERE m.job_id = j.id AND m.kind = 'MODEL') AS has_model
                FROM jobs j
                LEFT JOIN attempts a ON a.id = j.current_attempt_id
                LEFT JOIN workers w ON w.id = a.worker_id
                WHERE j.id = :id AND j.tenant = :tenant
                """)
                .param("id", id).param("tenant", tenant)
                .query(this::view)
                .optional();
        return base.map(v -> new JobView(v.id(), v.name(), v.state(), v.labels(), v.priority(), v.maxRetries(),
                v.retriesUsed(), v.attempts(), v.spec(), v.createdAt(), v.queuedAt(), v.startedAt(), v.finishedAt(),
                v.error(), v.attempt(), v.progress(), summaries(id), v.modelAvailable()));
    }

    public boolean exists(String tenant, UUID id) {
        return jdbc.sql("SELECT 1 FROM jobs WHERE id = :id AND tenant = :tenant").param("id", id)
                .param("tenant", tenant).query(Integer.class).optional().isPresent();
    }

    /** Per-key metric summaries of a job, from the series rows (never from the points). */
    public Map<String, JobView.MetricSummary> summaries(UUID jobId) {
        Map<String, JobView.MetricSummary> out = new LinkedHashMap<>();
        jdbc.sql("""
                SELECT key, last_value, last_step, min_value, max_value, count, first_step
                FROM metric_series WHERE job_id = :job AND count > 0 ORDER BY key
                """)
                .param("job", jobId)
                .query(rs -> {
                    out.put(rs.getString("key"), new JobView.MetricSummary(rs.getDouble("last_value"),
                            rs.getLong("last_step"), nullableDouble(rs, "min_value"), nullableDouble(rs, "max_value"),
                            rs.getLong("count"), nullableLong(rs, "first_step")));
                });
        return out;
    }

    /** Newest first, filtered by state(s) and labels (all must match), keyset-paged on the time-ordered id. */
    public Page<JobSummary> list(String tenant, List<JobState> states, Map<String, String> labels, String cursor, int limit) {
        StringBuilder sql = new StringBuilder("""
                SELECT j.id, j.name, j.state, j.labels::text AS labels_text, j.priority, j.created_at, j.started_at,
                       j.finished_at, j.total_steps, a.epoch AS a_epoch, a.step AS a_step, a.samples_per_second AS a_sps,
                       a.progress_at AS a_progress_at, a.eta_seconds AS a_eta
                FROM jobs j LEFT JOIN attempts a ON a.id = j.current_attempt_id
                WHERE j.tenant = :tenant
                """);
        Map<String, Object> params = new LinkedHashMap<>();
        params.put("tenant", tenant);
        if (!states.isEmpty()) {
            sql.append(" AND j.state IN (:states)");
            params.put("states", states.stream().map(Enum::name).toList());
        }
        if (!labels.isEmpty()) {
            sql.append(" AND j.labels @> :labels::jsonb");
            params.put("labels", json.writeValueAsString(labels));
        }
        if (cursor != null) {
            sql.append(" AND j.id < :after");
            params.put("after", decodeCursor(cursor));
        }
        sql.append(" ORDER BY j.id DESC LIMIT :limit");
        params.put("limit", limit + 1);
        List<JobSummary> rows = new ArrayList<>(jdbc.sql(sql.toString()).params(params).query((rs, n) ->
                new JobSummary(rs.getObject("id", UUID.class), rs.getString("name"), JobState.valueOf(rs.getString("state")),
                        json.readValue(rs.getString("labels_text"), LABELS), rs.getInt("priority"),
                        rs.getObject("created_at", OffsetDateTime.class), rs.getObject("started_at", OffsetDateTime.class),
                        rs.getObject("finished_at", OffsetDateTime.class), progress(rs, JobState.valueOf(rs.getString("state")))))
                .list());
        String next = null;
        if (rows.size() > limit) {
            rows.remove(rows.size() - 1);
            next = encodeCursor(rows.get(rows.size() - 1).id());
        }
        return new Page<>(rows, next);
    }

    /** Events after {@code afterId} in order, at most {@code limit}. */
    public List<JobEvent> events(UUID jobId, long afterId, int limit) {
        return jdbc.sql("""
                SELECT id, at, from_state, to_state, reason, message, attempt_id, worker_id
                FROM job_events WHERE job_id = :job AND id > :after ORDER BY id LIMIT :limit
                """)
                .param("job", jobId).param("after", afterId).param("limit", limit)
                .query((rs, n) -> new JobEvent(rs.getLong("id"), rs.getObject("at", OffsetDateTime.class),
                        rs.getString("from_state"), rs.getString("to_state"), rs.getString("reason"),
                        rs.getString("message"), nullableLong(rs, "attempt_id"), rs.getObject("worker_id", UUID.class)))
                .list();
    }

    private JobView view(ResultSet rs, int n) throws SQLException {
        JobState state = JobState.valueOf(rs.getString("state"));
        JobView.AttemptView attempt = null;
        if (rs.getObject("a_id") != null) {
            attempt = new JobView.AttemptView(rs.getLong("a_id"), rs.getInt("a_number"), rs.getObject("a_worker", UUID.class),
                    rs.getString("a_worker_name"), rs.getString("a_state"), rs.getObject("a_started", OffsetDateTime.class),
                    rs.getObject("a_finished", OffsetDateTime.class), rs.getObject("a_lease", OffsetDateTime.class),
                    nullableLong(rs, "a_resumed"));
        }
        return new JobView(rs.getObject("id", UUID.class), rs.getString("name"), state,
                json.readValue(rs.getString("labels_text"), LABELS), rs.getInt("priority"), rs.getInt("max_retries"),
                rs.getInt("retries_used"), rs.getInt("attempt_count"), json.readTree(rs.getString("spec_text")),
                rs.getObject("created_at", OffsetDateTime.class), rs.getObject("queued_at", OffsetDateTime.class),
                rs.getObject("started_at", OffsetDateTime.class), rs.getObject("finished_at", OffsetDateTime.class),
                rs.getString("error"), attempt, progress(rs, state), Map.of(), rs.getBoolean("has_model"));
    }

    private static JobView.Progress progress(ResultSet rs, JobState state) throws SQLException {
        Long total = nullableLong(rs, "total_steps");
        long step = rs.getLong("a_step");
        Double sps = nullableDouble(rs, "a_sps");
        double fraction = state == JobState.SUCCEEDED ? 1.0
                : total == null || total == 0 ? 0.0 : Math.min(1.0, (double) step / total);
        Double eta = state.isTerminal() ? null : nullableDouble(rs, "a_eta");
        Integer epoch = rs.getObject("a_epoch") == null ? null : rs.getInt("a_epoch");
        return new JobView.Progress(epoch, step, total, fraction, sps, eta, rs.getObject("a_progress_at", OffsetDateTime.class));
    }

    static String encodeCursor(UUID id) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(id.toString().getBytes(StandardCharsets.UTF_8));
    }

    static UUID decodeCursor(String cursor) {
        try {
            return UUID.fromString(new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8));
        } catch (IllegalArgumentException e) {
            throw dev.spectra.service.web.ApiException.badRequest("invalid-cursor", "cursor is not a cursor this API returned");
        }
    }

    static Double nullableDouble(ResultSet rs, String col) throws SQLException {
        double d = rs.getDouble(col);
        return rs.wasNull() ? null : d;
    }

    static Long nullableLong(ResultSet rs, String col) throws SQLException {
        long l = rs.getLong(col);
        return rs.wasNull() ? null : l;
    }
}
