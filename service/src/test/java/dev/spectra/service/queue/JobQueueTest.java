package dev.spectra.service.queue;

import static org.assertj.core.api.Assertions.assertThat;

import dev.spectra.service.support.ServiceTestBase;
import dev.spectra.service.workers.WorkerIdentity;
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
 * The claim statement under contention and its resource matching. The jobs here ask for a GPU
 * so the service's own (CPU) worker never takes them; the "GPU workers" are registered rows
 * driving the real queue SQL from several threads.
 */
class JobQueueTest extends ServiceTestBase {

    private WorkerIdentity worker(String accelerator, int devices) {
        return registerWorker(accelerator, devices);
    }

    private UUID enqueue(String accelerator, int gpus, int priority) {
        UUID id = dev.spectra.service.jobs.TimeOrderedIds.next();
        queue.enqueue(new JobQueue.NewJob(id, "default", "queue-test", "{}", "{}", priority, 2, accelerator, gpus, 10, null, null));
        return id;
    }

    @Test
    void competingWorkersNeverClaimTheSameJob() throws Exception {
        int jobs = 60;
        Set<UUID> submitted = new HashSet<>();
        for (int i = 0; i < jobs; i++) {
            submitted.add(enqueue("gpu", 1, 500));
        }
        int threads = 4;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        CountDownLatch start = new CountDownLatch(1);
        List<Future<List<ClaimedJob>>> results = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            WorkerIdentity w = worker("gpu", 1);
            results.add(pool.submit(() -> {
                start.await();
                List<ClaimedJob> mine = new ArrayList<>();
                Optional<ClaimedJob> c;
                while ((c = queue.claim(w.id(), w.name(), "gpu", 1, Duration.ofSeconds(30))).isPresent()) {
                    mine.add(c.get());
                }
                return mine;
            }));
        }
        start.countDown();
        List<ClaimedJob> all = new ArrayList<>();
        List<Integer> perWorker = new ArrayList<>();
        for (Future<List<ClaimedJob>> f : results) {
            List<ClaimedJob> mine = f.get();
            perWorker.add(mine.size());
            all.addAll(mine);
        }
        pool.shutdown();

        List<UUID> claimedIds = all.stream().map(c -> c.fence().jobId()).filter(submitted::contains).toList();
        assertThat(claimedIds).hasSize(jobs).doesNotHaveDuplicates();
        assertThat(perWorker.stream().mapToInt(Integer::intValue).sum()).isGreaterThanOrEqualTo(jobs);
        for (ClaimedJob c : all) {
            assertThat(c.fence().attemptNumber()).isEqualTo(1);
            assertThat(c.fence().fence()).isEqualTo(1);
        }
        long attempts = jdbc.sql("SELECT count(*) FROM attempts WHERE job_id IN (:ids)").param("ids", new ArrayList<>(submitted))
                .query(Long.class).single();
        assertThat(attempts).isEqualTo(jobs);
        for (ClaimedJob c : all) {
            assertThat(queue.finish(c.fence(), JobState.SUCCEEDED, Reason.COMPLETED, "test")).isPresent();
        }
    }

    @Test
    void resourcesAndPriorityDecideWhoClaimsWhat() {
        UUID twoGpus = enqueue("gpu", 2, 900);
        UUID oneGpuLow = enqueue("gpu", 1, 100);
        UUID oneGpuHigh = enqueue("gpu", 1, 800);
        WorkerIdentity cpu = worker("cpu", 0);
        WorkerIdentity gpu = worker("gpu", 1);

        // a CPU worker never gets a GPU job
        Optional<ClaimedJob> cpuClaim = queue.claim(cpu.id(), cpu.name(), "cpu", 0, Duration.ofSeconds(30));
        cpuClaim.ifPresent(c -> assertThat(c.fence().jobId()).isNotIn(twoGpus, oneGpuLow, oneGpuHigh));
        cpuClaim.ifPresent(c -> queue.finish(c.fence(), JobState.CANCELLED, Reason.CANCELLED, "test"));

        // a one-GPU worker skips the two-GPU job and takes the highest priority it can run
        ClaimedJob first = queue.claim(gpu.id(), gpu.name(), "gpu", 1, Duration.ofSeconds(30)).orElseThrow();
        assertThat(first.fence().jobId()).isEqualTo(oneGpuHigh);
        ClaimedJob second = queue.claim(gpu.id(), gpu.name(), "gpu", 1, Duration.ofSeconds(30)).orElseThrow();
        assertThat(second.fence().jobId()).isEqualTo(oneGpuLow);
        assertThat(queue.claim(gpu.id(), gpu.name(), "gpu", 1, Duration.ofSeconds(30))).isEmpty();
        // with two free GPUs it fits
        ClaimedJob third = queue.claim(gpu.id(), gpu.name(), "gpu", 2, Duration.ofSeconds(30)).orElseThrow();
        assertThat(third.fence().jobId()).isEqualTo(twoGpus);
        for (ClaimedJob c : List.of(first, second, third)) {
            queue.finish(c.fence(), JobState.SUCCEEDED, Reason.COMPLETED, "test");
        }
    }

    @Test
    void fencedOutAttemptCanNoLongerWriteOrFinish() {
        UUID id = enqueue("gpu", 1, 700);
        WorkerIdentity gpu = worker("gpu", 1);
        ClaimedJob first = queue.claim(gpu.id(), gpu.name(), "gpu", 1, Duration.ofSeconds(30)).orElseThrow();
        assertThat(first.fence().jobId()).isEqualTo(id);
        // the job is taken away (as a lease expiry would) and claimed again
        assertThat(queue.release(first.fence(), "LOST", Reason.LEASE_EXPIRED, "test", true, Duration.ZERO))
                .contains(JobState.QUEUED);
        ClaimedJob second = queue.claim(gpu.id(), gpu.name(), "gpu", 1, Duration.ofSeconds(30)).orElseThrow();
        assertThat(second.fence().jobId()).isEqualTo(id);
        assertThat(second.fence().attemptNumber()).isEqualTo(2);
        assertThat(second.fence().fence()).isGreaterThan(first.fence().fence());

        assertThat(queue.finish(first.fence(), JobState.SUCCEEDED, Reason.COMPLETED, "zombie")).isEmpty();
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> queue.lockOwned(first.fence(), "write"))
                .isInstanceOf(FencedOutException.class);
        assertThat(queue.finish(second.fence(), JobState.SUCCEEDED, Reason.COMPLETED, "done")).contains(JobState.RUNNING);
        List<String> reasons = jdbc.sql("SELECT reason FROM job_events WHERE job_id = :id ORDER BY id").param("id", id)
                .query(String.class).list();
        assertThat(reasons).containsExactly("SUBMITTED", "CLAIMED", "LEASE_EXPIRED", "CLAIMED", "COMPLETED");
        assertThat(jdbc.sql("SELECT retries_used FROM jobs WHERE id = :id").param("id", id).query(Integer.class).single())
                .isEqualTo(1);
    }

    @Test
    void retriesAreCountedAndExhaustedRetriesFail() {
        UUID id = dev.spectra.service.jobs.TimeOrderedIds.next();
        queue.enqueue(new JobQueue.NewJob(id, "default", "no-retries", "{}", "{}", 600, 0, "gpu", 1, 10, null, null));
        WorkerIdentity gpu = worker("gpu", 1);
        ClaimedJob c = queue.claim(gpu.id(), gpu.name(), "gpu", 1, Duration.ofSeconds(30)).orElseThrow();
        assertThat(queue.release(c.fence(), "FAILED", Reason.RETRY_AFTER_ERROR, "db down", true, Duration.ZERO))
                .contains(JobState.FAILED);
        assertThat(jdbc.sql("SELECT reason FROM job_events WHERE job_id = :id ORDER BY id DESC LIMIT 1").param("id", id)
                .query(String.class).single()).isEqualTo("RETRIES_EXHAUSTED");
    }
}
