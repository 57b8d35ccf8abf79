package dev.spectra.service.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.spectra.service.support.ServiceTestBase;
import java.net.http.HttpRequest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.dao.DataAccessException;
import tools.jackson.databind.JsonNode;

/** Who did what: rows for every audited action, readable by admins, impossible to change. */
class AuditLogTest extends ServiceTestBase {

    @Test
    void submitCancelDownloadUploadAndTokenActionsAreRecordedWithTheirTokenAndTenant() {
        String token = createToken("audited", "audit-team", "jobs:read", "jobs:write");
        Response submitted = sendAs(token, HttpRequest.newBuilder(uri("/api/v1/jobs")).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(blobsJob("audited-job", 1, 0))));
        assertThat(submitted.status()).isEqualTo(201);
        UUID job = UUID.fromString(submitted.json().get("id").asString());
        JsonNode done = awaitJobAs(token, job);
        assertThat(done.get("state").asString()).isEqualTo("SUCCEEDED");
        assertThat(getAs(token, "/api/v1/jobs/" + job + "/model").status()).isEqualTo(200);
        assertThat(sendAs(token, HttpRequest.newBuilder(uri("/api/v1/jobs/" + job + "/cancel"))
                .POST(HttpRequest.BodyPublishers.noBody())).status()).isEqualTo(409); // finished: refused, not audited
        Response ds = sendAs(token, HttpRequest.newBuilder(uri("/api/v1/datasets?name=aud")).header("Content-Type", "text/csv")
                .POST(HttpRequest.BodyPublishers.ofString("1,0\n2,1\n3,0\n")));
        assertThat(ds.status()).isEqualTo(201);

        Response page = get("/api/v1/audit?tenant=audit-team");
        assertThat(page.status()).isEqualTo(200);
        List<String> rows = new ArrayList<>();
        page.json().get("items").forEach(e -> rows.add(e.get("action").asString() + " " + e.get("target").asString() + " by "
                + e.get("tokenName").asString()));
        assertThat(rows).containsExactly(
                "dataset.uploaded " + ds.json().get("id").asString() + " by audited",
                "model.downloaded " + job + " by audited",
                "job.submitted " + job + " by audited");
        JsonNode upload = page.json().get("items").get(0);
        assertThat(upload.at("/detail/rows").asInt()).isEqualTo(3);
        assertThat(upload.get("tenant").asString()).isEqualTo("audit-team");
        assertThat(upload.get("at")).isNotNull();

        // keyset paging: one row per page, newest first, until the end
        List<String> paged = new ArrayList<>();
        String cursor = null;
        do {
            JsonNode p = get("/api/v1/audit?tenant=audit-team&limit=1" + (cursor == null ? "" : "&cursor=" + cursor)).json();
            p.get("items").forEach(e -> paged.add(e.get("action").asString()));
            cursor = p.hasNonNull("nextCursor") ? p.get("nextCursor").asString() : null;
        } while (cursor != null);
        assertThat(paged).containsExactly("dataset.uploaded", "model.downloaded", "job.submitted");

        // cancelling a queued job is audited
        UUID gpu = submit(gpuJob("audited-cancel"));
        assertThat(post("/api/v1/jobs/" + gpu + "/cancel", "").status()).isEqualTo(202);
        JsonNode cancel = get("/api/v1/audit?action=job.cancel-requested&limit=1").json().at("/items/0");
        assertThat(cancel.get("target").asString()).isEqualTo(gpu.toString());
        assertThat(cancel.get("tokenName").asString()).isEqualTo("bootstrap");
        assertThat(cancel.at("/detail/state").asString()).isEqualTo("CANCELLED");
    }

    @Test
    void theAuditTableRejectsUpdateDeleteAndTruncate() {
        createToken("append-only-check", "default", "jobs:read");
        long rows = jdbc.sql("SELECT count(*) FROM audit_log").query(Long.class).single();
        assertThat(rows).isPositive();
        assertThatThrownBy(() -> jdbc.sql("UPDATE audit_log SET action = 'nothing happened'").update())
                .isInstanceOf(DataAccessException.class).rootCause().hasMessageContaining("append-only");
        assertThatThrownBy(() -> jdbc.sql("DELETE FROM audit_log").update())
                .isInstanceOf(DataAccessException.class).rootCause().hasMessageContaining("append-only");
        assertThatThrownBy(() -> jdbc.sql("TRUNCATE audit_log").update())
                .isInstanceOf(DataAccessException.class).rootCause().hasMessageContaining("append-only");
        assertThat(jdbc.sql("SELECT count(*) FROM audit_log").query(Long.class).single()).isEqualTo(rows);
    }

    @Test
    void badAuditQueriesAre400() {
        assertThat(get("/api/v1/audit?cursor=abc").json().get("code").asString()).isEqualTo("invalid-cursor");
        assertThat(get("/api/v1/audit?limit=0").status()).isEqualTo(400);
    }

    private JsonNode awaitJobAs(String token, UUID id) {
        long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
        JsonNode last = null;
        while (System.nanoTime() < deadline) {
            last = getAs(token, "/api/v1/jobs/" + id).json();
            if (List.of("SUCCEEDED", "FAILED", "CANCELLED").contains(last.get("state").asString())) {
                return last;
            }
            sleep(100);
        }
        throw new AssertionError("job " + id + " did not finish: " + last);
    }
}
