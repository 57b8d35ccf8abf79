package dev.spectra.service.auth;

import static org.assertj.core.api.Assertions.assertThat;

import dev.spectra.service.support.ServiceTestBase;
import java.net.http.HttpRequest;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.ApplicationContext;
import org.springframework.web.servlet.mvc.method.annotation.RequestMappingHandlerMapping;

/**
 * Every endpoint of the API x (no token, bad token, token without the scope, token of another
 * tenant, right token): the status each must answer. Another tenant's job or dataset is 404 (its
 * existence is not revealed) and its lists never show them; tokens, audit and workers are not
 * tenant data (admin / worker scopes).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AuthMatrixTest extends ServiceTestBase {

    private static final String GPU_JOB = """
            {"name": "matrix-gpu", "model": {"type": "mlp", "hiddenSizes": [8]},
             "dataset": {"name": "synthetic-xor", "trainSamples": 100, "testSamples": 20},
             "optimizer": {"type": "adamw"}, "training": {"epochs": 1, "batchSize": 10},
             "resources": {"accelerator": "gpu", "gpus": 1}}""";
    private static final String CSV = "x,y,label\n0,1,0\n1,0,1\n0.5,0.5,0\n1,1,1\n";

    @Autowired
    private ApplicationContext applicationContext;

    /** token name -> plaintext; "admin" is the bootstrap token */
    private final Map<String, String> tokens = new HashMap<>();
    /** placeholder -> fixture id */
    private final Map<String, String> ids = new HashMap<>();

    @BeforeAll
    void fixtures() {
        tokens.put("admin", ADMIN_TOKEN);
        tokens.put("member", createToken("member", "default", "jobs:read", "jobs:write"));
        tokens.put("reader", createToken("reader", "default", "jobs:read"));
        tokens.put("writer", createToken("writer", "default", "jobs:write"));
        tokens.put("worker", createToken("worker", "default", "worker"));
        tokens.put("other", createToken("other", "other", "jobs:read", "jobs:write", "worker"));
        var done = submit(blobsJob("matrix-done", 1, 0));
        awaitState(done, "SUCCEEDED", Duration.ofMinutes(2));
        ids.put("{job}", done.toString());
        ids.put("{queued}", submit(GPU_JOB).toString());
        Response ds = send(HttpRequest.newBuilder(uri("/api/v1/datasets?name=matrix")).header("Content-Type", "text/csv")
                .POST(HttpRequest.BodyPublishers.ofString(CSV)));
        assertThat(ds.status()).as(ds.body()).isEqualTo(201);
        ids.put("{ds}", ds.json().get("id").asString());
        Response tok = post("/api/v1/tokens", "{\"name\": \"to-revoke\", \"tenant\": \"default\"}");
        ids.put("{tok}", tok.json().get("id").asString());
    }

    @AfterAll
    void cleanUp() {
        // the GPU jobs submitted here would wait forever on the test's CPU worker
        jdbc.sql("UPDATE jobs SET state = 'CANCELLED', finished_at = now() WHERE name = 'matrix-gpu' AND state = 'QUEUED'").update();
    }

    /**
     * @param right      token that may call it (tenant default)
     * @param rightCode  its status
     * @param otherCode  status for tenant "other" (jobs:read, jobs:write, worker); null where the
     *                   endpoint is not tenant data and admin is required regardless
     * @param wrongScope a tenant-default token lacking the needed scope (-> 403)
     */
    record Row(String method, String path, String contentType, String body, String right, int rightCode, Integer otherCode,
               String wrongScope) {
        @Override
        public String toString() {
            return method + " " + path;
        }
    }

    Stream<Arguments> endpoints() {
        String json = "application/json";
        return Stream.of(
                new Row("GET", "/api/v1/jobs", null, null, "member", 200, 200, "writer"),
                new Row("POST", "/api/v1/jobs", json, GPU_JOB, "member", 201, 201, "reader"),
                new Row("GET", "/api/v1/jobs/{job}", null, null, "member", 200, 404, "writer"),
                new Row("GET", "/api/v1/jobs/{job}/events", null, null, "reader", 200, 404, "writer"),
                new Row("GET", "/api/v1/jobs/{job}/metrics", null, null, "reader", 200, 404, "writer"),
                new Row("GET", "/api/v1/jobs/{job}/metrics/loss", null, null, "reader", 200, 404, "writer"),
                new Row("GET", "/api/v1/jobs/{job}/stream", null, null, "reader", 200, 404, "writer"),
                new Row("GET", "/api/v1/jobs/{job}/model", null, null, "reader", 200, 404, "writer"),
                new Row("POST", "/api/v1/jobs/{queued}/cancel", null, "", "writer", 202, 404, "reader"),
                new Row("GET", "/api/v1/datasets", null, null, "reader", 200, 200, "writer"),
                new Row("GET", "/api/v1/datasets/{ds}", null, null, "reader", 200, 404, "writer"),
                new Row("POST", "/api/v1/datasets?name=m", "text/csv", CSV, "writer", 201, 201, "reader"),
                new Row("GET", "/api/v1/workers", null, null, "worker", 200, 200, "member"),
                new Row("GET", "/api/v1/tokens", null, null, "admin", 200, null, "member"),
                new Row("POST", "/api/v1/tokens", json, "{\"name\": \"m\", \"tenant\": \"t\"}", "admin", 201, null, "member"),
                new Row("GET", "/api/v1/tokens/{tok}", null, null, "admin", 200, null, "member"),
                new Row("DELETE", "/api/v1/tokens/{tok}", null, null, "admin", 200, null, "member"),
                new Row("GET", "/api/v1/audit", null, null, "admin", 200, null, "member")
        ).map(Arguments::of);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("endpoints")
    void everyEndpointAnswersEachCallerAsSpecified(Row row) {
        Response none = call(row, null);
        assertThat(none.status()).as("no token: %s", none.body()).isEqualTo(401);
        assertThat(none.header("WWW-Authenticate")).startsWith("Bearer");
        assertProblem(none, "missing-token");

        Response bad = call(row, "spt_this-token-does-not-exist");
        assertThat(bad.status()).as("bad token: %s", bad.body()).isEqualTo(401);
        assertThat(bad.header("WWW-Authenticate")).contains("invalid_token");
        assertProblem(bad, "invalid-token");

        Response wrong = call(row, tokens.get(row.wrongScope()));
        assertThat(wrong.status()).as("wrong scope: %s", wrong.body()).isEqualTo(403);
        assertThat(wrong.header("WWW-Authenticate")).contains("insufficient_scope");
        assertProblem(wrong, "insufficient-scope");

        if (row.otherCode() != null) {
            Response other = call(row, tokens.get("other"));
            assertThat(other.status()).as("other tenant: %s", other.body()).isEqualTo(row.otherCode());
            if (row.otherCode() == 404) {
                assertThat(other.json().get("code").asString()).endsWith("-not-found");
            }
            if (other.status() < 300 && !row.path().startsWith("/api/v1/workers")) {
                // lists and creations never show a trace of tenant default's objects
                assertThat(other.body()).doesNotContain(ids.get("{job}"), ids.get("{queued}"), ids.get("{ds}"));
            }
        }

        Response right = call(row, tokens.get(row.right()));
        assertThat(right.status()).as("right token: %s", right.body()).isEqualTo(row.rightCode());
    }

    private Response call(Row row, String token) {
        String path = row.path();
        for (var e : ids.entrySet()) {
            path = path.replace(e.getKey(), e.getValue());
        }
        HttpRequest.Builder b = HttpRequest.newBuilder(uri(path));
        if (row.contentType() != null) {
            b.header("Content-Type", row.contentType());
        }
        b.method(row.method(), row.body() == null ? HttpRequest.BodyPublishers.noBody()
                : HttpRequest.BodyPublishers.ofString(row.body()));
        return sendAs(token, b);
    }

    private static void assertProblem(Response r, String code) {
        assertThat(r.header("Content-Type")).startsWith("application/problem+json");
        assertThat(r.json().get("code").asString()).isEqualTo(code);
        assertThat(r.json().get("detail").asString()).isNotBlank();
    }

    /** Every /api mapping has a row, so a new endpoint cannot be left out of the matrix. */
    @Test
    void theMatrixCoversEveryApiMapping() {
        List<String> covered = endpoints().map(a -> ((Row) a.get()[0]).toString().replaceAll("\\{\\w+}", "{id}")
                .replaceAll("\\?.*", "")).toList();
        var mappings = applicationContext.getBean("requestMappingHandlerMapping", RequestMappingHandlerMapping.class)
                .getHandlerMethods();
        for (var info : mappings.keySet()) {
            for (String pattern : info.getPatternValues()) {
                if (!pattern.startsWith("/api/")) {
                    continue;
                }
                for (var m : info.getMethodsCondition().getMethods()) {
                    String key = m.name() + " " + pattern.replaceAll("\\{\\w+}", "{id}").replace("{id}/metrics/{id}", "{id}/metrics/loss");
                    assertThat(covered).as("matrix row for %s", key).contains(key);
                }
            }
        }
    }
}
