package dev.spectra.service.workers;

import dev.spectra.service.artifacts.ArtifactStore;
import dev.spectra.service.config.LimitsProperties;
import dev.spectra.service.config.WorkerProperties;
import dev.spectra.service.metrics.MetricWriter;
import dev.spectra.service.metrics.ServiceMetrics;
import dev.spectra.service.queue.ClaimedJob;
import dev.spectra.service.queue.FencedOutException;
import dev.spectra.service.queue.JobQueue;
import dev.spectra.service.queue.JobState;
import dev.spectra.service.queue.WorkerCommand;
import dev.spectra.service.training.TrainingDataLoader;
import io.micrometer.core.instrument.Gauge;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Collectors;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.context.SmartLifecycle;
import org.springframework.dao.DataAccessException;
import org.springframework.stereotype.Component;
import org.springframework.transaction.TransactionException;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.databind.json.JsonMapper;

/**
 * The worker role: registers this process with its capabilities, runs {@code slots} claim loops,
 * heartbeats (renewing its attempts' leases and picking up cancels and lost attempts), flushes
 * running jobs' metrics on a fixed cadence, and listens for queue hints. On shutdown it stops its
 * jobs, checkpoints them and releases them to the queue within {@code shutdown-grace}.
 */
@Component
@ConditionalOnBooleanProperty(name = "spectra.worker.enabled", matchIfMissing = true)
public class WorkerRuntime implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(WorkerRuntime.class);
    private static final long CLAIM_COOLDOWN_MILLIS = 100;
    /** Waits between write retries while the database is unreachable: doubling from the first to the longest. */
    private static final Duration FIRST_RETRY_DELAY = Duration.ofMillis(200);
    private static final Duration MAX_RETRY_DELAY = Duration.ofSeconds(5);

    private final WorkerProperties props;
    private final JobQueue queue;
    private final WorkerRepository workers;
    private final DataSource dataSource;
    private final ServiceMetrics metrics;
    private final RunningJobs running = new RunningJobs();
    private final JobExecutor executor;
    private final DatabaseBackoff backoff;
    private final Object wake = new Object();
    private final Object claimLock = new Object();
    private final List<Thread> slots = new ArrayList<>();
    private volatile boolean stopping;
    private volatile boolean started;
    private volatile long lastDbWarning;
    private WorkerIdentity identity;
    private ScheduledExecutorService scheduler;
    private QueueListener listener;

    public WorkerRuntime(WorkerProperties props, LimitsProperties limits, JobQueue queue, WorkerRepository workers,
                         MetricWriter metricWriter, ArtifactStore artifacts, TrainingDataLoader data, ServiceMetrics metrics,
                         TransactionTemplate tx, JsonMapper json, DataSource dataSource) {
        this.props = props;
        this.queue = queue;
        this.workers = workers;
        this.dataSource = dataSource;
        this.metrics = metrics;
        this.backoff = new DatabaseBackoff(FIRST_RETRY_DELAY, MAX_RETRY_DELAY);
        this.executor = new JobExecutor(queue, metricWriter, artifacts, data, metrics, tx, json, props, limits, running,
                backoff, () -> stopping);
    }

    /** This worker's registration (null before start). */
    public WorkerIdentity identity() {
        return identity;
    }

    /**
     * Registers and starts the worker. Also called again after {@link #stop()} when the context is
     * restarted (Spring's test framework pauses cached contexts between test classes): it then
     * registers as a new worker.
     */
    @Override
    public void start() {
        stopping = false;
        slots.clear();
        String version = Optional.ofNullable(getClass().getPackage().getImplementationVersion()).orElse("dev");
        identity = WorkerCapabilities.detect(props, version);
        workers.register(identity);
        Gauge.builder("spectra.training.samples.per.second", running, RunningJobs::samplesPerSecond)
                .description("Training throughput of the jobs running in this worker").register(metrics.registry());
        scheduler = Executors.newScheduledThreadPool(2, r -> daemon(r, "spectra-worker-timer"));
        long hb = props.heartbeatInterval().toMillis();
        scheduler.scheduleWithFixedDelay(this::heartbeat, hb, hb, TimeUnit.MILLISECONDS);
        long flush = props.metricFlushInterval().toMillis();
        scheduler.scheduleWithFixedDelay(this::flushAll, flush, flush, TimeUnit.MILLISECONDS);
        listener = new QueueListener(dataSource, this::wakeSlots, this::cancelLocal, props.pollInterval());
        daemon(listener, "spectra-queue-listener").start();
        for (int i = 0; i < props.slots(); i++) {
            Thread t = new Thread(this::slotLoop, "spectra-slot-" + i);
            slots.add(t);
            t.start();
        }
        started = true;
    }

    private void slotLoop() {
        while (!stopping) {
            Optional<ClaimedJob> claimed = Optional.empty();
            try {
                synchronized (claimLock) {
                    if (!stopping) {
                        claimed = queue.claim(identity.id(), identity.name(), identity.accelerator(),
                                identity.devices() - running.gpusInUse(), props.leaseDuration());
                    }
                }
            } catch (DataAccessException | TransactionException e) {
                warnDb("claim", e);
            }
            if (claimed.isPresent()) {
                executor.execute(claimed.get());
                continue;
            }
            long idleSince = System.nanoTime();
            try {
                synchronized (wake) {
                    if (!stopping) {
                        wake.wait(props.pollInterval().toMillis());
                    }
                }
                // Coalesce bursts of "job queued" hints: at most one empty claim per cooldown.
                long rest = CLAIM_COOLDOWN_MILLIS - (System.nanoTime() - idleSince) / 1_000_000;
                if (rest > 0 && !stopping) {
                    Thread.sleep(rest);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private void wakeSlots() {
        synchronized (wake) {
            wake.notifyAll();
        }
    }

    private void cancelLocal(String jobId) {
        try {
            JobRun run = running.byJob(UUID.fromString(jobId));
            if (run != null) {
                run.stop(JobRun.StopReason.CANCELLED);
            }
        } catch (IllegalArgumentException ignored) {
            // not a job id: ignore the hint
        }
    }

    private void heartbeat() {
        try {
            // Taken before the query: a job claimed after this point may not be in the answer yet and
            // must not be mistaken for a lost one (its claim committed before it was registered).
            Collection<JobRun> runs = running.all();
            long[] attempts = runs.stream().mapToLong(r -> r.fence().attemptId()).toArray();
            List<WorkerCommand> commands = queue.heartbeat(identity.id(), stopping ? "DRAINING" : "ACTIVE",
                    props.leaseDuration(), attempts);
            Map<Long, WorkerCommand> byAttempt = commands.stream()
                    .collect(Collectors.toMap(WorkerCommand::attemptId, Function.identity()));
            for (JobRun run : runs) {
                WorkerCommand c = byAttempt.get(run.fence().attemptId());
                if (c == null || !c.owned()) {
                    log.warn("Job {} attempt {} is no longer owned by this worker; stopping it", run.fence().jobId(),
                            run.fence().attemptNumber());
                    run.stop(JobRun.StopReason.LOST);
                } else if (c.jobState() == JobState.CANCELLING) {
                    run.stop(JobRun.StopReason.CANCELLED);
                }
            }
            if (backoff.succeeded()) {
                log.info("Worker {}: database reachable again; flushing buffered metrics", identity.name());
            }
        } catch (DataAccessException | TransactionException e) {
            warnDb("heartbeat", e);
        } catch (RuntimeException e) {
            log.error("Heartbeat failed", e);
        }
    }

    /** The periodic flush; while the database is unreachable it retries only as often as the back-off allows. */
    private void flushAll() {
        if (!backoff.due()) {
            return;
        }
        for (JobRun run : running.all()) {
            try {
                executor.flush(run);
                backoff.succeeded();
            } catch (FencedOutException e) {
                run.stop(JobRun.StopReason.LOST);
            } catch (DataAccessException | TransactionException e) {
                executor.databaseFailed("metric flush", e);
                return;
            } catch (RuntimeException e) {
                log.error("Metric flush of job {} failed", run.fence().jobId(), e);
            }
        }
    }

    private void warnDb(String what, RuntimeException e) {
        long now = System.currentTimeMillis();
        if (now - lastDbWarning > 30_000) {
            lastDbWarning = now;
            log.warn("Worker {} failed: database unavailable ({}); retrying", what, e.getMessage());
        }
    }

    @Override
    public void stop() {
        if (!started) {
            return;
        }
        stopping = true;
        wakeSlots();
        for (JobRun run : running.all()) {
            run.stop(JobRun.StopReason.SHUTDOWN);
        }
        long deadline = System.nanoTime() + props.shutdownGrace().toNanos();
        for (Thread t : slots) {
            try {
                t.join(Math.max(1, (deadline - System.nanoTime()) / 1_000_000));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            if (t.isAlive()) {
                log.warn("{} did not stop within {}; its job will be recovered when its lease expires", t.getName(),
                        props.shutdownGrace());
            }
        }
        listener.stop();
        scheduler.shutdownNow();
        try {
            // a heartbeat in flight must not land after the deregistration
            scheduler.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try {
            workers.markStopped(identity.id());
        } catch (DataAccessException | TransactionException e) {
            warnDb("deregistration", e);
        }
        started = false;
        log.info("Worker {} stopped", identity.name());
    }

    @Override
    public boolean isRunning() {
        return started;
    }

    private static Thread daemon(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }
}
