package dev.spectra.service.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.spectra.service.audit.AuditLog;
import dev.spectra.service.support.ServiceTestBase;
import java.net.http.HttpRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.mock.env.MockEnvironment;
import tools.jackson.databind.JsonNode;

/** Creating, listing and revoking tokens; what is stored; the bootstrap file; worker authentication. */
class TokenLifecycleTest extends ServiceTestBase {

    @Autowired
    private ApiTokens apiTokens;

    @Autowired
    private AuditLog audit;

    @Test
    void aCreatedTokenWorksIsListedWithoutSecretAndStopsWorkingWhenRevoked() {
        Response created = post("/api/v1/tokens", "{\"name\": \"ci\", \"tenant\": \"team-a\", \"scopes\": [\"jobs:read\"]}");
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        String token = created.json().get("token").asString();
        String id = created.json().get("id").asString();
        assertThat(token).startsWith("spt_").hasSizeGreaterThan(40);
        assertThat(created.header("Location")).isEqualTo("/api/v1/tokens/" + id);

        assertThat(getAs(token, "/api/v1/jobs").status()).isEqualTo(200);
        assertThat(getAs(token, "/api/v1/jobs").json().get("items")).isEmpty(); // team-a has no jobs

        Response list = get("/api/v1/tokens?tenant=team-a");
        assertThat(list.json().get("items")).hasSize(1);
        JsonNode listed = list.json().get("items").get(0);
        assertThat(listed.get("name").asString()).isEqualTo("ci");
        assertThat(listed.get("scopes").get(0).asString()).isEqualTo("jobs:read");
        assertThat(listed.get("lastUsedAt")).isNotNull();
        assertThat(list.body()).doesNotContain(token).doesNotContain(ApiTokens.hash(token));
        assertThat(get("/api/v1/tokens/" + id).body()).doesNotContain(token);

        Response revoked = send(HttpRequest.newBuilder(uri("/api/v1/tokens/" + id)).DELETE());
        assertThat(revoked.status()).isEqualTo(200);
        assertThat(revoked.json().get("revokedAt")).isNotNull();
        Response after = getAs(token, "/api/v1/jobs");
        assertThat(after.status()).isEqualTo(401);
        assertThat(after.json().get("code").asString()).isEqualTo("invalid-token");
        // revoking again is harmless; revoked tokens are listed only when asked for
        assertThat(send(HttpRequest.newBuilder(uri("/api/v1/tokens/" + id)).DELETE()).status()).isEqualTo(200);
        assertThat(get("/api/v1/tokens?tenant=team-a").json().get("items")).isEmpty();
        assertThat(get("/api/v1/tokens?tenant=team-a&includeRevoked=true").json().get("items")).hasSize(1);
        assertThat(send(HttpRequest.newBuilder(uri("/api/v1/tokens/" + java.util.UUID.randomUUID())).DELETE()).status())
                .isEqualTo(404);

        List<String> actions = new ArrayList<>();
        audit.page(null, null, Long.MAX_VALUE, 50).stream().filter(e -> id.equals(e.target()))
                .forEach(e -> actions.add(e.action() + " by " + e.tokenName()));
        assertThat(actions).containsExactly("token.revoked by bootstrap", "token.created by bootstrap");
    }

    @Test
    void aTokenWithALifetimeWorksUntilItExpires() throws Exception {
        Response created = post("/api/v1/tokens",
                "{\"name\": \"short-lived\", \"tenant\": \"team-b\", \"scopes\": [\"jobs:read\"], \"expiresInSeconds\": 2}");
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        String token = created.json().get("token").asString();
        java.time.OffsetDateTime expiresAt = java.time.OffsetDateTime.parse(created.json().get("expiresAt").asString());
        // the database clock sets it: now + 2 s, within a generous margin for a loaded machine
        assertThat(java.time.Duration.between(java.time.OffsetDateTime.now(), expiresAt).toMillis()).isBetween(0L, 2500L);
        assertThat(getAs(token, "/api/v1/jobs").status()).isEqualTo(200);
        JsonNode listed = get("/api/v1/tokens?tenant=team-b").json().get("items").get(0);
        assertThat(java.time.OffsetDateTime.parse(listed.get("expiresAt").asString())).isEqualTo(expiresAt);

        long waitMs = java.time.Duration.between(java.time.OffsetDateTime.now(), expiresAt).toMillis() + 300;
        Thread.sleep(Math.max(0, waitMs));
        Response after = getAs(token, "/api/v1/jobs");
        assertThat(after.status()).isEqualTo(401);
        assertThat(after.json().get("detail").asString()).contains("expired");
        // tokens without a lifetime have none
        assertThat(get("/api/v1/tokens?tenant=default").json().get("items").get(0).has("expiresAt")).isFalse(); // nulls are omitted
        String id = created.json().get("id").asString();
        assertThat(audit.page(null, AuditLog.TOKEN_CREATED, Long.MAX_VALUE, 50)) // recorded under the admin's tenant
                .filteredOn(e -> id.equals(e.target())).singleElement()
                .satisfies(e -> assertThat(e.detail().get("expiresAt").asString()).isNotBlank());
    }

    @Test
    void badLifetimesAreRejectedWithTheFieldNamed() {
        for (String v : List.of("0", "-5", "1.5", "\"60\"", "true", String.valueOf(TokenController.MAX_LIFETIME_SECONDS + 1),
                "1e400", "99999999999999999999999")) {
            Response r = post("/api/v1/tokens", "{\"name\": \"x\", \"tenant\": \"default\", \"expiresInSeconds\": " + v + "}");
            assertThat(r.status()).as(v).isEqualTo(400);
            assertThat(r.json().at("/errors/0/field").asString()).as(v).isEqualTo("expiresInSeconds");
            assertThat(r.json().at("/errors/0/message").asString()).as(v).contains("whole number of seconds");
        }
    }

    @Test
    void theDatabaseHoldsNoPlaintextToken() {
        String token = createToken("secret-check", "default", "jobs:read");
        List<String> rows = jdbc.sql("SELECT row_to_json(t)::text FROM api_tokens t").query(String.class).list();
        assertThat(rows).isNotEmpty().noneMatch(r -> r.contains(token) || r.contains(ADMIN_TOKEN));
        assertThat(rows).anyMatch(r -> r.contains(ApiTokens.hash(token)));
        List<String> audits = jdbc.sql("SELECT row_to_json(a)::text FROM audit_log a").query(String.class).list();
        assertThat(audits).noneMatch(r -> r.contains(token) || r.contains(ADMIN_TOKEN));
    }

    @Test
    void badTokenRequestsListEveryProblem() {
        Response r = post("/api/v1/tokens", "{\"name\": \"\", \"tenant\": \"Not A Tenant\", \"scopes\": [\"root\"], \"ttl\": 5}");
        assertThat(r.status()).isEqualTo(400);
        assertThat(r.json().get("code").asString()).isEqualTo("invalid-token-request");
        List<String> fields = new ArrayList<>();
        r.json().get("errors").forEach(e -> fields.add(e.get("field").asString()));
        assertThat(fields).containsExactlyInAnyOrder("ttl", "name", "tenant", "scopes[0]");
        assertThat(post("/api/v1/tokens", "{}").json().get("errors")).hasSize(2); // name and tenant required
    }

    @Test
    void malformedAuthorizationHeadersAre401() {
        for (String header : List.of("Basic dXNlcjpwYXNz", "Bearer", "Bearer ", "Bearer a b", "bearer" + " ".repeat(3))) {
            Response r = send(HttpRequest.newBuilder(uri("/api/v1/jobs")).header("Authorization", header).GET());
            assertThat(r.status()).as(header).isEqualTo(401);
            assertThat(r.header("Content-Type")).startsWith("application/problem+json");
        }
        // the scheme is case-insensitive (RFC 7235)
        assertThat(send(HttpRequest.newBuilder(uri("/api/v1/jobs")).header("Authorization", "bearer " + ADMIN_TOKEN).GET())
                .status()).isEqualTo(200);
    }

    @Test
    void healthPrometheusAndTheApiDocumentStayOpen() {
        assertThat(getAs(null, "/actuator/health").status()).isEqualTo(200);
        assertThat(getAs(null, "/actuator/prometheus").status()).isEqualTo(200);
        Response docs = getAs(null, "/v3/api-docs");
        assertThat(docs.status()).isEqualTo(200);
        assertThat(docs.json().at("/components/securitySchemes/bearer/scheme").asString()).isEqualTo("bearer");
        // nothing else of the actuator is exposed, with or without a token
        for (String path : List.of("/actuator/env", "/actuator/beans", "/actuator/heapdump", "/actuator/configprops")) {
            assertThat(getAs(ADMIN_TOKEN, path).status()).as(path).isEqualTo(404);
        }
    }

    @Test
    void aChangedBootstrapTokenRevokesThePreviousOne() {
        String first = ApiTokens.generate();
        String second = ApiTokens.generate();
        // a separate tenant so the running test context's own bootstrap token is untouched afterwards
        apiTokens.ensureBootstrap(first, "bootstrap-rotation");
        assertThat(apiTokens.authenticate(first)).isPresent();
        apiTokens.ensureBootstrap(second, "bootstrap-rotation");
        assertThat(apiTokens.authenticate(first)).isEmpty();
        assertThat(apiTokens.authenticate(second)).get().extracting(Caller::tenant).isEqualTo("bootstrap-rotation");
        // restore the test context's bootstrap token (ensureBootstrap revoked it as "another bootstrap token")
        jdbc.sql("UPDATE api_tokens SET revoked_at = NULL WHERE token_hash = :h").param("h", ApiTokens.hash(ADMIN_TOKEN)).update();
        jdbc.sql("UPDATE api_tokens SET revoked_at = now() WHERE token_hash = :h").param("h", ApiTokens.hash(second)).update();
        assertThat(getAs(ADMIN_TOKEN, "/api/v1/tokens").status()).isEqualTo(200);
    }

    @Test
    void theEmbeddedDevRunGeneratesOneTokenReadableOnlyByItsOwner(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("spectra-data/bootstrap-token");
        String token = BootstrapToken.readOrGenerate(file);
        assertThat(token).startsWith("spt_");
        assertThat(Files.readString(file).strip()).isEqualTo(token);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
        // the next start reuses it
        assertThat(BootstrapToken.readOrGenerate(file)).isEqualTo(token);
    }

    @Test
    void aWorkerApartFromTheApiNeedsALiveTokenWithScopeWorker() {
        String worker = createToken("pool-a", "default", "worker");
        String reader = createToken("not-a-worker", "default", "jobs:read");
        assertThat(workerAuth(worker)).isNull();
        assertThat(workerAuth(reader)).contains("lacks scope 'worker'");
        assertThat(workerAuth(null)).contains("set SPECTRA_WORKER_TOKEN");
        assertThat(workerAuth("spt_unknown-token")).contains("unknown, revoked or expired");
        assertThat(audit.page("default", "worker.authenticated", Long.MAX_VALUE, 5))
                .anyMatch(e -> "pool-a".equals(e.tokenName()));
    }

    /** The start-up failure message of a worker-only process with {@code token}, or null when it may start. */
    private String workerAuth(String token) {
        AuthProperties props = new AuthProperties(true, null, "default", null, token);
        var env = new MockEnvironment().withProperty("spectra.api.enabled", "false");
        var check = new WorkerAuthentication(props, apiTokens, null, env, audit);
        try {
            check.afterPropertiesSet();
            return null;
        } catch (IllegalStateException e) {
            return e.getMessage();
        }
    }

    @Test
    void aTooShortBootstrapTokenStopsStartUp() {
        var props = new AuthProperties(true, "short", "default", null, null);
        var check = new BootstrapToken(apiTokens, props, new dev.spectra.service.config.DatabaseProperties("jdbc:x", null, null, null, java.time.Duration.ofSeconds(5), java.time.Duration.ofSeconds(60)),
                new dev.spectra.service.config.EmbeddedDatabaseProperties("./x", 0));
        assertThatThrownBy(check::afterPropertiesSet).hasMessageContaining("at least 16 characters");
    }
}
