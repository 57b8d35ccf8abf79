package dev.spectra.service.faults;

import static dev.spectra.service.faults.FaultTestSupport.reasons;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.spectra.optim.train.TrainingCheckpoint;
import dev.spectra.service.artifacts.ArtifactStore;
import dev.spectra.service.metrics.MetricWriter;
import dev.spectra.service.metrics.ServiceMetrics;
import dev.spectra.service.queue.ClaimedJob;
import dev.spectra.service.queue.Fence;
import dev.spectra.service.queue.FencedOutException;
import dev.spectra.service.queue.JobState;
import dev.spectra.service.queue.Reason;
import dev.spectra.service.queue.WorkerCommand;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.transaction.support.TransactionTemplate;

/** The reaper's decisions, and fencing of the attempt it took the job from. */
class LeaseReaperTest extends ReaperTestSupport {

    @Autowired
    MetricWriter metricWriter;
    @Autowired
    ArtifactStore artifacts;
    @Autowired
    TransactionTemplate tx;
    @Autowired
    ServiceMetrics metrics;

    private static TrainingCheckpoint checkpoint(long step) {
        return new TrainingCheckpoint(step, 0, (int) step, 1, new byte[]{1, 2, 3}, new byte[]{4, 5}, 0.0, 100, 10);
    }

    @Test
    void anExpiredLeaseIsRequeuedWithTheWorkerAndLapseInTheEventAndCounted() {
        ClaimedJob c = claimedJob("reaped-once", 2);
        UUID id = c.fence().jobId();
        double before = metrics.registry().get("spectra.leases.expired").counter().count();
        expireLease(c.fence());
        reap(c.fence());

        assertThat(jobState(id)).isEqualTo("QUEUED");
        assertThat(attemptState(c.fence())).isEqualTo("LOST");
        assertThat(reasons(jdbc, id)).containsExactly("SUBMITTED", "CLAIMED", "LEASE_EXPIRED");
        String message = jdbc.sql("SELECT message FROM job_events WHERE job_id = :id AND reason = 'LEASE_EXPIRED'")
                .param("id", id).query(String.class).single();
        String worker = jdbc.sql("SELECT name FROM workers WHERE id = :w").param("w", c.fence().workerId()).query(String.class).single();
        assertThat(message).contains("worker " + worker).containsPattern("expired [3-9]\\.\\d s ago");
        assertThat(jdbc.sql("SELECT retries_used FROM jobs WHERE id = :id").param("id", id).query(Integer.class).single()).isEqualTo(1);
        assertThat(metrics.registry().get("spectra.leases.expired").counter().count()).isEqualTo(before + 1);
        // a second sweep finds nothing more to do for it
        reaper.sweep();
        assertThat(reasons(jdbc, id)).containsExactly("SUBMITTED", "CLAIMED", "LEASE_EXPIRED");
        cleanUp(id);
    }

    @Test
    void aJobWithoutRetriesLeftFailsWithRetriesExhausted() {
        ClaimedJob c = claimedJob("no-retries-left", 0);
        expireLease(c.fence());
        reap(c.fence());
        UUID id = c.fence().jobId();
        assertThat(jobState(id)).isEqualTo("FAILED");
        assertThat(reasons(jdbc, id)).containsExactly("SUBMITTED", "CLAIMED", "RETRIES_EXHAUSTED");
        assertThat(jdbc.sql("SELECT error FROM jobs WHERE id = :id").param("id", id).query(String.class).single())
                .contains("lease of worker");
    }

    @Test
    void aLeaseStillRenewedIsLeftAlone() {
        ClaimedJob c = claimedJob("alive", 2);
        reaper.sweep();
        assertThat(attemptState(c.fence())).isEqualTo("RUNNING");
        // release as the worker would on shutdown, so nothing is left behind
        queue.release(c.fence(), "RELEASED", Reason.WORKER_SHUTDOWN, "test done", false, Duration.ZERO);
        cleanUp(c.fence().jobId());
    }

    @Test
    void workersSilentForLongerThanALeaseAreMarkedLostAndComeBackWithAHeartbeat() {
        var w = registerWorker("gpu", 1);
        jdbc.sql("UPDATE workers SET last_heartbeat_at = now() - interval '1 minute' WHERE id = :id").param("id", w.id()).update();
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (!"LOST".equals(workerState(w.id())) && System.nanoTime() < deadline) {
            reaper.sweep();
            sleep(50);
        }
        assertThat(workerState(w.id())).isEqualTo("LOST");
        assertThat(get("/api/v1/workers").json().get("items").valueStream()
                .filter(n -> n.get("id").asString().equals(w.id().toString())).findFirst().orElseThrow()
                .get("state").asString()).isEqualTo("LOST");
        queue.heartbeat(w.id(), "ACTIVE", Duration.ofSeconds(5), new long[0]);
        assertThat(workerState(w.id())).isEqualTo("ACTIVE");
        workers.markStopped(w.id());
    }

    private String workerState(UUID id) {
        return jdbc.sql("SELECT state FROM workers WHERE id = :id").param("id", id).query(String.class).single();
    }

    @Test
    void aZombieCanWriteNothingOnceTheReaperTookItsLease() {
        ClaimedJob c = claimedJob("zombie", 2);
        Fence f = c.fence();
        UUID id = f.jobId();
        Map<String, Long> series = metricWriter.ensureSeries(f, List.of("loss"));
        long loss = series.get("loss");
        metricWriter.write(f, new long[]{loss, loss}, new long[]{1, 2}, new double[]{0.9, 0.8},
                new MetricWriter.Progress(0, 2, 100, 10.0, 5.0));
        artifacts.saveCheckpoint(f, checkpoint(2), 2);
        expireLease(f);
        reap(f);
        String before = snapshot(id);

        assertThatThrownBy(() -> metricWriter.write(f, new long[]{loss}, new long[]{3}, new double[]{0.7},
                new MetricWriter.Progress(0, 3, 100, 10.0, 5.0))).isInstanceOf(FencedOutException.class);
        assertThatThrownBy(() -> artifacts.saveCheckpoint(f, checkpoint(3), 2)).isInstanceOf(FencedOutException.class);
        assertThatThrownBy(() -> tx.execute(s -> {
            artifacts.saveModel(f, new byte[]{9, 9}, 3, 0);
            return queue.finish(f, JobState.SUCCEEDED, Reason.COMPLETED, "zombie finished");
        })).isInstanceOf(FencedOutException.class);
        assertThat(queue.finish(f, JobState.SUCCEEDED, Reason.COMPLETED, "zombie finished")).isEmpty();
        assertThat(queue.finish(f, JobState.FAILED, Reason.TRAINING_FAILED, "zombie failed")).isEmpty();
        assertThat(queue.release(f, "RELEASED", Reason.WORKER_SHUTDOWN, "zombie released", false, Duration.ZERO)).isEmpty();
        assertThatThrownBy(() -> metricWriter.startAttemptAt(f, 0)).isInstanceOf(FencedOutException.class);
        // its heartbeat renews nothing and tells it the attempt is lost
        List<WorkerCommand> commands = queue.heartbeat(f.workerId(), "ACTIVE", Duration.ofMinutes(10), new long[]{f.attemptId()});
        assertThat(commands).isEmpty();
        assertThat(snapshot(id)).isEqualTo(before);
        assertThat(before).contains("points=2").contains("artifacts=CHECKPOINT2").doesNotContain("MODEL");
        cleanUp(id);
    }

    /** Everything a zombie could touch for this job, as one comparable string. */
    private String snapshot(UUID id) {
        return jdbc.sql("""
                SELECT j.state || ' fence=' || j.fence || ' retries=' || j.retries_used || ' error=' || coalesce(j.error, '')
                       || ' points=' || (SELECT count(*) FROM metric_points p JOIN metric_series s ON s.id = p.series_id
                                         WHERE s.job_id = j.id)
                       || ' series=' || (SELECT string_agg(s.key || s.count || ':' || coalesce(s.last_value, 0), ',')
                                         FROM metric_series s WHERE s.job_id = j.id)
                       || ' artifacts=' || coalesce((SELECT string_agg(a.kind || a.step, ',' ORDER BY a.id)
                                                     FROM artifacts a WHERE a.job_id = j.id), '')
                       || ' attempts=' || (SELECT string_agg(a.state || a.step || ':' || a.lease_expires_at, ',')
                                           FROM attempts a WHERE a.job_id = j.id)
                       || ' events=' || (SELECT count(*) FROM job_events e WHERE e.job_id = j.id)
                FROM jobs j WHERE j.id = :id""").param("id", id).query(String.class).single();
    }
}
