package dev.spectra.service.queue;

import dev.spectra.service.config.LimitsProperties;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import org.springframework.transaction.annotation.Transactional;
import tools.jackson.databind.json.JsonMapper;

/**
 * The job queue: every statement that moves a job between {@link JobState}s lives here, next to
 * each other, so the state machine can be read in one place (the River habit).
 *
 * <h2>Rules</h2>
 * <ul>
 *   <li><b>Claim</b> is one statement: it picks the highest-priority, oldest QUEUED job whose
 *       resources the worker satisfies ({@code FOR UPDATE SKIP LOCKED}, so concurrent workers
 *       never get the same job and never wait on each other), moves it to RUNNING, increments
 *       its fencing number, creates the attempt with a lease and writes the event.</li>
 *   <li><b>Fencing</b>: {@code jobs.fence} changes whenever ownership changes (claim, release,
 *       lease expiry). Every worker write names the fence it was granted and locks the job row
 *       {@code FOR SHARE} with that fence, so it either happens while the worker still owns the
 *       job or not at all; a concurrent release waits for it.</li>
 *   <li><b>Leases</b>: the worker's heartbeat renews all its attempts' leases in one statement;
 *       an attempt whose lease lapses is lost: the reaper ({@code reaper.LeaseReaper}) finds it
 *       with {@link #lockExpiredLeases} and requeues the job with {@link #release} (a retry).</li>
 *   <li><b>Cancel</b>: a QUEUED job is cancelled at once; a RUNNING one goes to CANCELLING and
 *       its worker (told by NOTIFY, its metric flush and its heartbeat) stops it before the
 *       next training step and reports CANCELLED.</li>
 *   <li>Every transition writes one {@code job_events} row with a {@link Reason}, in the same
 *       statement as the transition.</li>
 * </ul>
 */
@Repository
public class JobQueue {

    /** NOTIFY channel: a job was queued (payload: accelerator). Idle workers poll at once. */
    public static final String CHANNEL_QUEUED = "spectra_job_queued";
    /** NOTIFY channel: a running job should stop (payload: job id). */
    public static final String CHANNEL_CANCEL = "spectra_job_cancel";

    /** Advisory lock key that serializes claims, so per-tenant running limits are exact. */
    private static final long CLAIM_LOCK = 0x5350454354524131L;

    private final JdbcClient jdbc;
    private final LimitsProperties limits;
    private final String runningOverrides;

    public JobQueue(JdbcClient jdbc, LimitsProperties limits, JsonMapper json) {
        this.jdbc = jdbc;
        this.limits = limits;
        this.runningOverrides = json.writeValueAsString(limits.runningJobOverrides());
    }

    /** A new job as the API stores it. */
    public record NewJob(UUID id, String tenant, String name, String labelsJson, String specJson, int priority,
                         int maxRetries, String accelerator, int gpus, long totalSteps, String idempotencyKey,
                         String requestHash) {
    }

    /**
     * Inserts a QUEUED job with its SUBMITTED event and wakes idle workers: one statement, one
     * round trip (the NOTIFY is delivered when it commits).
     *
     * @return the job's creation time
     */
    public OffsetDateTime enqueue(NewJob job) {
        return jdbc.sql("""
                WITH job AS (
                    INSERT INTO jobs (id, tenant, name, labels, spec, state, priority, max_retries, accelerator, gpus,
                                      total_steps, idempotency_key, request_hash)
                    VALUES (:id, :tenant, :name, :labels::jsonb, :spec::jsonb, 'QUEUED', :priority, :maxRetries,
                            :accelerator, :gpus, :totalSteps, :key, :hash)
                    RETURNING id, created_at),
                event AS (
                    INSERT INTO job_events (job_id, from_state, to_state, reason, message)
                    SELECT id, NULL, 'QUEUED', 'SUBMITTED', 'queued with priority ' || :priority FROM job)
                SELECT created_at, pg_notify('%s', :accelerator) FROM job
                """.formatted(CHANNEL_QUEUED))
                .param("id", job.id()).param("tenant", job.tenant()).param("name", job.name())
                .param("labels", job.labelsJson()).param("spec", job.specJson()).param("priority", job.priority())
                .param("maxRetries", job.maxRetries()).param("accelerator", job.accelerator()).param("gpus", job.gpus())
                .param("totalSteps", job.totalSteps()).param("key", job.idempotencyKey()).param("hash", job.requestHash())
                .query((rs, n) -> rs.getObject(1, OffsetDateTime.class))
                .single();
    }

    /**
     * Claims the next job this worker can run, or nothing. One statement: candidate selection
     * with resource matching ({@code any} jobs run anywhere; {@code cpu}/{@code gpu} jobs only on
     * that kind of worker, and never needing more GPUs than are free), the state change, the
     * new fence, the attempt with its lease and the event.
     * <p>
     * A job whose tenant already runs {@code max-running-jobs} jobs is skipped (it waits, the
     * next tenant's job is claimed). Claims take one transaction-scoped advisory lock first, so the
     * count each claim sees includes every earlier claim: a claim is one short statement, so
     * serializing them costs far less than a worker's job takes.
     */
    @Transactional
    public Optional<ClaimedJob> claim(UUID workerId, String workerName, String accelerator, int freeGpus, Duration lease) {
        jdbc.sql("SELECT pg_advisory_xact_lock(:key)").param("key", CLAIM_LOCK).query().singleRow();
        return jdbc.sql("""
                WITH candidate AS (
                    SELECT id FROM jobs
                    WHERE state = 'QUEUED' AND run_after <= now()
                      AND accelerator IN ('any', :accelerator)
                      AND gpus <= :freeGpus
                      AND (SELECT count(*) FROM jobs r WHERE r.tenant = jobs.tenant AND r.state IN ('RUNNING', 'CANCELLING'))
                          < coalesce((CAST(:runningOverrides AS jsonb) ->> jobs.tenant)::int, :maxRunning)
                    ORDER BY priority DESC, created_at, id
                    LIMIT 1
                    FOR UPDATE SKIP LOCKED),
                claimed AS (
                    UPDATE jobs j SET state = 'RUNNING', fence = j.fence + 1, attempt_count = j.attempt_count + 1,
                                      started_at = coalesce(j.started_at, now()), updated_at = now(),
                                      current_attempt_id = nextval('attempt_ids')
                    FROM candidate c WHERE j.id = c.id
                    RETURNING j.id, j.fence, j.attempt_count, j.spec::text AS spec, j.queued_at, j.started_at,
                              j.current_attempt_id),
                attempt AS (
                    INSERT INTO attempts (id, job_id, number, fence, worker_id, state, lease_expires_at)
                    SELECT current_attempt_id, id, attempt_count, fence, :worker, 'RUNNING',
                           now() + make_interval(secs => :leaseSeconds)
                    FROM claimed
                    RETURNING id, job_id),
                event AS (
                    INSERT INTO job_events (job_id, from_state, to_state, reason, message, attempt_id, worker_id)
                    SELECT c.id, 'QUEUED', 'RUNNING', 'CLAIMED',
                           'attempt ' || c.attempt_count || ' on worker ' || :workerName, a.id, :worker
                    FROM claimed c JOIN attempt a ON a.job_id = c.id)
                SELECT c.id, c.fence, c.attempt_count, c.spec, c.queued_at, c.started_at, a.id AS attempt_id, now() AS claimed_at
                FROM claimed c JOIN attempt a ON a.job_id = c.id
                """)
                .param("accelerator", accelerator).param("freeGpus", freeGpus).param("worker", workerId)
                .param("runningOverrides", runningOverrides).param("maxRunning", limits.maxRunningJobs())
                .param("workerName", workerName).param("leaseSeconds", lease.toMillis() / 1000.0)
                .query((rs, n) -> new ClaimedJob(
                        new Fence(rs.getObject("id", UUID.class), rs.getLong("attempt_id"), rs.getInt("attempt_count"),
                                rs.getLong("fence"), workerId),
                        rs.getString("spec"), rs.getObject("queued_at", OffsetDateTime.class),
                        rs.getObject("claimed_at", OffsetDateTime.class), rs.getObject("started_at", OffsetDateTime.class)))
                .optional();
    }

    /**
     * Ends an attempt with a terminal job state (SUCCEEDED, FAILED or CANCELLED), if the attempt
     * still owns the job. A job that finished training while CANCELLING is SUCCEEDED (reason
     * COMPLETED_BEFORE_CANCEL): the work was done, and its model is kept.
     *
     * @return the state the job was in before, or empty when the attempt was fenced out
     */
    @Transactional
    public Optional<JobState> finish(Fence f, JobState to, Reason reason, String message) {
        if (!to.isTerminal()) {
            throw new IllegalArgumentException("finish needs a terminal state, not " + to);
        }
        String attemptState = to.name();
        return jdbc.sql("""
                WITH cur AS (
                    SELECT id, state FROM jobs
                    WHERE id = :job AND fence = :fence AND state IN ('RUNNING', 'CANCELLING')
                    FOR UPDATE),
                job AS (
                    UPDATE jobs j SET state = :to, finished_at = now(), updated_at = now(),
                                      error = CASE WHEN :to = 'FAILED' THEN :message ELSE j.error END
                    FROM cur WHERE j.id = cur.id),
                attempt AS (
                    UPDATE attempts SET state = :attemptState, finished_at = now(), outcome = :reason
                    WHERE id = :attempt AND EXISTS (SELECT 1 FROM cur)),
                event AS (
                    INSERT INTO job_events (job_id, from_state, to_state, reason, message, attempt_id, worker_id)
                    SELECT cur.id, cur.state, :to,
                           CASE WHEN cur.state = 'CANCELLING' AND :to = 'SUCCEEDED' THEN 'COMPLETED_BEFORE_CANCEL' ELSE :reason END,
                           :message, :attempt, :worker
                    FROM cur)
                SELECT state FROM cur
                """)
                .param("job", f.jobId()).param("fence", f.fence()).param("to", to.name())
                .param("attemptState", attemptState).param("attempt", f.attemptId()).param("reason", reason.name())
                .param("message", message).param("worker", f.workerId())
                .query((rs, n) -> JobState.valueOf(rs.getString(1)))
                .optional();
    }

    /**
     * Takes the job away from an attempt and queues it again (after {@code backoff}), bumping the
     * fence so the attempt can write nothing more. When {@code countsAsRetry} and the job has used
     * all its retries it fails instead; a job that was CANCELLING is cancelled.
     *
     * @param attemptState how the attempt ended: RELEASED (shutdown), FAILED (error) or LOST (lease expired)
     * @return the job's new state, or empty when the attempt was already fenced out
     */
    @Transactional
    public Optional<JobState> release(Fence f, String attemptState, Reason reason, String message, boolean countsAsRetry,
                                      Duration backoff) {
        return jdbc.sql("""
                WITH cur AS (
                    SELECT id, state, retries_used, max_retries FROM jobs
                    WHERE id = :job AND fence = :fence AND state IN ('RUNNING', 'CANCELLING')
                    FOR UPDATE),
                decision AS (
                    SELECT id, state AS from_state,
                           CASE WHEN state = 'CANCELLING' THEN 'CANCELLED'
                                WHEN :counts AND retries_used >= max_retries THEN 'FAILED'
                                ELSE 'QUEUED' END AS to_state
                    FROM cur),
                job AS (
                    UPDATE jobs j SET state = d.to_state, fence = j.fence + 1, updated_at = now(),
                                      retries_used = j.retries_used + CASE WHEN :counts THEN 1 ELSE 0 END,
                                      queued_at = CASE WHEN d.to_state = 'QUEUED' THEN now() ELSE j.queued_at END,
                                      run_after = now() + make_interval(secs => :backoffSeconds),
                                      finished_at = CASE WHEN d.to_state = 'QUEUED' THEN NULL ELSE now() END,
                                      error = CASE WHEN d.to_state = 'FAILED' THEN :message ELSE j.error END
                    FROM decision d WHERE j.id = d.id),
                attempt AS (
                    UPDATE attempts SET state = :attemptState, finished_at = now(), outcome = :reason
                    WHERE id = :attempt AND EXISTS (SELECT 1 FROM cur)),
                event AS (
                    INSERT INTO job_events (job_id, from_state, to_state, reason, message, attempt_id, worker_id)
                    SELECT d.id, d.from_state, d.to_state,
                           CASE WHEN d.to_state = 'FAILED' THEN 'RETRIES_EXHAUSTED'
                                WHEN d.to_state = 'CANCELLED' THEN 'CANCELLED' ELSE :reason END,
                           :message, :attempt, :worker
                    FROM decision d)
                SELECT to_state FROM decision
                """)
                .param("job", f.jobId()).param("fence", f.fence()).param("counts", countsAsRetry)
                .param("backoffSeconds", backoff.toMillis() / 1000.0).param("message", message)
                .param("attemptState", attemptState).param("attempt", f.attemptId()).param("reason", reason.name())
                .param("worker", f.workerId())
                .query((rs, n) -> JobState.valueOf(rs.getString(1)))
                .optional();
    }

    /**
     * Locks the job row {@code FOR SHARE} if the attempt still owns it; throws otherwise. Worker
     * writes that take more than one statement (checkpoints, the final model) call this first in
     * their transaction, so ownership cannot change until they commit.
     *
     * @return the job's current state (RUNNING or CANCELLING)
     */
    public JobState lockOwned(Fence f, String what) {
        return jdbc.sql("""
                SELECT state FROM jobs
                WHERE id = :job AND fence = :fence AND state IN ('RUNNING', 'CANCELLING')
                FOR SHARE""")
                .param("job", f.jobId()).param("fence", f.fence())
                .query((rs, n) -> JobState.valueOf(rs.getString(1)))
                .optional()
                .orElseThrow(() -> new FencedOutException(f, what));
    }

    /** Outcome of a cancel request: the state before and after (equal when nothing changed). */
    public record CancelOutcome(JobState before, JobState after) {
    }

    /**
     * Cancels a QUEUED job at once, or asks the worker of a RUNNING job to stop (CANCELLING,
     * with a NOTIFY so it hears within one step). Repeating it is harmless; on a finished job it
     * changes nothing and the caller answers 409.
     */
    @Transactional
    public Optional<CancelOutcome> requestCancel(String tenant, UUID jobId) {
        Optional<CancelOutcome> out = jdbc.sql("""
                WITH cur AS (
                    SELECT id, state FROM jobs WHERE id = :job AND tenant = :tenant FOR UPDATE),
                decision AS (
                    SELECT id, state AS from_state,
                           CASE state WHEN 'QUEUED' THEN 'CANCELLED' WHEN 'RUNNING' THEN 'CANCELLING' END AS to_state
                    FROM cur WHERE state IN ('QUEUED', 'RUNNING')),
                job AS (
                    UPDATE jobs j SET state = d.to_state, updated_at = now(),
                                      finished_at = CASE WHEN d.to_state = 'CANCELLED' THEN now() END
                    FROM decision d WHERE j.id = d.id),
                event AS (
                    INSERT INTO job_events (job_id, from_state, to_state, reason, message)
                    SELECT id, from_state, to_state,
                           CASE to_state WHEN 'CANCELLED' THEN 'CANCELLED_WHILE_QUEUED' ELSE 'CANCEL_REQUESTED' END,
                           'cancel requested by client'
                    FROM decision)
                SELECT cur.state AS before, coalesce(d.to_state, cur.state) AS after
                FROM cur LEFT JOIN decision d ON d.id = cur.id
                """)
                .param("job", jobId).param("tenant", tenant)
                .query((rs, n) -> new CancelOutcome(JobState.valueOf(rs.getString("before")), JobState.valueOf(rs.getString("after"))))
                .optional();
        out.filter(o -> o.after() == JobState.CANCELLING && o.before() != JobState.CANCELLING)
                .ifPresent(o -> jdbc.sql("SELECT pg_notify('" + CHANNEL_CANCEL + "', :job)")
                        .param("job", jobId.toString()).query().singleRow());
        return out;
    }

    /**
     * The worker's heartbeat: touches its row, renews the lease of each attempt in
     * {@code runningAttempts} (the ones it is actually training) that still owns its job, and
     * reports every running attempt of the worker with its job's state, so the worker learns about
     * cancels and about attempts it lost. An attempt the worker no longer trains (it gave up on it)
     * is not renewed: its lease lapses and the reaper requeues the job.
     */
    @Transactional
    public List<WorkerCommand> heartbeat(UUID workerId, String workerState, Duration lease, long[] runningAttempts) {
        return jdbc.sql("""
                WITH worker AS (
                    UPDATE workers SET last_heartbeat_at = now(), state = :state WHERE id = :worker AND state <> 'STOPPED'),
                renewed AS (
                    UPDATE attempts a SET lease_expires_at = now() + make_interval(secs => :leaseSeconds)
                    FROM jobs j
                    WHERE a.worker_id = :worker AND a.state = 'RUNNING' AND j.id = a.job_id AND j.fence = a.fence
                      AND a.id = ANY(:attempts::bigint[])
                    RETURNING a.id)
                SELECT a.id, a.job_id, (r.id IS NOT NULL) AS owned, j.state
                FROM attempts a JOIN jobs j ON j.id = a.job_id LEFT JOIN renewed r ON r.id = a.id
                WHERE a.worker_id = :worker AND a.state = 'RUNNING'
                """)
                .param("worker", workerId).param("state", workerState).param("leaseSeconds", lease.toMillis() / 1000.0)
                .param("attempts", runningAttempts)
                .query(JobQueue::command)
                .list();
    }

    /**
     * An attempt whose lease lapsed, as the reaper found it (its job row locked until the sweep commits).
     *
     * @param fence             the attempt's ownership token, to release the job with
     * @param workerName        the worker that held it
     * @param lapsedSeconds     how long ago the lease expired
     * @param heartbeatAgeSeconds how long ago the worker last heartbeat
     */
    public record ExpiredLease(Fence fence, String workerName, double lapsedSeconds, double heartbeatAgeSeconds) {
    }

    /**
     * Attempts still RUNNING whose lease expired before {@code now()}, oldest expiry first, with their
     * job rows locked {@code FOR UPDATE SKIP LOCKED}: jobs are locked before attempts, the order
     * finish and release use, and a job a live worker is writing right now is skipped (its worker is
     * evidently not dead; a truly lost one is found by the next sweep). Call inside the sweep's
     * transaction and {@link #release} each one there.
     */
    public List<ExpiredLease> lockExpiredLeases(int limit) {
        return jdbc.sql("""
                SELECT a.id, a.job_id, a.number, a.fence, a.worker_id, w.name,
                       extract(epoch FROM now() - a.lease_expires_at) AS lapsed,
                       extract(epoch FROM now() - w.last_heartbeat_at) AS hb_age
                FROM attempts a
                JOIN jobs j ON j.id = a.job_id AND j.fence = a.fence AND j.state IN ('RUNNING', 'CANCELLING')
                JOIN workers w ON w.id = a.worker_id
                WHERE a.state = 'RUNNING' AND a.lease_expires_at < now()
                ORDER BY a.lease_expires_at
                LIMIT :limit
                FOR UPDATE OF j SKIP LOCKED""")
                .param("limit", limit)
                .query((rs, n) -> new ExpiredLease(
                        new Fence(rs.getObject("job_id", UUID.class), rs.getLong("id"), rs.getInt("number"),
                                rs.getLong("fence"), rs.getObject("worker_id", UUID.class)),
                        rs.getString("name"), rs.getDouble("lapsed"), rs.getDouble("hb_age")))
                .list();
    }

    /**
     * Marks ACTIVE or DRAINING workers silent for longer than {@code silentFor} as LOST (a LOST
     * worker that heartbeats again becomes ACTIVE: see {@link #heartbeat}).
     *
     * @return the names of the workers marked
     */
    public List<String> markLostWorkers(Duration silentFor) {
        return jdbc.sql("""
                UPDATE workers SET state = 'LOST'
                WHERE state IN ('ACTIVE', 'DRAINING') AND last_heartbeat_at < now() - make_interval(secs => :silent)
                RETURNING name""")
                .param("silent", silentFor.toMillis() / 1000.0)
                .query(String.class)
                .list();
    }

    private static WorkerCommand command(ResultSet rs, int n) throws SQLException {
        return new WorkerCommand(rs.getLong("id"), rs.getObject("job_id", UUID.class), rs.getBoolean("owned"),
                JobState.valueOf(rs.getString("state")));
    }
}
