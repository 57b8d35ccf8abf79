package dev.spectra.service.workers;

import dev.spectra.optim.data.DatasetException;
import dev.spectra.optim.train.Trainer;
import dev.spectra.optim.train.TrainingCheckpoint;
import dev.spectra.optim.train.TrainingException;
import dev.spectra.optim.train.TrainingResult;
import dev.spectra.service.artifacts.ArtifactStore;
import dev.spectra.service.config.LimitsProperties;
import dev.spectra.service.config.WorkerProperties;
import dev.spectra.service.jobs.spec.JobSpec;
import dev.spectra.service.metrics.MetricKeys;
import dev.spectra.service.metrics.MetricWriter;
import dev.spectra.service.metrics.ServiceMetrics;
import dev.spectra.service.queue.ClaimedJob;
import dev.spectra.service.queue.Fence;
import dev.spectra.service.queue.FencedOutException;
import dev.spectra.service.queue.JobQueue;
import dev.spectra.service.queue.JobState;
import dev.spectra.service.queue.Reason;
import dev.spectra.service.training.TrainingDataLoader;
import dev.spectra.service.training.TrainingPlan;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.Map;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DataAccessException;
import org.springframework.transaction.TransactionException;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.databind.json.JsonMapper;

/**
 * Runs one claimed job to the end of its attempt: prepares data, network and optimizer (resuming
 * from the latest checkpoint when there is one), trains through optimizer-core's {@link Trainer}
 * with metrics flowing into the job's buffer, checkpoints at the job's cadence, and reports the
 * outcome to the queue. Every write is fenced, so if the attempt loses the job it stops without
 * touching what its successor owns.
 *
 * <p>Outcomes: completed -> model stored and SUCCEEDED in one transaction; cancelled -> CANCELLED;
 * worker shutdown -> a checkpoint, then the job is released to the queue (not a retry); training
 * errors (divergence, data that does not fit, bad config) -> FAILED without retry, since they
 * would fail again; database errors -> released for a retry while retries remain.
 */
final class JobExecutor {

    private static final Logger log = LoggerFactory.getLogger(JobExecutor.class);

    private final JobQueue queue;
    private final MetricWriter metricWriter;
    private final ArtifactStore artifacts;
    private final TrainingDataLoader data;
    private final ServiceMetrics metrics;
    private final TransactionTemplate tx;
    private final JsonMapper json;
    private final WorkerProperties props;
    private final LimitsProperties limits;
    private final RunningJobs running;
    private final DatabaseBackoff backoff;
    private final BooleanSupplier stopping;

    JobExecutor(JobQueue queue, MetricWriter metricWriter, ArtifactStore artifacts, TrainingDataLoader data,
                ServiceMetrics metrics, TransactionTemplate tx, JsonMapper json, WorkerProperties props,
                LimitsProperties limits, RunningJobs running, DatabaseBackoff backoff, BooleanSupplier stopping) {
        this.queue = queue;
        this.metricWriter = metricWriter;
        this.artifacts = artifacts;
        this.data = data;
        this.metrics = metrics;
        this.tx = tx;
        this.json = json;
        this.props = props;
        this.limits = limits;
        this.running = running;
        this.backoff = backoff;
        this.stopping = stopping;
    }

    void execute(ClaimedJob claimed) {
        Fence f = claimed.fence();
        JobSpec spec;
        try {
            spec = json.readValue(claimed.specJson(), JobSpec.class);
        } catch (RuntimeException e) {
            fail(f, claimed, "stored job spec cannot be read: " + e.getMessage());
            return;
        }
        JobRun run = running.start(f, props.metricBufferPoints(), props.outageBufferPoints(), spec.resources().gpus());
        metrics.queueWait(between(claimed.queuedAt(), claimed.claimedAt()));
        log.info("Job {} attempt {} started", f.jobId(), f.attemptNumber());
        try {
            train(run, spec, claimed);
        } catch (FencedOutException e) {
            log.warn("Job {} attempt {} lost ownership: {}", f.jobId(), f.attemptNumber(), e.getMessage());
            metrics.attemptEnded("lost");
        } catch (TrainingException | DatasetException | IllegalArgumentException e) {
            fail(f, claimed, "training failed: " + e.getMessage());
        } catch (DataAccessException | TransactionException e) {
            log.warn("Job {} attempt {} interrupted by a database error; releasing for a retry", f.jobId(), f.attemptNumber(), e);
            ended(f, () -> queue.release(f, "FAILED", Reason.RETRY_AFTER_ERROR, "database error: " + rootMessage(e),
                    true, props.retryBackoff()), claimed, "retried");
        } catch (RuntimeException | OutOfMemoryError e) {
            log.error("Job {} attempt {} failed unexpectedly", f.jobId(), f.attemptNumber(), e);
            fail(f, claimed, "training failed: " + e);
        } finally {
            running.finish(run);
        }
    }

    private void train(JobRun run, JobSpec spec, ClaimedJob claimed) {
        Fence f = run.fence();
        Optional<TrainingCheckpoint> checkpoint = artifacts.latestCheckpoint(f.jobId());
        metricWriter.startAttemptAt(f, checkpoint.map(TrainingCheckpoint::step).orElse(0L));
        Map<String, Long> series = metricWriter.ensureSeries(f, MetricKeys.ALL);
        TrainingPlan plan = TrainingPlan.of(spec, data, limits);
        Trainer trainer = new Trainer(plan.model(), plan.optimizer(), plan.config());
        checkpoint.ifPresent(cp -> {
            trainer.resumeFrom(cp);
            log.info("Job {} resumes from the checkpoint at step {}", f.jobId(), cp.step());
        });
        trainer.addListener(new TrainingReporter(run, series, metrics, () -> flushFromTrainingThread(run)));
        trainer.checkpointHook(cp -> checkpointDuringTraining(run, cp));
        run.attach(trainer);

        TrainingResult result = trainer.fit(plan.data().train(), plan.data().test());
        if (run.stopReason() == JobRun.StopReason.LOST) {
            throw new FencedOutException(f, "finish the attempt");
        }
        untilStored(run, "final metric flush", () -> {
            flush(run);
            return null;
        });
        if (result.status() == TrainingResult.Status.COMPLETED) {
            byte[] model = trainer.model().toBytes();
            int epoch = result.lastEpoch() == null ? plan.config().epochs() - 1 : result.lastEpoch().epoch();
            ended(f, () -> tx.execute(s -> {
                artifacts.saveModel(f, model, result.steps(), epoch);
                return queue.finish(f, JobState.SUCCEEDED, Reason.COMPLETED,
                        String.format("trained %d steps in %.3f s", result.steps(), result.seconds())
                                + (result.lastEpoch() == null ? "" : String.format(", test accuracy %.4f", result.lastEpoch().testAccuracy())));
            }), claimed, "succeeded");
        } else if (run.stopReason() == JobRun.StopReason.SHUTDOWN) {
            TrainingCheckpoint last = trainer.checkpoint();
            untilStored(run, "shutdown checkpoint", () -> artifacts.saveCheckpoint(f, last, props.checkpointsToKeep()));
            ended(f, () -> queue.release(f, "RELEASED", Reason.WORKER_SHUTDOWN,
                    "worker shut down at step " + result.steps() + "; checkpoint saved", false, Duration.ZERO), claimed, "released");
        } else {
            ended(f, () -> queue.finish(f, JobState.CANCELLED, Reason.CANCELLED, "stopped at step " + result.steps()),
                    claimed, "cancelled");
        }
    }

    /**
     * The training thread's own flush when the buffer reaches its threshold. While the database is
     * unreachable it does nothing (the buffer grows within its outage budget and the background
     * flusher retries with back-off), so training never waits on connection timeouts.
     */
    private void flushFromTrainingThread(JobRun run) {
        if (!backoff.healthy()) {
            return;
        }
        try {
            flush(run);
        } catch (DataAccessException | TransactionException e) {
            databaseFailed("metric flush", e);
        }
    }

    /**
     * The periodic checkpoint, preceded by a flush of the metric buffer. During a database outage it
     * is skipped (training goes on; the next one is taken at the next cadence): a restart then
     * resumes from an older checkpoint, which only costs the steps in between.
     */
    private void checkpointDuringTraining(JobRun run, TrainingCheckpoint cp) {
        if (!backoff.healthy()) {
            log.warn("Job {}: checkpoint at step {} skipped, the database is unreachable", run.fence().jobId(), cp.step());
            return;
        }
        try {
            // Points up to the checkpoint's step must be stored before the checkpoint is: a successor
            // resumes after cp.step() and only writes later steps, so anything still buffered here
            // would otherwise be a permanent gap in the curves if this worker dies next.
            flush(run);
            artifacts.saveCheckpoint(run.fence(), cp, props.checkpointsToKeep());
            backoff.succeeded();
        } catch (DataAccessException | TransactionException e) {
            databaseFailed("checkpoint", e);
            log.warn("Job {}: checkpoint at step {} skipped, the database is unreachable", run.fence().jobId(), cp.step());
        }
    }

    /**
     * Runs a write that must not be lost (final metrics, the outcome, the shutdown checkpoint),
     * retrying database failures with back-off for up to {@code outage-max-wait}. It gives up at once
     * when the attempt was lost (its writes would be refused anyway) or the worker is shutting down
     * (the lease then expires and the reaper requeues the job from its last checkpoint).
     */
    private <T> T untilStored(JobRun run, String what, Supplier<T> write) {
        long deadline = System.nanoTime() + props.outageMaxWait().toNanos();
        while (true) {
            try {
                T r = write.get();
                if (backoff.succeeded()) {
                    log.info("Database reachable again; {} stored", what);
                }
                return r;
            } catch (DataAccessException | TransactionException e) {
                boolean lost = run != null && run.stopReason() == JobRun.StopReason.LOST;
                if (lost || stopping.getAsBoolean() || System.nanoTime() - deadline > 0) {
                    throw e;
                }
                databaseFailed(what, e);
                // sleep the back-off in short naps, so a heartbeat's news that the attempt was lost
                // (or a shutdown) ends the wait at once
                long wakeAt = System.nanoTime() + backoff.currentDelay().toNanos();
                while (System.nanoTime() - wakeAt < 0 && !stopping.getAsBoolean()
                        && (run == null || run.stopReason() != JobRun.StopReason.LOST)) {
                    try {
                        Thread.sleep(50);
                    } catch (InterruptedException ie) {
                        Thread.currentThread().interrupt();
                        throw e;
                    }
                }
            }
        }
    }

    /** Records a database failure (logged once per outage). */
    void databaseFailed(String what, RuntimeException e) {
        if (backoff.failed()) {
            log.warn("Worker {} failed: database unreachable ({}); training continues, writes are retried with back-off",
                    what, rootMessage(e));
        }
    }

    /** The innermost cause that says something (an EOFException at the bottom has no message). */
    private static String rootMessage(RuntimeException e) {
        String msg = e.getMessage();
        for (Throwable t = e.getCause(); t != null && t != t.getCause(); t = t.getCause()) {
            if (t.getMessage() != null) {
                msg = t.getMessage();
            }
        }
        return msg;
    }

    /** Writes the buffered points and progress; a CANCELLING state in the answer stops the run. */
    void flush(JobRun run) {
        run.buffer().flush(batch -> {
            MetricWriter.BatchResult r = metricWriter.write(run.fence(), batch.series(), batch.steps(), batch.values(),
                    batch.progress());
            if (r.jobState() == JobState.CANCELLING) {
                run.stop(JobRun.StopReason.CANCELLED);
            }
        });
    }

    private void fail(Fence f, ClaimedJob claimed, String message) {
        log.warn("Job {} attempt {}: {}", f.jobId(), f.attemptNumber(), message);
        String msg = message.length() > 2000 ? message.substring(0, 2000) + "..." : message;
        ended(f, () -> queue.finish(f, JobState.FAILED, Reason.TRAINING_FAILED, msg), claimed, "failed");
    }

    /** Applies the attempt's final transition and records the outcome metrics. */
    private void ended(Fence f, Supplier<Optional<JobState>> transition, ClaimedJob claimed, String outcome) {
        Optional<JobState> result;
        try {
            result = untilStored(null, "outcome '" + outcome + "'", transition);
        } catch (DataAccessException | TransactionException e) {
            log.error("Job {} attempt {}: cannot record outcome '{}' (database error); the lease will expire and the "
                    + "job be recovered", f.jobId(), f.attemptNumber(), outcome, e);
            return;
        }
        if (result.isEmpty()) {
            log.warn("Job {} attempt {} no longer owned the job when it ended ({})", f.jobId(), f.attemptNumber(), outcome);
            metrics.attemptEnded("lost");
            return;
        }
        metrics.attemptEnded(outcome);
        if (!outcome.equals("released") && !outcome.equals("retried")) {
            metrics.jobFinished(outcome, between(claimed.startedAt(), OffsetDateTime.now()));
        }
        log.info("Job {} attempt {} ended: {}", f.jobId(), f.attemptNumber(), outcome);
    }

    private static Duration between(OffsetDateTime a, OffsetDateTime b) {
        if (a == null || b == null) {
            return Duration.ZERO;
        }
        Duration d = Duration.between(a, b);
        return d.isNegative() ? Duration.ZERO : d;
    }
}
