package dev.spectra.service.tenants;

import static org.assertj.core.api.Assertions.assertThat;

import dev.spectra.service.jobs.TimeOrderedIds;
import dev.spectra.service.queue.ClaimedJob;
import dev.spectra.service.queue.JobQueue;
import dev.spectra.service.support.ServiceTestBase;
import dev.spectra.service.workers.WorkerIdentity;
import java.net.http.HttpRequest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/**
 * Per-tenant limits configured in {@link ServiceTestBase}: tenant {@code limited} may queue 2 jobs
 * of at most 3 epochs and 5000 parameters and upload 10 rows; tenant {@code capped} may run 1 job.
 */
class TenantLimitsTest extends ServiceTestBase {

    private static final String GPU_JOB = """
            {"name": "limits-gpu", "model": {"type": "mlp", "hiddenSizes": [8]},
             "dataset": {"name": "synthetic-xor", "trainSamples": 100, "testSamples": 20},
             "optimizer": {"type": "adamw"}, "training": {"epochs": %d, "batchSize": 10},
             "resources": {"accelerator": "gpu", "gpus": 1}}""";

    private Response submitAs(String token, String spec) {
        return sendAs(token, HttpRequest.newBuilder(uri("/api/v1/jobs")).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(spec)));
    }

    @Test
    void aFullTenantQueueIsRefusedWith429UntilAJobLeavesIt() {
        String token = createToken("limited-ci", "limited", "jobs:read", "jobs:write");
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            Response r = submitAs(token, GPU_JOB.formatted(1));
            assertThat(r.status()).as(r.body()).isEqualTo(201);
            ids.add(r.json().get("id").asString());
        }
        Response full = submitAs(token, GPU_JOB.formatted(1));
        assertThat(full.status()).isEqualTo(429);
        assertThat(full.header("Content-Type")).startsWith("application/problem+json");
        assertThat(full.json().get("code").asString()).isEqualTo("tenant-limit-exceeded");
        assertThat(full.json().get("limit").asInt()).isEqualTo(2);
        assertThat(full.json().get("detail").asString()).contains("limited").contains("2 or more queued jobs");
        // other tenants are not affected
        assertThat(post("/api/v1/jobs", GPU_JOB.formatted(1)).status()).isEqualTo(201);

        Response cancelled = sendAs(token, HttpRequest.newBuilder(uri("/api/v1/jobs/" + ids.get(0) + "/cancel"))
                .POST(HttpRequest.BodyPublishers.noBody()));
        assertThat(cancelled.status()).isEqualTo(202);
        assertThat(submitAs(token, GPU_JOB.formatted(1)).status()).isEqualTo(201);
        cancelQueued("limits-gpu");
    }

    @Test
    void specsAndUploadsOverTheTenantsSizeLimitsAreRefusedNamingTheLimit() {
        String token = createToken("limited-sizes", "limited", "jobs:read", "jobs:write");
        Response epochs = submitAs(token, GPU_JOB.formatted(5));
        assertThat(epochs.status()).isEqualTo(400);
        assertThat(epochs.json().get("code").asString()).isEqualTo("tenant-limit-exceeded");
        assertThat(epochs.json().at("/errors/0/field").asString()).isEqualTo("training.epochs");
        assertThat(epochs.json().at("/errors/0/message").asString()).isEqualTo("must be <= 3 for tenant limited");

        Response model = submitAs(token, GPU_JOB.formatted(1).replace("[8]", "[512, 512]"));
        assertThat(model.status()).isEqualTo(400);
        assertThat(model.json().at("/errors/0/field").asString()).isEqualTo("model");
        assertThat(model.json().at("/errors/0/message").asString()).contains("at most 5000");

        StringBuilder csv = new StringBuilder();
        for (int i = 0; i < 20; i++) {
            csv.append(i).append(',').append(i % 2).append('\n');
        }
        Response upload = sendAs(token, HttpRequest.newBuilder(uri("/api/v1/datasets")).header("Content-Type", "text/csv")
                .POST(HttpRequest.BodyPublishers.ofString(csv.toString())));
        assertThat(upload.status()).isEqualTo(400);
        assertThat(upload.json().get("code").asString()).isEqualTo("tenant-limit-exceeded");
        assertThat(upload.json().at("/errors/0/message").asString()).contains("20 rows").contains("at most 10");
        // the same upload is fine for a tenant with the default limits
        assertThat(send(HttpRequest.newBuilder(uri("/api/v1/datasets")).header("Content-Type", "text/csv")
                .POST(HttpRequest.BodyPublishers.ofString(csv.toString()))).status()).isEqualTo(201);
    }

    @Test
    void concurrentClaimsNeverRunMoreOfATenantsJobsThanItsLimit() throws Exception {
        List<UUID> capped = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            UUID id = TimeOrderedIds.next();
            queue.enqueue(new JobQueue.NewJob(id, "capped", "capped-job", "{}", "{}", 1000, 0, "gpu", 1, 10, null, null));
            capped.add(id);
        }
        int threads = 4;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        CountDownLatch start = new CountDownLatch(1);
        List<Future<Optional<ClaimedJob>>> results = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            WorkerIdentity w = registerWorker("gpu", 1);
            results.add(pool.submit(() -> {
                start.await();
                return queue.claim(w.id(), w.name(), "gpu", 1, Duration.ofSeconds(30));
            }));
        }
        start.countDown();
        Set<UUID> claimed = new HashSet<>();
        for (var f : results) {
            f.get().ifPresent(c -> claimed.add(c.fence().jobId()));
        }
        pool.shutdown();
        try {
            // the highest-priority jobs are tenant capped's, yet only one of them runs
            assertThat(claimed.stream().filter(capped::contains)).hasSize(1);
            assertThat(jdbc.sql("SELECT count(*) FROM jobs WHERE tenant = 'capped' AND state = 'RUNNING'").query(Long.class)
                    .single()).isEqualTo(1);

            // when it finishes, the next one may run
            UUID running = claimed.stream().filter(capped::contains).findFirst().orElseThrow();
            jdbc.sql("UPDATE jobs SET state = 'SUCCEEDED', finished_at = now() WHERE id = :id").param("id", running).update();
            WorkerIdentity w = registerWorker("gpu", 1);
            Optional<ClaimedJob> next = queue.claim(w.id(), w.name(), "gpu", 1, Duration.ofSeconds(30));
            assertThat(next).isPresent();
            assertThat(capped).contains(next.get().fence().jobId());
            claimed.add(next.get().fence().jobId());
        } finally {
            // the fake workers' jobs (and any other test's leftover GPU job they took) end here
            jdbc.sql("UPDATE jobs SET state = 'CANCELLED', finished_at = now() WHERE id = ANY(:ids) AND finished_at IS NULL")
                    .param("ids", claimed.toArray(new UUID[0])).update();
            jdbc.sql("UPDATE jobs SET state = 'CANCELLED', finished_at = now() WHERE tenant = 'capped' AND finished_at IS NULL")
                    .update();
        }
    }

    private void cancelQueued(String name) {
        jdbc.sql("UPDATE jobs SET state = 'CANCELLED', finished_at = now() WHERE name = :name AND state = 'QUEUED'")
                .param("name", name).update();
    }
}
