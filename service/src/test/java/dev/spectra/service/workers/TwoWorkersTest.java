package dev.spectra.service.workers;

import static org.assertj.core.api.Assertions.assertThat;

import dev.spectra.service.SpectraApplication;
import dev.spectra.service.support.ServiceTestBase;
import dev.spectra.service.support.TestDatabase;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * A second, worker-only instance of the service (as a scale-out worker pod would run:
 * {@code spectra.api.enabled=false}) shares the queue with the test's instance. Both train jobs;
 * none runs twice.
 */
class TwoWorkersTest extends ServiceTestBase {

    private static ConfigurableApplicationContext secondWorker(String name) {
        return new SpringApplicationBuilder(SpectraApplication.class)
                .run("--spectra.db.url=" + TestDatabase.url(), "--spectra.db.user=" + TestDatabase.user(),
                        "--spectra.api.enabled=false", "--spectra.worker.name=" + name, "--server.port=0",
                        // a worker apart from the API proves itself with a token, as the chart's pods do
                        "--spectra.auth.worker-token=" + ADMIN_TOKEN,
                        "--spectra.worker.poll-interval=200ms", "--spectra.worker.metric-flush-interval=200ms",
                        "--spectra.worker.heartbeat-interval=500ms", "--spectra.worker.lease-duration=5s",
                        "--spring.main.banner-mode=off");
    }

    @Test
    void twoWorkerProcessesShareTheQueueAndNoJobRunsTwice() {
        try (ConfigurableApplicationContext second = secondWorker("second-worker")) {
            assertThat(second.getBean(WorkerRuntime.class).identity().name()).isEqualTo("second-worker");
            assertThat(second.getBeanNamesForType(dev.spectra.service.jobs.JobController.class)).isEmpty();
            List<UUID> ids = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                ids.add(submit(blobsJob("shared-" + i, 2, 0)));
            }
            Set<String> workersUsed = new HashSet<>();
            for (UUID id : ids) {
                var job = awaitState(id, "SUCCEEDED", Duration.ofMinutes(3));
                assertThat(job.get("attempts").asInt()).isEqualTo(1);
                workersUsed.add(job.at("/attempt/workerName").asString());
                long claims = jdbc.sql("SELECT count(*) FROM job_events WHERE job_id = :id AND reason = 'CLAIMED'")
                        .param("id", id).query(Long.class).single();
                assertThat(claims).isEqualTo(1);
                long points = jdbc.sql("SELECT count(*) FROM metric_points p JOIN metric_series s ON s.id = p.series_id "
                        + "WHERE s.job_id = :id AND s.key = 'loss'").param("id", id).query(Long.class).single();
                assertThat(points).isEqualTo(20);
            }
            assertThat(workersUsed).hasSize(2).contains("second-worker");
        }
        // the second worker deregistered on close
        assertThat(jdbc.sql("SELECT state FROM workers WHERE name = 'second-worker'").query(String.class).list())
                .containsOnly("STOPPED");
    }

    @Test
    void aWorkerThatShutsDownCheckpointsAndAnotherResumesWithoutDuplicateSteps() {
        // 400 examples / batch 10 = 40 steps per epoch, 25 epochs = 1000 steps
        String longJob = """
                {"name": "%s", "model": {"type": "mlp", "hiddenSizes": [16]},
                 "dataset": {"name": "synthetic-blobs", "trainSamples": 400, "testSamples": 50},
                 "optimizer": {"type": "kron-spectral"}, "training": {"epochs": 25, "batchSize": 10, "seed": 4,
                 "checkpointEverySteps": 200}}""";
        UUID moved;
        List<UUID> ids = new ArrayList<>();
        try (ConfigurableApplicationContext second = secondWorker("leaving-worker")) {
            ids.add(submit(longJob.formatted("resume-a")));
            ids.add(submit(longJob.formatted("resume-b")));
            // each worker takes one; wait until the leaving worker has trained a while
            UUID[] onLeaving = new UUID[1];
            long deadline = System.nanoTime() + Duration.ofMinutes(3).toNanos();
            while (onLeaving[0] == null && System.nanoTime() < deadline) {
                for (UUID id : ids) {
                    var j = job(id);
                    if ("leaving-worker".equals(j.at("/attempt/workerName").asString())
                            && "RUNNING".equals(j.get("state").asString()) && j.at("/progress/step").asLong() > 50) {
                        onLeaving[0] = id;
                    }
                }
                sleep(100);
            }
            assertThat(onLeaving[0]).as("a job running on the leaving worker").isNotNull();
            moved = onLeaving[0];
        }
        for (UUID id : ids) {
            awaitState(id, "SUCCEEDED", Duration.ofMinutes(5));
        }
        var job = job(moved);
        assertThat(job.get("attempts").asInt()).isEqualTo(2);
        assertThat(job.get("retriesUsed").asInt()).isZero();
        long resumedFrom = job.at("/attempt/resumedFromStep").asLong();
        assertThat(resumedFrom).isGreaterThan(50).isLessThan(1000);
        List<String> reasons = jdbc.sql("SELECT reason FROM job_events WHERE job_id = :id ORDER BY id").param("id", moved)
                .query(String.class).list();
        assertThat(reasons).containsExactly("SUBMITTED", "CLAIMED", "WORKER_SHUTDOWN", "CLAIMED", "COMPLETED");
        List<Long> steps = jdbc.sql("SELECT p.step FROM metric_points p JOIN metric_series s ON s.id = p.series_id "
                + "WHERE s.job_id = :id AND s.key = 'loss' ORDER BY p.step").param("id", moved).query(Long.class).list();
        assertThat(steps).hasSize(1000);
        assertThat(steps.get(0)).isEqualTo(1);
        assertThat(steps.get(999)).isEqualTo(1000);
        // points before the resume came from attempt 1, after it from attempt 2
        long fromSecond = jdbc.sql("SELECT count(*) FROM metric_points p JOIN metric_series s ON s.id = p.series_id "
                + "WHERE s.job_id = :id AND s.key = 'loss' AND p.attempt = 2").param("id", moved).query(Long.class).single();
        assertThat(fromSecond).isEqualTo(1000 - resumedFrom);
        assertThat(job.at("/metrics/loss/count").asLong()).isEqualTo(1000);
    }
}
