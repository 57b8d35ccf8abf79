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
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DataAccessException;
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

    JobExecutor(JobQueue queue, MetricWriter metricWriter, ArtifactStore artifacts, TrainingDataLoader data,
                ServiceMetrics metrics, TransactionTemplate tx, JsonMapper json, WorkerProperties props,
                LimitsProperties limits, RunningJobs running) {
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
        JobRun run = running.start(f, props.metricBufferPoints(), spec.resources().gpus());
        metrics.queueWait(between(claimed.queuedAt(), claimed.claimedAt()));
        log.info("Job {} attempt {} started", f.jobId(), f.attemptNumber());
        try {
            train(run, spec, claimed);
        } catch (FencedOutException e) {
            log.warn("Job {} attempt {} lost ownership: {}", f.jobId(), f.attemptNumber(), e.getMessage());
            metrics.attemptEnded("lost");
        } catch (TrainingException | DatasetException | IllegalArgumentException e) {
            fail(f, claimed, "training failed: " + e.getMessage());
        } catch (DataAccessException e) {
            log.warn("Job {} attempt {} interrupted by a database error; releasing for a retry", f.jobId(), f.attemptNumber(), e);
            ended(f, () -> queue.release(f, "FAILED", Reason.RETRY_AFTER_ERROR, "database error: " + e.getMostSpecificCause().getMessage(),
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
        trainer.addListener(new TrainingReporter(run, series, metrics, () -> flush(run)));
        trainer.checkpointHook(cp -> artifacts.saveCheckpoint(f, cp, props.checkpointsToKeep()));
        run.attach(trainer);

        TrainingResult result = trainer.fit(plan.data().train(), plan.data().test());
        flush(run);
        if (run.stopReason() == JobRun.StopReason.LOST) {
            throw new FencedOutException(f, "finish the attempt");
        }
        if (result.status() == TrainingResult.Status.COMPLETED) {
            byte[] model = trainer.model().toBytes();
            int epoch = result.lastEpoch() == null ? spec.training().epochs() - 1 : result.lastEpoch().epoch();
            ended(f, () -> tx.execute(s -> {
                artifacts.saveModel(f, model, result.steps(), epoch);
                return queue.finish(f, JobState.SUCCEEDED, Reason.COMPLETED,
                        String.format("trained %d steps in %.3f s", result.steps(), result.seconds())
                                + (result.lastEpoch() == null ? "" : String.format(", test accuracy %.4f", result.lastEpoch().testAccuracy())));
            }), claimed, "succeeded");
        } else if (run.stopReason() == JobRun.StopReason.SHUTDOWN) {
            artifacts.saveCheckpoint(f, trainer.checkpoint(), props.checkpointsToKeep());
            ended(f, () -> queue.release(f, "RELEASED", Reason.WORKER_SHUTDOWN,
                    "worker shut down at step " + result.steps() + "; checkpoint saved", false, Duration.ZERO), claimed, "released");
        } else {
            ended(f, () -> queue.finish(f, JobState.CANCELLED, Reason.CANCELLED, "stopped at step " + result.steps()),
                    claimed, "cancelled");
        }
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
    private void ended(Fence f, java.util.function.Supplier<Optional<JobState>> transition, ClaimedJob claimed, String outcome) {
        Optional<JobState> result;
        try {
            result = transition.get();
        } catch (DataAccessException e) {
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
