package dev.spectra.service.support;

import dev.spectra.service.SpectraApplication;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.function.Predicate;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The whole service (API + one in-process worker) on a random port against the test database,
 * driven over real HTTP. Every test class extending this shares one Spring context; timings are
 * shortened so jobs, heartbeats and streams move quickly.
 */
@SpringBootTest(classes = SpectraApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {
                "spectra.db.url=${spectra.test.db-url}",
                "spectra.worker.slots=1",
                "spectra.worker.heartbeat-interval=500ms",
                "spectra.worker.lease-duration=5s",
                "spectra.worker.poll-interval=200ms",
                "spectra.worker.metric-flush-interval=200ms",
                "spectra.worker.retry-backoff=200ms",
                "spectra.api.sse-poll-interval=100ms",
                "spectra.api.sse-heartbeat=500ms",
                "spectra.api.fleet-refresh=1h",
                "spectra.limits.max-request-bytes=64KB",
                "spectra.limits.max-upload-bytes=256KB",
                "spectra.limits.max-epochs=500",
                "spectra.auth.bootstrap-token=" + ServiceTestBase.ADMIN_TOKEN,
                // per-tenant limits exercised by TenantLimitsTest; every other tenant has the defaults
                "spectra.limits.tenants.limited.max-queued-jobs=2",
                "spectra.limits.tenants.limited.max-epochs=3",
                "spectra.limits.tenants.limited.max-parameters=5000",
                "spectra.limits.tenants.limited.max-dataset-rows=10",
                "spectra.limits.tenants.capped.max-running-jobs=1",
                "logging.level.dev.spectra=INFO"
        })
public abstract class ServiceTestBase {

    /** The bootstrap admin token (tenant {@code default}) every helper below sends unless told otherwise. */
    public static final String ADMIN_TOKEN = "test-bootstrap-token-0123456789abcdef";

    protected static final JsonMapper JSON = JsonMapper.builder().build();
    protected static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    @LocalServerPort
    protected int port;

    @Autowired
    protected JdbcClient jdbc;

    @Autowired
    protected dev.spectra.service.queue.JobQueue queue;

    @Autowired
    protected dev.spectra.service.workers.WorkerRepository workers;

    /**
     * The test database, as {@code spectra.test.db-url} (which {@code spectra.db.url} points at): a
     * subclass that needs a database of its own sets {@code spectra.db.url} in a
     * {@code @TestPropertySource}, which overrides the properties above.
     */
    @DynamicPropertySource
    static void database(DynamicPropertyRegistry registry) {
        registry.add("spectra.test.db-url", TestDatabase::url);
        registry.add("spectra.db.user", TestDatabase::user);
    }

    protected URI uri(String path) {
        return URI.create("http://127.0.0.1:" + port + path);
    }

    /** A response with its body parsed as JSON (null when empty or not JSON). */
    public record Response(int status, java.net.http.HttpHeaders headers, String body, JsonNode json) {
        public String header(String name) {
            return headers.firstValue(name).orElse(null);
        }
    }

    protected Response get(String path) {
        return send(HttpRequest.newBuilder(uri(path)).GET());
    }

    protected Response post(String path, String jsonBody, Map<String, String> headers) {
        HttpRequest.Builder b = HttpRequest.newBuilder(uri(path)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(jsonBody));
        headers.forEach(b::header);
        return send(b);
    }

    protected Response post(String path, String jsonBody) {
        return post(path, jsonBody, Map.of());
    }

    /** Creates a token through the admin API and returns its plaintext. */
    protected String createToken(String name, String tenant, String... scopes) {
        String body = JSON.createObjectNode().put("name", name).put("tenant", tenant)
                .set("scopes", JSON.valueToTree(scopes)).toString();
        Response r = post("/api/v1/tokens", body);
        if (r.status() != 201) {
            throw new AssertionError("token creation failed: " + r.status() + " " + r.body());
        }
        return r.json().get("token").asString();
    }

    /** GET with {@code token} (none when null). */
    protected Response getAs(String token, String path) {
        return sendAs(token, HttpRequest.newBuilder(uri(path)).GET());
    }

    /** An authenticated builder for requests sent with a client other than {@link #send}. */
    protected HttpRequest.Builder authorized(String path) {
        return HttpRequest.newBuilder(uri(path)).header("Authorization", "Bearer " + ADMIN_TOKEN);
    }

    /** Sends with the admin token (unless the request already carries an Authorization header). */
    protected Response send(HttpRequest.Builder b) {
        return sendAs(ADMIN_TOKEN, b);
    }

    /** Sends with {@code token} as bearer, or with no Authorization header when it is null. */
    protected Response sendAs(String token, HttpRequest.Builder b) {
        if (token != null && b.copy().build().headers().firstValue("Authorization").isEmpty()) {
            b.header("Authorization", "Bearer " + token);
        }
        try {
            HttpResponse<String> r = HTTP.send(b.timeout(Duration.ofSeconds(60)).build(), HttpResponse.BodyHandlers.ofString());
            JsonNode node = null;
            String ct = r.headers().firstValue("Content-Type").orElse("");
            if (ct.contains("json") && !r.body().isEmpty()) {
                node = JSON.readTree(r.body());
            }
            return new Response(r.statusCode(), r.headers(), r.body(), node);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Submits a job spec and returns its id (asserting 201). */
    protected UUID submit(String spec) {
        Response r = post("/api/v1/jobs", spec);
        if (r.status() != 201) {
            throw new AssertionError("submit failed: " + r.status() + " " + r.body());
        }
        return UUID.fromString(r.json().get("id").asString());
    }

    protected JsonNode job(UUID id) {
        return get("/api/v1/jobs/" + id).json();
    }

    /** Polls the job until {@code condition} holds or {@code timeout} passes (then fails with the last view). */
    protected JsonNode awaitJob(UUID id, Duration timeout, Predicate<JsonNode> condition) {
        long deadline = System.nanoTime() + timeout.toNanos();
        JsonNode last = null;
        while (System.nanoTime() < deadline) {
            last = job(id);
            if (condition.test(last)) {
                return last;
            }
            sleep(100);
        }
        throw new AssertionError("job " + id + " did not reach the expected condition within " + timeout + ": " + last);
    }

    protected JsonNode awaitState(UUID id, String state, Duration timeout) {
        return awaitJob(id, timeout, j -> state.equals(j.get("state").asString()));
    }

    protected JsonNode awaitTerminal(UUID id, Duration timeout) {
        return awaitJob(id, timeout, j -> Map.of("SUCCEEDED", 1, "FAILED", 1, "CANCELLED", 1).containsKey(j.get("state").asString()));
    }

    protected static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** A small, fast synthetic job spec. */
    protected static String blobsJob(String name, int epochs, int checkpointEvery) {
        return """
                {"name": "%s", "labels": {"suite": "service-test"},
                 "model": {"type": "mlp", "hiddenSizes": [16]},
                 "dataset": {"name": "synthetic-blobs", "trainSamples": 400, "testSamples": 100},
                 "optimizer": {"type": "adamw", "lr": 0.01},
                 "training": {"epochs": %d, "batchSize": 40, "seed": 11, "checkpointEverySteps": %d}}
                """.formatted(name, epochs, checkpointEvery);
    }

    /** A job only a GPU worker may claim: it stays QUEUED on the test's CPU worker. */
    protected static String gpuJob(String name) {
        return """
                {"name": "%s", "model": {"type": "mlp", "hiddenSizes": [8]},
                 "dataset": {"name": "synthetic-xor", "trainSamples": 100, "testSamples": 20},
                 "optimizer": {"type": "adamw"}, "training": {"epochs": 1, "batchSize": 10},
                 "resources": {"accelerator": "gpu", "gpus": 1}}
                """.formatted(name);
    }

    /** Registers a worker row (not a running worker) that drives the queue SQL directly. */
    protected dev.spectra.service.workers.WorkerIdentity registerWorker(String accelerator, int devices) {
        var w = new dev.spectra.service.workers.WorkerIdentity(UUID.randomUUID(), "test-" + accelerator, accelerator,
                accelerator.equals("gpu") ? "JCublasBackend" : "CpuBackend", devices, null, 1L << 30, 2, 1, 1, "test");
        workers.register(w);
        return w;
    }

    /**
     * A GPU job (so the service's own CPU worker never takes it) claimed by a registered GPU
     * worker row: the test then holds the attempt's fence and can write as that worker.
     */
    protected dev.spectra.service.queue.ClaimedJob claimGpuJobAsTestWorker(String name) {
        UUID id = dev.spectra.service.jobs.TimeOrderedIds.next();
        queue.enqueue(new dev.spectra.service.queue.JobQueue.NewJob(id, "default", name, "{}", "{}", 999, 1, "gpu", 1,
                5000, null, null));
        var w = registerWorker("gpu", 1);
        var c = queue.claim(w.id(), w.name(), "gpu", 1, Duration.ofMinutes(10)).orElseThrow();
        if (!c.fence().jobId().equals(id)) {
            throw new AssertionError("another GPU job was queued before " + id);
        }
        return c;
    }
}
