package dev.spectra.service.faults;

import dev.spectra.service.jobs.TimeOrderedIds;
import dev.spectra.service.queue.ClaimedJob;
import dev.spectra.service.queue.Fence;
import dev.spectra.service.queue.JobQueue;
import dev.spectra.service.reaper.LeaseReaper;
import dev.spectra.service.support.ServiceTestBase;
import dev.spectra.service.workers.WorkerIdentity;
import java.time.Duration;
import java.util.UUID;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * Attempts held by registered test-worker rows (no live worker behind them), whose leases a test
 * can expire at will, and the shared context's reaper to sweep them. The jobs are GPU jobs at the
 * highest priority, so the context's own CPU worker never takes them; tests leave none queued.
 */
abstract class ReaperTestSupport extends ServiceTestBase {

    @Autowired
    protected LeaseReaper reaper;

    /** A job with {@code maxRetries}, claimed by a fresh test-worker row with a long lease. */
    protected ClaimedJob claimedJob(String name, int maxRetries) {
        UUID id = TimeOrderedIds.next();
        queue.enqueue(new JobQueue.NewJob(id, "default", name, "{}", "{}", 1000, maxRetries, "gpu", 1, 100, null, null));
        WorkerIdentity w = registerWorker("gpu", 1);
        ClaimedJob c = queue.claim(w.id(), w.name(), "gpu", 1, Duration.ofMinutes(10)).orElseThrow();
        if (!c.fence().jobId().equals(id)) {
            throw new AssertionError("another top-priority GPU job was queued before " + id);
        }
        return c;
    }

    /** Makes the attempt's lease lapse (as if its worker stopped heartbeating 3 s ago). */
    protected void expireLease(Fence f) {
        jdbc.sql("UPDATE attempts SET lease_expires_at = now() - interval '3 seconds' WHERE id = :id")
                .param("id", f.attemptId()).update();
    }

    /** Sweeps until the attempt is no longer RUNNING (the context's own timer may win a sweep). */
    protected void reap(Fence f) {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (System.nanoTime() < deadline) {
            reaper.sweep();
            if (!"RUNNING".equals(attemptState(f))) {
                return;
            }
            sleep(50);
        }
        throw new AssertionError("attempt " + f.attemptId() + " was not reaped");
    }

    protected String attemptState(Fence f) {
        return jdbc.sql("SELECT state FROM attempts WHERE id = :id").param("id", f.attemptId()).query(String.class).single();
    }

    protected String jobState(UUID id) {
        return jdbc.sql("SELECT state FROM jobs WHERE id = :id").param("id", id).query(String.class).single();
    }

    /** Cancels the job if it is still queued, so no top-priority GPU job is left for other tests. */
    protected void cleanUp(UUID id) {
        queue.requestCancel("default", id);
    }
}
