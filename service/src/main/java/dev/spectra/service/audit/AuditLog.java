package dev.spectra.service.audit;

import dev.spectra.service.auth.Caller;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The append-only {@code audit_log} table (the database rejects UPDATE, DELETE and TRUNCATE on
 * it): who — token and tenant — did what to which target, and when. Written right after the
 * action succeeded; actions are stable dotted names ({@code job.submitted}, {@code token.revoked}...).
 */
@Repository
public class AuditLog {

    public static final String JOB_SUBMITTED = "job.submitted";
    public static final String JOB_CANCELLED = "job.cancel-requested";
    public static final String MODEL_DOWNLOADED = "model.downloaded";
    public static final String DATASET_UPLOADED = "dataset.uploaded";
    public static final String TOKEN_CREATED = "token.created";
    public static final String TOKEN_REVOKED = "token.revoked";

    private final JdbcClient jdbc;
    private final JsonMapper json;

    public AuditLog(JdbcClient jdbc, JsonMapper json) {
        this.jdbc = jdbc;
        this.json = json;
    }

    /** One audit row. */
    public record Entry(long id, OffsetDateTime at, String tenant, UUID tokenId, String tokenName, String action,
                        String target, JsonNode detail) {
    }

    public void record(Caller caller, String action, Object target, Map<String, ?> detail) {
        jdbc.sql("""
                INSERT INTO audit_log (tenant, token_id, token_name, action, target, detail)
                VALUES (:tenant, :tokenId, :tokenName, :action, :target, CAST(:detail AS jsonb))""")
                .param("tenant", caller.tenant()).param("tokenId", caller.tokenId()).param("tokenName", caller.tokenName())
                .param("action", action).param("target", target == null ? null : target.toString())
                .param("detail", detail == null || detail.isEmpty() ? null : json.writeValueAsString(detail))
                .update();
    }

    /** Newest first, before the row id {@code before} (exclusive), optionally of one tenant and action. */
    public List<Entry> page(String tenant, String action, long before, int limit) {
        return jdbc.sql("""
                SELECT id, at, tenant, token_id, token_name, action, target, detail::text AS detail FROM audit_log
                WHERE id < :before AND (CAST(:tenant AS text) IS NULL OR tenant = :tenant)
                  AND (CAST(:action AS text) IS NULL OR action = :action)
                ORDER BY id DESC LIMIT :limit""")
                .param("before", before).param("tenant", tenant).param("action", action).param("limit", limit)
                .query((rs, n) -> new Entry(rs.getLong("id"), rs.getObject("at", OffsetDateTime.class), rs.getString("tenant"),
                        rs.getObject("token_id", UUID.class), rs.getString("token_name"), rs.getString("action"),
                        rs.getString("target"), rs.getString("detail") == null ? null : json.readTree(rs.getString("detail"))))
                .list();
    }
}
