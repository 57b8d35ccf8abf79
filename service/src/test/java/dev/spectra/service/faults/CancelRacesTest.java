package dev.spectra.service.faults;

import static dev.spectra.service.faults.FaultTestSupport.reasons;
import static org.assertj.core.api.Assertions.assertThat;

import dev.spectra.optim.train.TrainingCheckpoint;
import dev.spectra.service.artifacts.ArtifactStore;
import dev.spectra.service.queue.ClaimedJob;
import dev.spectra.service.queue.Fence;
import dev.spectra.service.queue.JobState;
import dev.spectra.service.queue.Reason;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Cancels that race something else. Each race ends in exactly one defined state:
 * <ul>
 *   <li>worker dead: the cancel answers 202 CANCELLING at once; the reaper, when the lease lapses,
 *       ends the job CANCELLED (never requeued, never counted as a retry);</li>
 *   <li>during a checkpoint write: the cancel waits for the checkpoint's transaction, then the job is
 *       CANCELLING; the checkpoint is kept and the worker stops with CANCELLED;</li>
 *   <li>two cancels at once: both 202, one CANCEL_REQUESTED event; a cancel after the end is 409;</li>
 *   <li>cancel racing completion: SUCCEEDED with the model either way, reason COMPLETED (the cancel came
 *       too late: 409) or COMPLETED_BEFORE_CANCEL (the cancel was accepted first: 202);</li>
 *   <li>cancel racing the reaper: CANCELLED either way (CANCELLED_WHILE_QUEUED or via CANCELLING).</li>
 * </ul>
 */
class CancelRacesTest extends ReaperTestSupport {

    @Autowired
    ArtifactStore artifacts;
    @Autowired
    TransactionTemplate tx;

    private Response cancel(UUID id) {
        return post("/api/v1/jobs/" + id + "/cancel", "");
    }

    @Test
    void cancelWhileTheWorkerIsDeadEndsCancelledByTheReaper() {
        ClaimedJob c = claimedJob("cancel-dead-worker", 2);
        UUID id = c.fence().jobId();
        Response r = cancel(id);
        assertThat(r.status()).isEqualTo(202);
        assertThat(r.json().get("state").asString()).isEqualTo("CANCELLING");
        expireLease(c.fence());
        reap(c.fence());
        assertThat(jobState(id)).isEqualTo("CANCELLED");
        assertThat(reasons(jdbc, id)).containsExactly("SUBMITTED", "CLAIMED", "CANCEL_REQUESTED", "CANCELLED");
        assertThat(jdbc.sql("SELECT message FROM job_events WHERE job_id = :id ORDER BY id DESC LIMIT 1").param("id", id)
                .query(String.class).single()).contains("lease of worker");
        assertThat(attemptState(c.fence())).isEqualTo("LOST");
        assertThat(cancel(id).status()).isEqualTo(409);
    }

    @Test
    void cancelDuringACheckpointWaitsForItAndTheCheckpointIsKept() throws Exception {
        ClaimedJob c = claimedJob("cancel-during-checkpoint", 2);
        Fence f = c.fence();
        CountDownLatch inCheckpoint = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        CompletableFuture<Long> checkpoint = CompletableFuture.supplyAsync(() -> tx.execute(s -> {
            long cp = artifacts.saveCheckpoint(f, new TrainingCheckpoint(50, 0, 50, 1, new byte[]{1}, new byte[]{2}, 0, 100, 10), 2);
            inCheckpoint.countDown();
            await(release);
            return cp;
        }));
        assertThat(inCheckpoint.await(10, TimeUnit.SECONDS)).isTrue();
        CompletableFuture<Response> cancel = CompletableFuture.supplyAsync(() -> cancel(f.jobId()));
        sleep(300);
        assertThat(cancel).as("the cancel waits for the checkpoint's transaction").isNotDone();
        release.countDown();
        assertThat(checkpoint.get(10, TimeUnit.SECONDS)).isPositive();
        Response r = cancel.get(10, TimeUnit.SECONDS);
        assertThat(r.status()).isEqualTo(202);
        assertThat(r.json().get("state").asString()).isEqualTo("CANCELLING");
        // the worker hears it and stops
        assertThat(queue.finish(f, JobState.CANCELLED, Reason.CANCELLED, "stopped at step 50")).contains(JobState.CANCELLING);
        assertThat(jobState(f.jobId())).isEqualTo("CANCELLED");
        assertThat(jdbc.sql("SELECT count(*) FROM artifacts WHERE job_id = :id AND kind = 'CHECKPOINT' AND step = 50")
                .param("id", f.jobId()).query(Long.class).single()).isEqualTo(1);
    }

    @Test
    void twoCancelsAtOnceRecordOneRequest() throws Exception {
        ClaimedJob c = claimedJob("cancel-twice", 2);
        UUID id = c.fence().jobId();
        CountDownLatch go = new CountDownLatch(1);
        List<CompletableFuture<Response>> both = List.of(
                CompletableFuture.supplyAsync(() -> {
                    await(go);
                    return cancel(id);
                }),
                CompletableFuture.supplyAsync(() -> {
                    await(go);
                    return cancel(id);
                }));
        go.countDown();
        for (CompletableFuture<Response> f : both) {
            Response r = f.get(10, TimeUnit.SECONDS);
            assertThat(r.status()).isEqualTo(202);
            assertThat(r.json().get("state").asString()).isEqualTo("CANCELLING");
        }
        assertThat(reasons(jdbc, id)).containsExactly("SUBMITTED", "CLAIMED", "CANCEL_REQUESTED");
        assertThat(queue.finish(c.fence(), JobState.CANCELLED, Reason.CANCELLED, "stopped")).contains(JobState.CANCELLING);
        assertThat(cancel(id).status()).isEqualTo(409);
        assertThat(reasons(jdbc, id)).containsExactly("SUBMITTED", "CLAIMED", "CANCEL_REQUESTED", "CANCELLED");
    }

    @Test
    void cancelRacingCompletionEndsSucceededWithTheModelEitherWay() throws Exception {
        int accepted = 0;
        int tooLate = 0;
        for (int i = 0; i < 12; i++) {
            ClaimedJob c = claimedJob("cancel-vs-complete-" + i, 2);
            Fence f = c.fence();
            CountDownLatch go = new CountDownLatch(1);
            CompletableFuture<Response> cancel = CompletableFuture.supplyAsync(() -> {
                await(go);
                return cancel(f.jobId());
            });
            CompletableFuture<Optional<JobState>> complete = CompletableFuture.supplyAsync(() -> {
                await(go);
                return tx.execute(s -> {
                    artifacts.saveModel(f, new byte[]{7}, 100, 0);
                    return queue.finish(f, JobState.SUCCEEDED, Reason.COMPLETED, "done");
                });
            });
            go.countDown();
            Response r = cancel.get(10, TimeUnit.SECONDS);
            Optional<JobState> before = complete.get(10, TimeUnit.SECONDS);
            assertThat(jobState(f.jobId())).isEqualTo("SUCCEEDED");
            assertThat(jdbc.sql("SELECT count(*) FROM artifacts WHERE job_id = :id AND kind = 'MODEL'").param("id", f.jobId())
                    .query(Long.class).single()).isEqualTo(1);
            List<String> reasons = reasons(jdbc, f.jobId());
            if (r.status() == 202) {
                accepted++;
                assertThat(before).contains(JobState.CANCELLING);
                assertThat(reasons).containsExactly("SUBMITTED", "CLAIMED", "CANCEL_REQUESTED", "COMPLETED_BEFORE_CANCEL");
            } else {
                tooLate++;
                assertThat(r.status()).isEqualTo(409);
                assertThat(before).contains(JobState.RUNNING);
                assertThat(reasons).containsExactly("SUBMITTED", "CLAIMED", "COMPLETED");
            }
        }
        System.out.printf("cancel vs completion: cancel first %d, completion first %d%n", accepted, tooLate);
    }

    @Test
    void cancelRacingTheReaperEndsCancelledEitherWay() throws Exception {
        List<String> paths = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            ClaimedJob c = claimedJob("cancel-vs-reaper-" + i, 2);
            UUID id = c.fence().jobId();
            expireLease(c.fence());
            CountDownLatch go = new CountDownLatch(1);
            CompletableFuture<Response> cancel = CompletableFuture.supplyAsync(() -> {
                await(go);
                return cancel(id);
            });
            CompletableFuture<Void> sweep = CompletableFuture.runAsync(() -> {
                await(go);
                reap(c.fence());
            });
            go.countDown();
            Response r = cancel.get(10, TimeUnit.SECONDS);
            sweep.get(20, TimeUnit.SECONDS);
            assertThat(r.status()).isEqualTo(202);
            assertThat(jobState(id)).isEqualTo("CANCELLED");
            List<String> reasons = reasons(jdbc, id);
            assertThat(reasons).isIn(List.of("SUBMITTED", "CLAIMED", "LEASE_EXPIRED", "CANCELLED_WHILE_QUEUED"),
                    List.of("SUBMITTED", "CLAIMED", "CANCEL_REQUESTED", "CANCELLED"));
            paths.add(reasons.get(2));
        }
        System.out.println("cancel vs reaper: " + paths);
    }

    private static void await(CountDownLatch latch) {
        try {
            if (!latch.await(10, TimeUnit.SECONDS)) {
                throw new IllegalStateException("latch timed out");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
