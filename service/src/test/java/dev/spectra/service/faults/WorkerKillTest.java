package dev.spectra.service.faults;

import static dev.spectra.service.faults.FaultTestSupport.lossSteps;
import static dev.spectra.service.faults.FaultTestSupport.reasons;
import static dev.spectra.service.faults.FaultTestSupport.worker;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.spectra.service.metrics.ServiceMetrics;
import dev.spectra.service.support.ServiceTestBase;
import dev.spectra.service.support.TcpProxy;
import dev.spectra.service.support.TestDatabase;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.context.TestPropertySource;
import tools.jackson.databind.JsonNode;

/**
 * A worker dies in the middle of a job and another one finishes it from the last checkpoint.
 *
 * <p>The API (with the reaper) runs as the test's context, without a worker of its own, on a
 * database of its own (so no other test's jobs are around). Worker A is a worker-only instance whose
 * database connection goes through a {@link TcpProxy}: "killing" it cuts the proxy, so A can no
 * longer heartbeat, claim or write, exactly like a crashed or partitioned pod, while the JVM stays
 * cheap to run (a second JVM would cost ~15 s of start-up on this machine). Unlike a SIGKILLed
 * process, A keeps training in memory: when the proxy is restored it comes back as a zombie, and
 * the test checks that nothing it then tries to write lands (SIGKILL itself is exercised by
 * {@code scripts/chaos.sh}).
 */
@DirtiesContext // its own database: close the context (and its connection pool) after the class
@TestPropertySource(properties = {"spectra.db.url=${spectra.test.kill-db-url}", "spectra.worker.enabled=false", "spectra.reaper.interval=300ms",
        "spectra.worker.lease-duration=2s", "spectra.worker.heartbeat-interval=300ms"})
class WorkerKillTest extends ServiceTestBase {

    private static final String DB = TestDatabase.fresh("spectra_kill");
    private static final TcpProxy PROXY = TcpProxy.toPostgres();

    @DynamicPropertySource
    static void ownDatabase(DynamicPropertyRegistry registry) {
        registry.add("spectra.test.kill-db-url", () -> TestDatabase.url(DB));
    }


    /** 400 examples / batch 10 = 40 steps an epoch, 30 epochs = 1200 steps, a checkpoint every 100. */
    private static String job(String name) {
        return """
                {"name": "%s", "model": {"type": "mlp", "hiddenSizes": [16]},
                 "dataset": {"name": "synthetic-blobs", "trainSamples": 400, "testSamples": 200, "noise": 2.0},
                 "optimizer": {"type": "kron-spectral"},
                 "training": {"epochs": 30, "batchSize": 10, "seed": 7, "checkpointEverySteps": 100},
                 "maxRetries": 2}""".formatted(name);
    }

    @Test
    void aKilledWorkersJobIsReapedAndResumedFromItsCheckpointWithoutDuplicateOrMissingSteps() {
        assertThat(jdbc.sql("SELECT current_database()").query(String.class).single()).isEqualTo(DB);
        UUID id;
        long killedAtStep;
        ConfigurableApplicationContext b = null;
        // A flushes metrics only when it checkpoints (its timer would take 30 s): the points up to a
        // checkpoint must be stored with it, or the resumed job has a gap before the checkpoint
        try (ConfigurableApplicationContext a = worker("doomed-worker", PROXY.jdbcUrl(DB),
                "--spectra.worker.metric-flush-interval=30s")) {
            id = submit(job("killed-midway"));
            awaitJob(id, Duration.ofMinutes(2), j -> checkpointStep(id) >= 300);
            PROXY.cut();
            long cutAt = System.nanoTime();
            killedAtStep = checkpointStep(id);
            JsonNode running = job(id);
            assertThat(running.get("state").asString()).isEqualTo("RUNNING");
            assertThat(running.at("/attempt/workerName").asString()).isEqualTo("doomed-worker");
            b = worker("rescue-worker", TestDatabase.url(DB), "--spectra.worker.slots=2");
            // the same job, uninterrupted, trains next to it (the killed job is older, so it is claimed first)
            UUID reference = submit(job("uninterrupted"));

            JsonNode done = awaitState(id, "SUCCEEDED", Duration.ofMinutes(2));
            double recoverySeconds = (System.nanoTime() - cutAt) / 1e9;
            System.out.printf("worker kill: cut after the checkpoint at step %d, SUCCEEDED %.1f s later%n", killedAtStep, recoverySeconds);

            // resumed from a checkpoint, not from scratch, on the other worker
            assertThat(done.get("attempts").asInt()).isEqualTo(2);
            assertThat(done.get("retriesUsed").asInt()).isEqualTo(1);
            assertThat(done.at("/attempt/workerName").asString()).isEqualTo("rescue-worker");
            long resumedFrom = done.at("/attempt/resumedFromStep").asLong();
            assertThat(resumedFrom).isGreaterThanOrEqualTo(200).isLessThan(1200);
            assertThat(resumedFrom % 100).isZero();
            assertThat(reasons(jdbc, id)).containsExactly("SUBMITTED", "CLAIMED", "LEASE_EXPIRED", "CLAIMED", "COMPLETED");
            String message = jdbc.sql("SELECT message FROM job_events WHERE job_id = :id AND reason = 'LEASE_EXPIRED'")
                    .param("id", id).query(String.class).single();
            assertThat(message).contains("doomed-worker").containsPattern("expired \\d+\\.\\d s ago");
            assertThat(jdbc.sql("SELECT state || '/' || outcome FROM attempts WHERE job_id = :id AND number = 1")
                    .param("id", id).query(String.class).single()).isEqualTo("LOST/LEASE_EXPIRED");

            // every step exactly once; the first attempt's points stop at the checkpoint
            assertThat(lossSteps(jdbc, id)).containsExactlyElementsOf(LongStream.rangeClosed(1, 1200).boxed().toList());
            assertThat(jdbc.sql("""
                    SELECT max(p.step) FROM metric_points p JOIN metric_series s ON s.id = p.series_id
                    WHERE s.job_id = :id AND p.attempt = 1""").param("id", id).query(Long.class).single())
                    .isLessThanOrEqualTo(resumedFrom);
            assertThat(done.at("/metrics/loss/count").asLong()).isEqualTo(1200);
            assertThat(jdbc.sql("SELECT count(*) FROM artifacts WHERE job_id = :id AND kind = 'MODEL'")
                    .param("id", id).query(Long.class).single()).isEqualTo(1);

            // the zombie comes back: it learns it lost the job and nothing it still holds lands
            String before = snapshot(id);
            ServiceMetrics zombieMetrics = a.getBean(ServiceMetrics.class);
            PROXY.restore();
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (zombieMetrics.registry().get("spectra.attempts").tag("outcome", "lost").counter().count() < 1
                    && System.nanoTime() < deadline) {
                sleep(100);
            }
            assertThat(zombieMetrics.registry().get("spectra.attempts").tag("outcome", "lost").counter().count())
                    .as("the zombie gave up its attempt").isEqualTo(1);
            assertThat(snapshot(id)).isEqualTo(before);

            // the resumed job reaches the uninterrupted one's final accuracy
            JsonNode ref = awaitState(reference, "SUCCEEDED", Duration.ofMinutes(2));
            double resumedAcc = done.at("/metrics/test_accuracy/last").asDouble();
            double refAcc = ref.at("/metrics/test_accuracy/last").asDouble();
            System.out.printf("worker kill: final test accuracy resumed %.4f, uninterrupted %.4f%n", resumedAcc, refAcc);
            assertThat(resumedAcc).isCloseTo(refAcc, within(0.02));
        } finally {
            PROXY.restore();
            if (b != null) {
                b.close();
            }
        }
    }

    @Test
    void aStoppedWorkerCheckpointsAndReleasesWithinItsDeadlineAndTheNextWorkerResumesThere() {
        UUID id;
        long closeMillis;
        try (ConfigurableApplicationContext leaving = worker("leaving-worker", TestDatabase.url(DB),
                "--spectra.worker.shutdown-grace=10s")) {
            id = submit(job("stopped-midway"));
            awaitJob(id, Duration.ofMinutes(2), j -> "RUNNING".equals(j.get("state").asString())
                    && j.at("/progress/step").asLong() > 150);
            long t0 = System.nanoTime();
            leaving.close(); // what SIGTERM does
            closeMillis = (System.nanoTime() - t0) / 1_000_000;
        }
        System.out.printf("graceful shutdown: worker context closed in %d ms%n", closeMillis);
        assertThat(closeMillis).as("within spectra.worker.shutdown-grace").isLessThan(10_000);
        JsonNode released = job(id);
        assertThat(released.get("state").asString()).isEqualTo("QUEUED");
        assertThat(released.get("retriesUsed").asInt()).isZero();
        assertThat(reasons(jdbc, id)).containsExactly("SUBMITTED", "CLAIMED", "WORKER_SHUTDOWN");
        long checkpointStep = jdbc.sql("SELECT max(step) FROM artifacts WHERE job_id = :id AND kind = 'CHECKPOINT'")
                .param("id", id).query(Long.class).single();
        assertThat(jdbc.sql("SELECT message FROM job_events WHERE job_id = :id AND reason = 'WORKER_SHUTDOWN'").param("id", id)
                .query(String.class).single()).contains("at step " + checkpointStep);
        // The shutdown checkpoint is a row of its own at the stop step. A stop request often lands while
        // the loop pauses for a periodic checkpoint (every 100 steps) or an evaluation, so the stop step
        // can be a periodic one: then that step has two rows, the periodic and the shutdown checkpoint.
        long rowsAtStop = jdbc.sql("SELECT count(*) FROM artifacts WHERE job_id = :id AND kind = 'CHECKPOINT' AND step = :step")
                .param("id", id).param("step", checkpointStep).query(Long.class).single();
        assertThat(rowsAtStop).as("checkpoints at the stop step %d", checkpointStep)
                .isEqualTo(checkpointStep % 100 == 0 ? 2L : 1L);

        try (ConfigurableApplicationContext next = worker("next-worker", TestDatabase.url(DB))) {
            JsonNode done = awaitState(id, "SUCCEEDED", Duration.ofMinutes(2));
            assertThat(done.at("/attempt/resumedFromStep").asLong()).isEqualTo(checkpointStep);
            assertThat(done.get("retriesUsed").asInt()).isZero();
            assertThat(lossSteps(jdbc, id)).containsExactlyElementsOf(LongStream.rangeClosed(1, 1200).boxed().toList());
        }
    }

    private long checkpointStep(UUID id) {
        return jdbc.sql("SELECT coalesce(max(step), 0) FROM artifacts WHERE job_id = :id AND kind = 'CHECKPOINT'")
                .param("id", id).query(Long.class).single();
    }

    /** Everything a zombie could touch for this job, as one comparable string. */
    private String snapshot(UUID id) {
        return jdbc.sql("""
                SELECT j.state || ' fence=' || j.fence || ' attempts=' || j.attempt_count || ' retries=' || j.retries_used
                       || ' points=' || (SELECT count(*) || ':' || coalesce(sum(p.value), 0) FROM metric_points p
                                         JOIN metric_series s ON s.id = p.series_id WHERE s.job_id = j.id)
                       || ' series=' || (SELECT string_agg(s.key || s.count || ':' || coalesce(s.last_value, 0), ',' ORDER BY s.key)
                                         FROM metric_series s WHERE s.job_id = j.id)
                       || ' artifacts=' || (SELECT string_agg(a.kind || a.step || ':' || a.attempt_id, ',' ORDER BY a.id)
                                            FROM artifacts a WHERE a.job_id = j.id)
                       || ' attemptRows=' || (SELECT string_agg(a.number || a.state || a.step, ',' ORDER BY a.number)
                                              FROM attempts a WHERE a.job_id = j.id)
                       || ' events=' || (SELECT count(*) FROM job_events e WHERE e.job_id = j.id)
                FROM jobs j WHERE j.id = :id""").param("id", id).query(String.class).single();
    }
}
