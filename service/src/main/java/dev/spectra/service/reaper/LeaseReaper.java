package dev.spectra.service.reaper;

import dev.spectra.service.config.ReaperProperties;
import dev.spectra.service.config.WorkerProperties;
import dev.spectra.service.metrics.ServiceMetrics;
import dev.spectra.service.queue.JobQueue;
import dev.spectra.service.queue.JobState;
import dev.spectra.service.queue.Reason;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.context.SmartLifecycle;
import org.springframework.dao.DataAccessException;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.TransactionException;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Expires attempts whose lease lapsed (their worker died, froze or lost the network) and requeues
 * their jobs, which then resume from their latest checkpoint on another worker.
 *
 * <p><b>One replica at a time.</b> Every API replica runs this timer, but a sweep only works inside
 * a transaction that won {@code pg_try_advisory_xact_lock}: the lock lives exactly as long as the
 * sweep's transaction, so there is no leader connection to hold, watch or lose; a replica that dies
 * mid-sweep releases it with its connection, and it works through transaction-pooling proxies
 * (PgBouncer) where a session lock would not. Replicas that lose the race skip the sweep. Leadership
 * may change from sweep to sweep, which costs nothing since each sweep starts from the database.
 * Even without the lock an attempt could not be reaped twice: {@link JobQueue#release} is fenced.
 *
 * <p>Each expired attempt becomes LOST with reason {@code LEASE_EXPIRED} and a message naming its
 * worker and how long the lease had lapsed; the job is requeued as a retry, or FAILED with
 * {@code RETRIES_EXHAUSTED}, or CANCELLED when a cancel was pending. Workers silent for longer than
 * a lease are marked LOST. After this process itself could not reach the database it waits
 * {@code outage-grace} before expiring anything, so a database outage does not requeue every job.
 */
@Component
@ConditionalOnBooleanProperty(name = {"spectra.api.enabled", "spectra.reaper.enabled"}, matchIfMissing = true)
public class LeaseReaper implements SmartLifecycle {

    /** Advisory lock key of the reaper ("spectra reaper"); no other Spectra code takes advisory locks. */
    static final long LOCK_KEY = 0x5350_4543_5245_4150L;

    private static final Logger log = LoggerFactory.getLogger(LeaseReaper.class);

    private final JobQueue queue;
    private final JdbcClient jdbc;
    private final TransactionTemplate tx;
    private final ReaperProperties props;
    private final WorkerProperties workers;
    private final ServiceMetrics metrics;
    private volatile long lastFailureNanos;
    private volatile boolean failedBefore;
    private ScheduledExecutorService timer;

    public LeaseReaper(JobQueue queue, JdbcClient jdbc, TransactionTemplate tx, ReaperProperties props,
                       WorkerProperties workers, ServiceMetrics metrics) {
        this.queue = queue;
        this.jdbc = jdbc;
        this.tx = tx;
        this.props = props;
        this.workers = workers;
        this.metrics = metrics;
    }

    /**
     * What one sweep did.
     *
     * @param leader        this process held the lock for the sweep
     * @param reaped        attempts expired
     * @param lostWorkers   workers marked LOST
     * @param leaderFrom    {@link System#nanoTime()} after the lock was taken (0 when not leader)
     * @param leaderUntil   {@link System#nanoTime()} before the transaction (and the lock) ended
     */
    public record Sweep(boolean leader, int reaped, int lostWorkers, long leaderFrom, long leaderUntil) {
        static final Sweep FOLLOWER = new Sweep(false, 0, 0, 0, 0);
    }

    /** Runs one sweep now (the timer calls this; tests call it directly). */
    public Sweep sweep() {
        if (failedBefore) {
            long waited = System.nanoTime() - lastFailureNanos;
            if (waited < props.outageGrace().toNanos()) {
                return Sweep.FOLLOWER;
            }
        }
        try {
            Sweep s = tx.execute(status -> locked());
            if (failedBefore) {
                log.info("Lease reaper reaches the database again");
                failedBefore = false;
            }
            return s;
        } catch (DataAccessException | TransactionException e) {
            if (!failedBefore) {
                log.warn("Lease reaper cannot reach the database ({}); it waits {} after the database returns before "
                        + "expiring leases", e.getMessage(), props.outageGrace());
            }
            failedBefore = true;
            lastFailureNanos = System.nanoTime();
            return Sweep.FOLLOWER;
        }
    }

    private Sweep locked() {
        boolean leader = Boolean.TRUE.equals(jdbc.sql("SELECT pg_try_advisory_xact_lock(:key)")
                .param("key", LOCK_KEY).query(Boolean.class).single());
        if (!leader) {
            return Sweep.FOLLOWER;
        }
        long from = System.nanoTime();
        int reaped = 0;
        for (JobQueue.ExpiredLease e : queue.lockExpiredLeases(props.batchSize())) {
            String message = String.format(Locale.ROOT,
                    "attempt %d lost: lease of worker %s expired %.1f s ago (last heartbeat %.1f s ago)",
                    e.fence().attemptNumber(), e.workerName(), e.lapsedSeconds(), e.heartbeatAgeSeconds());
            Optional<JobState> to = queue.release(e.fence(), "LOST", Reason.LEASE_EXPIRED, message, true, props.backoff());
            if (to.isPresent()) {
                reaped++;
                metrics.leaseExpired();
                log.warn("Job {} {}; job is now {}", e.fence().jobId(), message, to.get());
            }
        }
        List<String> lost = queue.markLostWorkers(workers.leaseDuration());
        if (!lost.isEmpty()) {
            log.warn("Workers silent for longer than {} marked LOST: {}", workers.leaseDuration(), lost);
        }
        return new Sweep(true, reaped, lost.size(), from, System.nanoTime());
    }

    @Override
    public void start() {
        timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "spectra-lease-reaper");
            t.setDaemon(true);
            return t;
        });
        long every = props.interval().toMillis();
        timer.scheduleWithFixedDelay(() -> {
            try {
                sweep();
            } catch (RuntimeException e) {
                log.error("Lease reaper sweep failed", e);
            }
        }, every, every, TimeUnit.MILLISECONDS);
    }

    @Override
    public void stop() {
        if (timer != null) {
            timer.shutdownNow();
            timer = null;
        }
    }

    @Override
    public boolean isRunning() {
        return timer != null;
    }
}
