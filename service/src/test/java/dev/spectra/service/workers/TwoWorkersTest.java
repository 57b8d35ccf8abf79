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

    @Test
    void twoWorkerProcessesShareTheQueueAndNoJobRunsTwice() {
        try (ConfigurableApplicationContext second = new SpringApplicationBuilder(SpectraApplication.class)
                .run("--spectra.db.url=" + TestDatabase.url(), "--spectra.db.user=" + TestDatabase.user(),
                        "--spectra.api.enabled=false", "--spectra.worker.name=second-worker", "--server.port=0",
                        "--spectra.worker.poll-interval=200ms", "--spectra.worker.metric-flush-interval=200ms",
                        "--spectra.worker.heartbeat-interval=500ms", "--spectra.worker.lease-duration=5s",
                        "--spring.main.banner-mode=off")) {
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
}
