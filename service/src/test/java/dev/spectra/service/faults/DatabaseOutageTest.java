package dev.spectra.service.faults;

import static dev.spectra.service.faults.FaultTestSupport.lossSteps;
import static dev.spectra.service.faults.FaultTestSupport.reasons;
import static org.assertj.core.api.Assertions.assertThat;

import dev.spectra.service.support.ServiceTestBase;
import dev.spectra.service.support.TcpProxy;
import dev.spectra.service.support.TestDatabase;
import java.time.Duration;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DriverManagerDataSource;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.context.TestPropertySource;
import tools.jackson.databind.JsonNode;

/**
 * PostgreSQL becomes unreachable for longer than a lease while a job trains, then comes back.
 * The service (API + worker) reaches its own database through a {@link TcpProxy} that the test
 * cuts; the test itself reads the database directly. Connection timeouts are 1 s here.
 */
@DirtiesContext // its own database: close the context (and its connection pool) after the class
@TestPropertySource(properties = {"spectra.db.url=${spectra.test.outage-db-url}", "spectra.db.connection-timeout=1s",
        "spectra.reaper.interval=300ms", "spectra.reaper.outage-grace=3s", "spectra.worker.metric-buffer-points=500"})
class DatabaseOutageTest extends ServiceTestBase {

    private static final String DB = TestDatabase.fresh("spectra_outage");
    private static final TcpProxy PROXY = TcpProxy.toPostgres();
    private static final Pattern STEPS = Pattern.compile("(?m)^spectra_training_step_seconds_count\\{[^}]*} (\\S+)$");
    /** Longer than the 5 s lease of the test configuration. */
    private static final long OUTAGE_MILLIS = 7000;

    @DynamicPropertySource
    static void proxiedDatabase(DynamicPropertyRegistry registry) {
        registry.add("spectra.test.outage-db-url", () -> PROXY.jdbcUrl(DB));
    }


    private final JdbcClient direct = JdbcClient.create(new DriverManagerDataSource(TestDatabase.url(DB), TestDatabase.user(), ""));

    @Test
    void trainingContinuesThroughAnOutageTheApiAnswers503AndNothingIsLost() {
        UUID id = submit("""
                {"name": "through-an-outage", "model": {"type": "mlp", "hiddenSizes": [16]},
                 "dataset": {"name": "synthetic-blobs", "trainSamples": 400, "testSamples": 100},
                 "optimizer": {"type": "kron-spectral"},
                 "training": {"epochs": 60, "batchSize": 10, "seed": 3, "checkpointEverySteps": 100}}""");
        awaitJob(id, Duration.ofMinutes(2), j -> j.at("/progress/step").asLong() > 200);
        long pointsBefore = pointCount(id);
        assertThat(get("/actuator/health/readiness").status()).isEqualTo(200);

        PROXY.cut();
        long cutAt = System.nanoTime();
        try {
            double stepsAtCut = stepsTrained();
            Response api = get("/api/v1/jobs/" + id);
            assertThat(api.status()).isEqualTo(503);
            assertThat(api.header("Content-Type")).startsWith("application/problem+json");
            assertThat(api.json().get("code").asString()).isEqualTo("database-unavailable");
            Response submit = post("/api/v1/jobs", blobsJob("during-the-outage", 1, 0));
            assertThat(submit.status()).isEqualTo(503);
            assertThat(submit.json().get("code").asString()).isEqualTo("database-unavailable");
            assertThat(get("/actuator/health/readiness").status()).isEqualTo(503);
            assertThat(get("/actuator/health/liveness").status()).as("liveness stays up: a restart would not help").isEqualTo(200);
            long left = OUTAGE_MILLIS - (System.nanoTime() - cutAt) / 1_000_000;
            sleep(Math.max(0, left));
            double stepsAtEnd = stepsTrained();
            System.out.printf("database outage: %.0f steps trained during %d ms without the database%n",
                    stepsAtEnd - stepsAtCut, OUTAGE_MILLIS);
            assertThat(stepsAtEnd).as("training went on during the outage").isGreaterThan(stepsAtCut + 50);
        } finally {
            PROXY.restore();
        }

        long backAt = System.nanoTime();
        long deadline = backAt + Duration.ofSeconds(30).toNanos();
        while (get("/actuator/health/readiness").status() != 200 && System.nanoTime() < deadline) {
            sleep(100);
        }
        assertThat(get("/actuator/health/readiness").status()).isEqualTo(200);
        System.out.printf("database outage: ready again %.1f s after the database returned%n", (System.nanoTime() - backAt) / 1e9);

        JsonNode done = awaitState(id, "SUCCEEDED", Duration.ofMinutes(2));
        // the outage was longer than the lease, but the job was not taken from its worker
        assertThat(done.get("attempts").asInt()).isEqualTo(1);
        assertThat(reasons(direct, id)).containsExactly("SUBMITTED", "CLAIMED", "COMPLETED");
        // every step exactly once: what was written stayed, what was buffered was flushed
        assertThat(pointCount(id)).isGreaterThan(pointsBefore);
        assertThat(lossSteps(direct, id)).containsExactlyElementsOf(LongStream.rangeClosed(1, 2400).boxed().toList());
        assertThat(done.at("/metrics/loss/count").asLong()).isEqualTo(2400);
        String scrape = get("/actuator/prometheus").body();
        assertThat(scrape).contains("spectra_metric_points_dropped_total{application=\"spectra\"} 0.0");
    }

    private long pointCount(UUID id) {
        return direct.sql("SELECT count(*) FROM metric_points p JOIN metric_series s ON s.id = p.series_id WHERE s.job_id = :id")
                .param("id", id).query(Long.class).single();
    }

    /** Training steps this process has run, from its Prometheus endpoint (which needs no database). */
    private double stepsTrained() {
        Matcher m = STEPS.matcher(get("/actuator/prometheus").body());
        return m.find() ? Double.parseDouble(m.group(1)) : 0;
    }
}
